import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { deployWorldStack, worldStack } from './world-stacks';
import { ByomPipeline, DatasetFormat, Framework, IntegrationTests, ModelArtifact, ModelImage, ModelQualityProblemType } from '../../../src';
import { ActingRole } from '../handler-calls/acting-role';
import { PolicyWorld } from '../handler-calls/policy-world';

/**
 * The names the deploy, test and share fixtures use (test/pipeline/deploy/deploy-fixtures.ts,
 * test/pipeline/integration-tests/tests-fixtures.ts, test/pipeline/share/share.moto.test.ts).
 */
export const CHURN_NAMES = {
  modelBucket: 'team-models',
  releaseBucket: 'pipeline-artifacts',
  devExecutionRole: 'churn-dev-sagemaker',
  // Parameters whose names CloudFormation generates are simple (`CFN-...`, no
  // slash), which CDK's grants rely on when they write the parameter's ARN.
  devTestRequests: 'CFN-churn-dev-test-requests',
  devReleaseRecord: 'CFN-churn-dev-release-record',
};

let world: PolicyWorld | undefined;

/**
 * The churn pipeline as a team deploys it with ByomPipeline, in the
 * emulator's account: the model in `team-models`, a `dev` environment with
 * every feature whose handlers make AWS calls (autoscaling, data capture,
 * drift detection with model quality, request tests), and its generated
 * names set to the fixtures' ones.
 */
export function churnWorld(): PolicyWorld {
  if (!world) {
    const stack = worldStack('ChurnMlops');
    const models = s3.Bucket.fromBucketName(stack, 'Models', CHURN_NAMES.modelBucket);
    new ByomPipeline(stack, 'Churn', {
      modelName: 'churn',
      artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
      image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
      environments: [{
        name: 'dev',
        instanceType: 'ml.m5.large',
        instanceCount: 1,
        autoScaling: { maxInstances: 4, targetInvocationsPerInstance: 100 },
        dataCapture: { samplingPercentage: 100 },
        tests: IntegrationTests.requests([{ body: '1,2,3', expect: { maxLatency: Duration.seconds(2) } }]),
        monitoring: {
          baselineDataset: { bucket: models, prefix: 'churn/baseline.csv' },
          datasetFormat: DatasetFormat.csv(),
          modelQuality: {
            problemType: ModelQualityProblemType.BINARY_CLASSIFICATION,
            baselineDataset: { bucket: models, prefix: 'churn/mq-baseline.csv' },
            groundTruthColumn: 'label',
            probabilityColumn: 'probability',
            probabilityThreshold: 0.5,
            groundTruth: { bucket: models, prefix: 'churn/ground-truth/' },
          },
        },
      }],
    });
    world = new PolicyWorld('churn pipeline', [deployWorldStack(stack, {
      ChurnArtifacts: CHURN_NAMES.releaseBucket,
      ChurnEnvdevSageMakerRole: CHURN_NAMES.devExecutionRole,
      ChurnTestsRequestsdev: CHURN_NAMES.devTestRequests,
      ChurnEnvdevInferenceApiRelease: CHURN_NAMES.devReleaseRecord,
    })]);
  }
  return world;
}

let deploy: ActingRole | undefined;

/** The churn pipeline's deploy function, acting as its role. */
export function churnDeploy(): ActingRole {
  deploy ??= { handler: 'deploy', world: churnWorld(), role: churnWorld().role('ChurnDeployRole') };
  return deploy;
}

let tests: ActingRole | undefined;

/** The churn pipeline's test function (request tests, rollback), acting as its role. */
export function churnTests(): ActingRole {
  tests ??= { handler: 'test', world: churnWorld(), role: churnWorld().role('ChurnTestsRole') };
  return tests;
}

let share: ActingRole | undefined;

/** The churn pipeline's share function, acting as its role. */
export function churnShare(): ActingRole {
  share ??= { handler: 'share', world: churnWorld(), role: churnWorld().role('ChurnShareRole') };
  return share;
}
