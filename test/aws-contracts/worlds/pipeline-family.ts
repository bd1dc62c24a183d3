import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { deployWorldTemplate, EMULATOR_ACCOUNT, EMULATOR_REGION, worldStack } from './world-stacks';
import { endpointNameFor, releasePrefixFor } from '../../../src/contract/naming';
import { PolicyWorld } from '../handler-calls/policy-world';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** How a family's pipelines are built and named. */
export interface PipelineFamilyProps {
  /** The construct ID of each member's stack (its stack name is the ID and the model name). */
  readonly stackId: string;
  /** The name of every member's world, in reports. */
  readonly worldName: string;
  /** Builds the pipeline of model `modelName` in `stack`, as a team would. */
  readonly build: (stack: Stack, modelName: string) => void;
  /** Physical names to give generated ones of model `modelName`'s deployment, by logical ID prefix. */
  readonly names?: (modelName: string) => { readonly [logicalIdPrefix: string]: string };
}

/** The environment every member of a family releases to. */
export const FAMILY_ENVIRONMENT = 'dev';

/**
 * The model name a family is synthesized with once: every member's template
 * is this template with the model's name in its place.
 */
const PLACEHOLDER = 'mlopsfamilymodel';

/**
 * CDK names an API's deployment after a hash of the API's definition, which
 * holds names made from the model's: the one part of a member's template a
 * substitution cannot reproduce. It names nothing a policy or a handler's
 * setting refers to (the stage is what grants and settings name).
 */
const API_DEPLOYMENT_HASH = /(InferenceApiDeployment[0-9A-F]{8})[0-9a-f]{32}/g;

/**
 * Deployments of one pipeline shape that differ only in the model's name:
 * the fault sweeps' cases, each of which releases to an endpoint of its own
 * on the shared emulator (`<model>-dev`), each the endpoint of a pipeline of
 * its own. Synthesizing one pipeline per case would cost seconds per sweep,
 * so the family synthesizes once and makes each member's template by putting
 * the member's model name in the placeholder's place, which
 * `synthesize`/`substitute` let a test prove equal to a real synthesis.
 * Each member is deployed as a stack named after its model.
 */
export class PipelineFamily {
  private placeholderTemplate?: string;
  private readonly worlds = new Map<string, PolicyWorld>();

  constructor(private readonly props: PipelineFamilyProps) {}

  /** The deployment of model `modelName`'s pipeline, memoized. */
  public world(modelName: string): PolicyWorld {
    let world = this.worlds.get(modelName);
    if (!world) {
      const stackName = `${this.props.stackId}-${modelName}`;
      const where = { stackName, account: EMULATOR_ACCOUNT, region: EMULATOR_REGION };
      world = new PolicyWorld(this.props.worldName, [deployWorldTemplate(this.substitute(modelName), where, this.props.names?.(modelName))]);
      this.worlds.set(modelName, world);
    }
    return world;
  }

  /** Model `modelName`'s template, made from the family's by substitution. */
  public substitute(modelName: string): any {
    if (endpointNameFor(modelName, FAMILY_ENVIRONMENT) !== `${modelName}-${FAMILY_ENVIRONMENT}`
      || releasePrefixFor(modelName, FAMILY_ENVIRONMENT) !== `${modelName}-${FAMILY_ENVIRONMENT}`) {
      // Names cut to SageMaker's length end in a hash of the whole: no substitution makes them.
      throw new Error(`model name ${modelName} makes names SageMaker's limits cut; a family member's must not`);
    }
    this.placeholderTemplate ??= JSON.stringify(this.synthesize(PLACEHOLDER));
    return JSON.parse(this.placeholderTemplate.split(PLACEHOLDER).join(modelName));
  }

  /** Model `modelName`'s template as CDK synthesizes it (for the test that substitution makes the same). */
  public synthesize(modelName: string): any {
    const stack = worldStack(this.props.stackId);
    this.props.build(stack, modelName);
    return Template.fromStack(stack).toJSON();
  }
}

/** A template with the API deployments' definition hashes left out, for comparing members made two ways. */
export function withoutApiDeploymentHashes(template: any): any {
  return JSON.parse(JSON.stringify(template).replace(API_DEPLOYMENT_HASH, '$1'));
}
