/**
 * Turns a validated pipeline request into the CloudFormation input of its
 * stack: which blueprint template (by shape) and the value of each of its
 * parameters. Plain TypeScript: the provisioning handler runs it.
 */
import { EnvironmentRequest, PipelineRequest } from '../../config/pipeline-request';
import { frameworkImageUri } from '../../pipeline/image/framework-catalog';
import { endpointNameFor, releasePrefixFor } from '../../pipeline/naming';
import type { ProvisionSettings } from '../provision/provision-settings';

/** A CloudFormation parameter value. */
export interface BlueprintParameter {
  readonly ParameterKey: string;
  readonly ParameterValue: string;
}

/** What CreateStack/UpdateStack need besides the stack name and role. */
export interface BlueprintStackInput {
  readonly shape: string;
  readonly templateUrl: string;
  readonly parameters: BlueprintParameter[];
}

/**
 * The blueprint a request needs: whether the pipeline builds its image, and
 * how many environments it has (the two things that change the stack's shape).
 */
export function blueprintShape(request: Pick<PipelineRequest, 'image' | 'environments'>): string {
  const image = 'containerSource' in request.image ? 'container' : 'prebuilt';
  return `${image}-${request.environments.length}`;
}

/** The stack input for a validated request. */
export function blueprintStackInput(request: PipelineRequest, settings: ProvisionSettings, region: string): BlueprintStackInput {
  const shape = blueprintShape(request);
  const templateUrl = settings.blueprintUrls[shape];
  if (!templateUrl) {
    throw new Error(`No blueprint for shape ${shape}: the request should have been rejected by validation`);
  }
  const values: { [key: string]: string } = {
    ModelName: request.name,
    AssetsBucket: settings.assetsBucket,
    ArtifactKey: request.artifact,
    KeepReleases: String(request.keepReleases ?? 2),
    NotificationEmails: (request.notifications?.emails ?? []).join(','),
    DeployFunctionArn: settings.sharedHandlers.deploy,
    TestFunctionArn: settings.sharedHandlers.test,
    ShareFunctionArn: settings.sharedHandlers.share,
    CleanupFunctionArn: settings.sharedHandlers.cleanup,
  };
  if ('containerSource' in request.image) {
    values.ContainerSourceKey = request.image.containerSource;
  } else if ('framework' in request.image) {
    values.ImageUri = frameworkImageUri({ framework: request.image.framework, version: request.image.version, processor: 'cpu' }, region);
  } else {
    values.ImageUri = request.image.uri;
  }
  request.environments.forEach((env, i) => Object.assign(values, environmentValues(request.name, env, i + 1)));
  return {
    shape,
    templateUrl,
    parameters: Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
  };
}

function environmentValues(modelName: string, env: EnvironmentRequest, slot: number): { [key: string]: string } {
  const p = `Env${slot}`;
  return {
    [`${p}Name`]: env.name,
    [`${p}EndpointName`]: endpointNameFor(modelName, env.name),
    [`${p}ReleasePrefix`]: releasePrefixFor(modelName, env.name),
    [`${p}Approval`]: env.approval ? 'true' : 'false',
    [`${p}Variant`]: JSON.stringify({
      instanceType: env.serverless ? undefined : env.instanceType ?? 'ml.m5.large',
      instanceCount: env.serverless ? undefined : env.instanceCount ?? 1,
      serverless: env.serverless,
      autoScaling: env.autoScaling,
      dataCapture: env.dataCapture,
    }),
    [`${p}Tests`]: JSON.stringify(env.tests ?? []),
  };
}
