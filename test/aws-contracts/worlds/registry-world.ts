import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { deployWorldStack, EMULATOR_ACCOUNT, EMULATOR_REGION, worldStack } from './world-stacks';
import type { EnvironmentDeploySpec, ModelPackageGroupSpec } from '../../../src/contract/deploy-settings';
import { DeployHandler } from '../../../src/pipeline/deploy/deploy-handler';
import { ActingRole } from '../handler-calls/acting-role';
import { PolicyWorld } from '../handler-calls/policy-world';

/** The group the registry fixtures release from, in the emulator's account. */
export const REGISTRY_GROUP: ModelPackageGroupSpec = { name: 'churn-models', account: EMULATOR_ACCOUNT, region: EMULATOR_REGION };

/**
 * Where a registry pipeline's release requests are (the release-request
 * trigger writes them, the Deploy action reads the version its execution
 * started with): the deploy handler's artifact in a registry pipeline.
 */
export const REQUESTS = { bucket: 'churn-mlops-requests', key: 'release-request.json' };

let world: PolicyWorld | undefined;

/**
 * A deploy handler with one environment that releases from a model package
 * group: the grants its role gets are the ones the construct derives from
 * the environment's spec (release-permissions.ts), as for any environment.
 */
export function registryWorld(spec: EnvironmentDeploySpec): PolicyWorld {
  if (!world) {
    const stack = worldStack('RegistryMlops');
    const requests = s3.Bucket.fromBucketName(stack, 'Requests', REQUESTS.bucket);
    const releases = s3.Bucket.fromBucketName(stack, 'Releases', spec.releaseBucket);
    const handler = new DeployHandler(stack, 'Registry', {
      pipelineName: 'churn-mlops',
      artifactBucket: requests,
      artifactKey: REQUESTS.key,
      releaseBucket: releases,
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    handler.addEnvironment('dev', spec, releases);
    world = new PolicyWorld('registry deploy handler', [deployWorldStack(stack)]);
  }
  return world;
}

/** That deploy handler, acting as its role. */
export function registryDeploy(spec: EnvironmentDeploySpec): () => ActingRole {
  return () => ({ handler: 'deploy', world: registryWorld(spec), role: registryWorld(spec).role('RegistryRole') });
}
