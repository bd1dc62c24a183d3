import * as s3 from 'aws-cdk-lib/aws-s3';
import { CHURN_NAMES } from './churn-world';
import { fixtureMonitoring } from './fixture-monitoring';
import { deployWorldStack, worldStack } from './world-stacks';
import { ByomPipeline, Framework, ModelArtifact, ModelImage } from '../../../src';
import { endpointNameFor } from '../../../src/contract/naming';
import { monitoringRoleArn } from '../../runtime/monitoring/monitoring-fixtures';
import { ActingRole } from '../handler-calls/acting-role';
import { PolicyWorld } from '../handler-calls/policy-world';

/** An environment of a monitoring world: its name, and whether it monitors model quality besides data quality. */
export interface MonitoredEnvironment {
  readonly name: string;
  readonly modelQuality: boolean;
}

/** The model name of the monitoring worlds' pipeline: an environment `x` has the endpoint `churn-x`. */
const MODEL_NAME = 'churn';

const worlds = new Map<string, PolicyWorld>();

/**
 * The churn pipeline as a team deploys it with drift detection on each of
 * `environments` (the environments a monitoring test file releases to, named
 * per run), each monitoring role named as the monitoring fixtures name it
 * after the environment's endpoint.
 */
export function monitoringWorld(environments: readonly MonitoredEnvironment[]): PolicyWorld {
  const key = JSON.stringify(environments);
  let world = worlds.get(key);
  if (!world) {
    const stack = worldStack('ChurnMonitoring');
    const models = s3.Bucket.fromBucketName(stack, 'Models', CHURN_NAMES.modelBucket);
    new ByomPipeline(stack, 'Churn', {
      modelName: MODEL_NAME,
      artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
      image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
      environments: environments.map((env) => ({
        name: env.name,
        instanceType: 'ml.m5.large',
        monitoring: fixtureMonitoring(stack, { modelQuality: env.modelQuality }),
      })),
    });
    const monitoringRoles = Object.fromEntries(environments.map((env) => {
      // Logical IDs keep the alphanumerics of the construct path: Churn/Env<name>/MonitoringRole.
      const logicalIdPrefix = `ChurnEnv${env.name.replace(/[^A-Za-z0-9]/g, '')}MonitoringRole`;
      return [logicalIdPrefix, monitoringRoleArn(monitoredEndpoint(env.name)).split('/').pop()!];
    }));
    world = new PolicyWorld(`churn pipeline monitoring ${environments.map((e) => e.name).join(', ')}`, [deployWorldStack(stack, monitoringRoles)]);
    worlds.set(key, world);
  }
  return world;
}

/** The endpoint of a monitoring world's environment. */
export function monitoredEndpoint(environmentName: string): string {
  return endpointNameFor(MODEL_NAME, environmentName);
}

/** The deploy function of that pipeline (its Monitor steps), acting as its role. */
export function monitoringDeploy(environments: readonly MonitoredEnvironment[]): () => ActingRole {
  return () => ({ handler: 'deploy', world: monitoringWorld(environments), role: monitoringWorld(environments).role('ChurnDeployRole') });
}

/** The clean-up function of that pipeline (which deletes the schedules and definitions with the stack), acting as its role. */
export function monitoringCleanup(environments: readonly MonitoredEnvironment[]): () => ActingRole {
  return () => ({ handler: 'cleanup', world: monitoringWorld(environments), role: monitoringWorld(environments).role('ChurnCleanupRole') });
}
