import * as s3 from 'aws-cdk-lib/aws-s3';
import { logicalIdOf } from './framework-world';
import { deployWorldStack, EMULATOR_ACCOUNT, EMULATOR_REGION, worldApp, worldStack } from './world-stacks';
import { ByomPipeline, Framework, IntegrationTests, MlopsEnvironmentAccess, ModelArtifact, ModelImage } from '../../../src';
import type { DeploySettings, EnvironmentDeploySpec } from '../../../src/contract/deploy-settings';
import type { ShareSettings } from '../../../src/contract/share-settings';
import type { DeployedStack } from '../cloudformation/deployed-stack';
import type { ActingRole } from '../handler-calls/acting-role';
import { PolicyWorld } from '../handler-calls/policy-world';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Where the churn pipeline's prod environment runs: another account and region. */
export const PROD_ACCOUNT = '222222222222';
export const PROD_REGION = 'eu-west-1';

/** The names the cross-account fixtures (test/pipeline/access) use for what the pipeline's stack creates. */
export const ACCESS_NAMES = {
  /** The team's bucket the model artifact is uploaded to. */
  modelBucket: 'team-models',
  /** The pipeline's artifact bucket, which keeps the first copy of each release. */
  releaseBucket: 'pipeline-artifacts',
};

/** The handlers of the churn pipeline, each its own function with its own role. */
export type AccessHandler = 'deploy' | 'test' | 'share' | 'cleanup';

/** The churn pipeline with its prod environment in another account, and what its handlers are told. */
export interface AccessWorld {
  readonly world: PolicyWorld;
  readonly pipelineStack: DeployedStack;
  /** The MlopsEnvironmentAccess stack in the prod account and region. */
  readonly prodStack: DeployedStack;
  /** The deploy function's settings (its environment variable) and prod's deploy spec (the SSM parameter they name). */
  readonly deploySettings: DeploySettings;
  readonly prodDeploySpec: EnvironmentDeploySpec;
  /** The share function's settings (its environment variable). */
  readonly shareSettings: ShareSettings;
  /** Every SSM parameter the pipeline's stack created, by name, with the value CloudFormation wrote. */
  readonly parameters: ReadonlyMap<string, string>;
  /** The ID of prod's inference API, in the prod account. */
  readonly prodRestApiId: string;
  /** The release clean-up custom resource's properties, as CloudFormation sends them. */
  readonly cleanupProperties: { [key: string]: any };
  /** The user parameters of the action of `stage`, its variables replaced by `variables`; a variable left out fails. */
  userParameters(stage: string, variables: { readonly [name: string]: string }): { [key: string]: unknown };
  /** A handler's function, acting as its role in the pipeline's account. */
  handler(handler: AccessHandler): ActingRole;
}

let world: AccessWorld | undefined;

/**
 * A team's ByomPipeline `churn` in the emulator's account and region, with
 * one environment, prod (request tests), in {@link PROD_ACCOUNT} and
 * {@link PROD_REGION}, and the MlopsEnvironmentAccess stack deployed there
 * for it, both deployed offline; the artifact bucket has the fixtures'
 * name, and every name the constructs derive (the access role, the
 * environment's release bucket and execution role) is the one they give.
 */
export function accessWorld(): AccessWorld {
  world ??= buildAccessWorld();
  return world;
}

function buildAccessWorld(): AccessWorld {
  const app = worldApp();
  const pipelineStack = worldStack('ChurnPipeline', EMULATOR_ACCOUNT, { app, region: EMULATOR_REGION });
  const prodStack = worldStack('ChurnProd', PROD_ACCOUNT, { app, region: PROD_REGION });
  const models = s3.Bucket.fromBucketName(pipelineStack, 'Models', ACCESS_NAMES.modelBucket);
  const pipeline = new ByomPipeline(pipelineStack, 'Churn', {
    modelName: 'churn',
    artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
    image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
    environments: [{
      name: 'prod',
      account: PROD_ACCOUNT,
      region: PROD_REGION,
      tests: IntegrationTests.requests([{ name: 'answers', body: '0.7,1.0', contentType: 'text/csv', expect: { status: 200 } }]),
    }],
  });
  const access = new MlopsEnvironmentAccess(prodStack, 'ChurnProd', { pipeline, environmentName: 'prod' });
  const deployedPipeline = deployWorldStack(pipelineStack, { [logicalIdOf(pipeline.artifactBucket)]: ACCESS_NAMES.releaseBucket });
  const deployedProd = deployWorldStack(prodStack);
  const policyWorld = new PolicyWorld('churn pipeline with prod in another account', [deployedPipeline, deployedProd]);

  const resources = [...deployedPipeline.resources.values()];
  const parameters = new Map<string, string>(resources.filter((r) => r.type === 'AWS::SSM::Parameter').map((r) => [r.ref, r.properties.Value]));
  const environmentOf = (fn: { node: any }) => resourceOf(deployedPipeline, logicalIdOf(fn as any)).properties.Environment.Variables;
  const deploySettings: DeploySettings = JSON.parse(environmentOf(pipeline.deployFunction).MLOPS_DEPLOY_SPEC);
  const shareSettings: ShareSettings = JSON.parse(Object.values<string>(environmentOf(pipeline.node.findChild('Share').node.findChild('Function')))
    .find((value) => value.startsWith('{"pipelineName"'))!);
  const codePipeline = resourceOf(deployedPipeline, logicalIdOf(pipeline.pipeline)).properties;
  const actions = codePipeline.Stages.flatMap((s: any) => s.Actions.map((a: any) => ({ stage: s.Name, action: a })));
  const roleOf = (fn: any) => policyWorld.roleByArn(resourceOf(deployedPipeline, logicalIdOf(fn)).properties.Role)!;
  const handlerFunctions: { [handler in AccessHandler]: any } = {
    deploy: pipeline.deployFunction,
    test: pipeline.node.findChild('Tests').node.findChild('Function'),
    share: pipeline.node.findChild('Share').node.findChild('Function'),
    cleanup: pipeline.node.findChild('Cleanup').node.findChild('Function'),
  };
  return {
    world: policyWorld,
    pipelineStack: deployedPipeline,
    prodStack: deployedProd,
    deploySettings,
    prodDeploySpec: JSON.parse(parameters.get(deploySettings.environmentParameters.prod)!),
    shareSettings,
    parameters,
    prodRestApiId: resourceOf(deployedProd, logicalIdOf(access.api.restApi)).ref,
    userParameters: (stage, variables) => {
      const found = actions.filter((a: any) => a.stage === stage);
      if (found.length !== 1) {
        throw new Error(`the churn pipeline has ${found.length} actions in stage ${stage}`);
      }
      const text = String(found[0].action.Configuration.UserParameters).replace(/#\{([^}]+)\}/g, (_whole, name: string) => {
        if (!(name in variables)) {
          throw new Error(`the ${stage} action's user parameters need the variable ${name}`);
        }
        return JSON.stringify(variables[name]).slice(1, -1);
      });
      return JSON.parse(text);
    },
    cleanupProperties: only(resources.filter((r) => r.type === 'Custom::MlopsReleaseCleanup'), 'release clean-up').properties,
    handler: (handler) => ({ handler, world: policyWorld, role: roleOf(handlerFunctions[handler]) }),
  };
}

function only<T>(found: T[], what: string): T {
  if (found.length !== 1) {
    throw new Error(`the churn pipeline's stack has ${found.length} ${what}s; expected one`);
  }
  return found[0];
}

function resourceOf(stack: DeployedStack, logicalId: string) {
  const resource = stack.resources.get(logicalId);
  if (!resource) {
    throw new Error(`${stack.stackName} has no resource ${logicalId}`);
  }
  return resource;
}
