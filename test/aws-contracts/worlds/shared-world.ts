import { readFileSync } from 'fs';
import * as path from 'path';
import { FrameworkWorld, frameworkWorld } from './framework-world';
import type { PipelineRequest } from '../../../src/config/pipeline-request';
import { BLUEPRINT_DIRECTORY, blueprintFileName } from '../../../src/framework/blueprint/blueprint-files';
import { blueprintShapeOf } from '../../../src/blueprint/blueprint-parameters';
import { PROJECT_ROOT } from '../../harness/moto-server';
import type { DeployedResource } from '../cloudformation/deployed-stack';
import { deployPipelineStack, PipelineStackDeployment } from '../deployment/framework-deployment';
import type { ActingRole } from '../handler-calls/acting-role';
import { PolicyWorld } from '../handler-calls/policy-world';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The account the shared handlers' world is deployed in: the framework and
 * the pipeline stacks it provisions. Not the emulator's default account:
 * moto keeps what a call creates under the account of the credentials that
 * made it, and a function's own credentials map to the default one there, so
 * what the handlers do as a pipeline's role can be told from what their own
 * credentials would reach.
 */
export const SHARED_ACCOUNT = '444455556666';

/** The names the shared handlers' fixtures (test/pipeline/shared) use. */
export const SHARED_NAMES = {
  /** The framework's assets bucket, where the team's model artifact is. */
  assetsBucket: 'team-models',
  /** The pipeline stack's artifact bucket, which the deploy handler copies each release into. */
  releaseBucket: 'pipeline-artifacts',
};

/** The request the churn pipeline's stack was provisioned from. */
export const SHARED_REQUEST: PipelineRequest = {
  name: 'churn',
  artifact: 'churn/model.tar.gz',
  image: { framework: 'xgboost', version: '1.7-1' },
  environments: [{
    name: 'dev',
    tests: [{ name: 'score', body: '{"features":[1]}', contentType: 'application/json', expect: { status: 200, jsonPath: [{ path: '$.score', min: 0.5 }] } }],
  }],
};

/** The handlers a pipeline stack's actions and clean-up name. */
export type SharedHandler = 'deploy' | 'test' | 'share' | 'cleanup';

/** The churn pipeline's stack as the framework provisioned it, with what its handlers are told. */
export interface SharedWorld {
  readonly world: PolicyWorld;
  readonly framework: FrameworkWorld;
  readonly pipeline: PipelineStackDeployment;
  /** The pipeline's name, which CodePipeline reports for its jobs. */
  readonly pipelineName: string;
  /** Every SSM parameter the stack created, by name, with the value CloudFormation wrote. */
  readonly parameters: ReadonlyMap<string, string>;
  /** The release clean-up custom resource's properties, as CloudFormation sends them. */
  readonly cleanupProperties: { [key: string]: any };
  /** The ID of an environment's inference API (`<endpoint>-inference`). */
  restApiId(apiName: string): string;
  /**
   * The user parameters of the action of `stage` as CodePipeline hands them
   * to the function, its variables (`#{Deploy-dev.EndpointName}`) replaced by
   * `variables`; a variable left out fails.
   */
  userParameters(stage: string, variables: { readonly [name: string]: string }): { [key: string]: unknown };
  /** The shared function of a handler, acting as its own role (it assumes the pipeline's role for each job). */
  sharedHandler(handler: SharedHandler): ActingRole;
}

let world: SharedWorld | undefined;

/**
 * An MlopsFramework (defaults, prefix `mlops-`) and the stack it provisions
 * for {@link SHARED_REQUEST} (pipeline `mlops-churn`), both deployed
 * offline in {@link SHARED_ACCOUNT}, with the fixtures' bucket names; every
 * other name (roles, settings parameters) is the one CloudFormation gives,
 * which the fixtures read from here.
 */
export function sharedWorld(): SharedWorld {
  world ??= buildSharedWorld();
  return world;
}

function buildSharedWorld(): SharedWorld {
  const framework = frameworkWorld({
    account: SHARED_ACCOUNT,
    stackPrefix: 'mlops-',
    assetsBucket: SHARED_NAMES.assetsBucket,
    blueprintBucket: `shared-blueprints-${SHARED_ACCOUNT}`,
  });
  const stackRole = framework.world.roleByArn(framework.provisionSettings.cloudFormationRoleArn)!;
  const pipeline = deployPipelineStack(
    SHARED_REQUEST,
    { stack: framework.stack, settings: framework.provisionSettings, stackRole },
    namesByPrefix(blueprintShapeOf(SHARED_REQUEST), { PipelineArtifacts: SHARED_NAMES.releaseBucket }),
  );
  const policyWorld = new PolicyWorld('MlopsFramework and its churn pipeline', [framework.stack, pipeline.stack]);
  const resources = [...pipeline.stack.resources.values()];
  const codePipeline = only(resources.filter((r) => r.type === 'AWS::CodePipeline::Pipeline'), 'CodePipeline');
  const actions = codePipeline.properties.Stages.flatMap((s: any) => s.Actions.map((a: any) => ({ stage: s.Name, action: a })));
  return {
    world: policyWorld,
    framework,
    pipeline,
    pipelineName: codePipeline.ref,
    parameters: new Map(resources.filter((r) => r.type === 'AWS::SSM::Parameter').map((r) => [r.ref, r.properties.Value])),
    restApiId: (apiName) => only(resources.filter((r) => r.type === 'AWS::ApiGateway::RestApi' && r.properties.Name === apiName), `REST API ${apiName}`).ref,
    userParameters: (stage, variables) => {
      const found = only(actions.filter((a: any) => a.stage === stage), `action of stage ${stage}`);
      const text = String(found.action.Configuration.UserParameters).replace(/#\{([^}]+)\}/g, (_whole, name: string) => {
        if (!(name in variables)) {
          throw new Error(`the ${stage} action's user parameters need the variable ${name}`);
        }
        // Inside a JSON string: the value as JSON string content.
        return JSON.stringify(variables[name]).slice(1, -1);
      });
      return JSON.parse(text);
    },
    cleanupProperties: only(resources.filter((r) => r.type === 'Custom::MlopsReleaseCleanup'), 'release clean-up').properties,
    sharedHandler: (handler) => {
      const { role, ...acting } = framework.sharedHandler(handler);
      return { ...acting, world: policyWorld, role: policyWorld.roleByArn(role.arn)! };
    },
  };
}

function only(found: DeployedResource[] | any[], what: string): any {
  if (found.length !== 1) {
    throw new Error(`the churn pipeline's stack has ${found.length} ${what}s; expected one`);
  }
  return found[0];
}

/** Names by the start of a blueprint's logical IDs (each must match exactly one resource that is not a policy). */
function namesByPrefix(shape: string, names: { [prefix: string]: string }): { [logicalId: string]: string } {
  const template = JSON.parse(readFileSync(path.join(PROJECT_ROOT, BLUEPRINT_DIRECTORY, blueprintFileName(shape)), 'utf-8'));
  return Object.fromEntries(Object.entries(names).map(([prefix, name]) => {
    const matches = Object.keys(template.Resources).filter((id) => id.startsWith(prefix) && !/Policy$/.test(template.Resources[id].Type));
    if (matches.length !== 1) {
      throw new Error(`blueprint ${shape}: "${prefix}" matches ${matches.length} resources (${matches.join(', ')}); it must match one`);
    }
    return [matches[0], name];
  }));
}
