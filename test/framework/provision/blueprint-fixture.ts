/**
 * Stand-in blueprint templates for the moto tests, until the framework ships
 * the real ones. Each has exactly the parameters `blueprintStackInput` gives
 * its shape (all Strings), one resource moto can create, and the outputs the
 * provisioning handler reads (`OUTPUTS`: `Pipeline`, `Env{i}`,
 * `Env{i}Endpoint`, `Env{i}InferenceUrl`).
 *
 * To test against the real blueprint, make `blueprintTemplate` return its
 * synthesized template for the shape.
 */
import { MAX_ENVIRONMENTS, PipelineRequest } from '../../../src/config/pipeline-request';
import { blueprintStackInput } from '../../../src/framework/blueprint/blueprint-input';
import { OUTPUTS } from '../../../src/framework/blueprint/blueprint-parameters';
import type { ProvisionSettings } from '../../../src/framework/provision/provision-settings';

/** Every shape the framework has a blueprint for. */
export const BLUEPRINT_SHAPES: readonly string[] = ['prebuilt', 'container'].flatMap((image) =>
  Array.from({ length: MAX_ENVIRONMENTS }, (_, i) => `${image}-${i + 1}`));

/** A request of the given shape: only its parameter names matter here. */
function requestOfShape(shape: string): PipelineRequest {
  const [image, count] = shape.split('-');
  return {
    name: 'shape',
    artifact: 'shape/model.tar.gz',
    image: image === 'container' ? { containerSource: 'shape/container.zip' } : { uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shape:1' },
    environments: Array.from({ length: Number(count) }, (_, i) => ({ name: `env${i + 1}` })),
  };
}

/** The template body for a shape. */
export function blueprintTemplate(shape: string, settings: ProvisionSettings): string {
  const input = blueprintStackInput(requestOfShape(shape), settings, 'us-east-1');
  const names = input.parameters.map((p) => p.ParameterKey);
  const environments = Number(shape.split('-')[1]);
  const outputs: Record<string, unknown> = {
    [OUTPUTS.pipeline]: { Value: { 'Fn::Sub': '${ModelName}-pipeline' } },
  };
  for (let i = 1; i <= environments; i++) {
    const out = OUTPUTS.environment(i);
    outputs[out.name] = { Value: { Ref: `Env${i}Name` } };
    outputs[out.endpointName] = { Value: { Ref: `Env${i}EndpointName` } };
    outputs[out.inferenceUrl] = { Value: { 'Fn::Sub': `https://api-\${Env${i}Name}.execute-api.\${AWS::Region}.amazonaws.com/v1/invocations` } };
  }
  return JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Test stand-in for the ${shape} blueprint`,
    Parameters: Object.fromEntries(names.map((n) => [n, { Type: 'String' }])),
    Resources: {
      // Holds the artifact key, so a changed request really changes a resource.
      Release: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Name: { 'Fn::Sub': '/mlops-test/${ModelName}' }, Value: { Ref: 'ArtifactKey' } } },
    },
    Outputs: outputs,
  });
}
