import * as s3 from 'aws-cdk-lib/aws-s3';
import { CHURN_NAMES } from './churn-world';
import { deployWorldStack, worldStack } from './world-stacks';
import { BatchSplitType, ByomPipeline, Framework, ModelArtifact, ModelImage } from '../../../src';
import { ActingRole } from '../handler-calls/acting-role';
import { PolicyWorld } from '../handler-calls/policy-world';

/** The names the batch fixtures use (test/runtime/batch/batch-fixtures.ts). */
export const BATCH_NAMES = {
  inputBucket: 'batch-input',
  inputPrefix: 'scoring/',
  outputBucket: 'batch-output',
  outputPrefix: 'scores/',
};

let world: PolicyWorld | undefined;

/**
 * The churn pipeline as a team deploys it to score in batch: two batch
 * environments (`dev`, as the deploy fixtures name it, and `nightly`, as the
 * transform fixtures do), each running a transform over the team's input
 * prefix into its output prefix and checking the output, with the generated
 * names of the release bucket and dev's SageMaker role set to the fixtures'.
 */
export function batchWorld(): PolicyWorld {
  if (!world) {
    const stack = worldStack('ChurnBatch');
    const models = s3.Bucket.fromBucketName(stack, 'Models', CHURN_NAMES.modelBucket);
    const input = s3.Bucket.fromBucketName(stack, 'Input', BATCH_NAMES.inputBucket);
    const output = s3.Bucket.fromBucketName(stack, 'Output', BATCH_NAMES.outputBucket);
    const batch = {
      input: { bucket: input, prefix: BATCH_NAMES.inputPrefix },
      output: { bucket: output, prefix: BATCH_NAMES.outputPrefix },
      contentType: 'text/csv',
      splitType: BatchSplitType.LINE,
      accept: 'application/jsonlines',
      check: { minObjects: 1, jsonPath: [{ path: '$.score', min: 0, max: 1 }] },
    };
    new ByomPipeline(stack, 'Churn', {
      modelName: 'churn',
      artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
      image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
      environments: [
        { name: 'dev', instanceType: 'ml.c5.xlarge', instanceCount: 3, batch },
        { name: 'nightly', instanceType: 'ml.m5.large', instanceCount: 2, batch },
      ],
    });
    world = new PolicyWorld('churn batch pipeline', [deployWorldStack(stack, {
      ChurnArtifacts: CHURN_NAMES.releaseBucket,
      ChurnEnvdevSageMakerRole: CHURN_NAMES.devExecutionRole,
    })]);
  }
  return world;
}

let deploy: ActingRole | undefined;

/** The batch pipeline's deploy function (release, output check), acting as its role. */
export function batchDeploy(): ActingRole {
  deploy ??= { handler: 'deploy', world: batchWorld(), role: batchWorld().role('ChurnDeployRole') };
  return deploy;
}
