import * as s3 from 'aws-cdk-lib/aws-s3';
import { CHURN_NAMES } from './churn-world';
import { fixtureMonitoring } from './fixture-monitoring';
import { deployWorldStack, worldStack } from './world-stacks';
import { ByomPipeline, Framework, ModelArtifact, ModelImage } from '../../../src';
import { ActingRole } from '../handler-calls/acting-role';
import { PolicyWorld } from '../handler-calls/policy-world';

/** What dev detects in a clean-up world: nothing, data quality, or data and model quality. */
export type DevMonitoring = 'none' | 'data-quality' | 'model-quality';

/** The monitoring role the clean-up fixtures' monitored dev passes (test/runtime/monitoring/monitoring-fixtures.ts). */
export const FIXTURE_MONITORING_ROLE = 'churn-monitoring';

const worlds = new Map<DevMonitoring, PolicyWorld>();

/**
 * The churn pipeline whose stack deletion the clean-up fixtures run: `dev`
 * (autoscaled, detecting drift as `monitoring` says) and `prod`, with the
 * generated names of the release bucket, dev's SageMaker role and its
 * monitoring role set to the fixtures'.
 */
export function cleanupWorld(monitoring: DevMonitoring): PolicyWorld {
  let world = worlds.get(monitoring);
  if (!world) {
    const stack = worldStack(`ChurnCleanup-${monitoring}`);
    const models = s3.Bucket.fromBucketName(stack, 'Models', CHURN_NAMES.modelBucket);
    const autoScaling = { maxInstances: 4, targetInvocationsPerInstance: 100 };
    new ByomPipeline(stack, 'Churn', {
      modelName: 'churn',
      artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
      image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
      environments: [
        {
          name: 'dev',
          instanceType: 'ml.m5.large',
          autoScaling,
          monitoring: monitoring === 'none' ? undefined : fixtureMonitoring(stack, { modelQuality: monitoring === 'model-quality' }),
        },
        { name: 'prod', instanceType: 'ml.m5.large', autoScaling },
      ],
    });
    world = new PolicyWorld(`churn pipeline (dev monitoring: ${monitoring})`, [deployWorldStack(stack, {
      ChurnArtifacts: CHURN_NAMES.releaseBucket,
      ChurnEnvdevSageMakerRole: CHURN_NAMES.devExecutionRole,
      ...(monitoring === 'none' ? {} : { ChurnEnvdevMonitoringRole: FIXTURE_MONITORING_ROLE }),
    })]);
    worlds.set(monitoring, world);
  }
  return world;
}

/** The clean-up function of that pipeline (run by the custom resource framework on the stack's deletion), acting as its role. */
export function cleanupRole(monitoring: DevMonitoring): () => ActingRole {
  return () => ({ handler: 'cleanup', world: cleanupWorld(monitoring), role: cleanupWorld(monitoring).role('ChurnCleanupRole') });
}

/** That pipeline's deploy function, which released and monitored dev before the deletion. */
export function cleanupWorldDeploy(monitoring: DevMonitoring): () => ActingRole {
  return () => ({ handler: 'deploy', world: cleanupWorld(monitoring), role: cleanupWorld(monitoring).role('ChurnDeployRole') });
}
