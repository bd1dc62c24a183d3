import { Duration } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CHURN_NAMES } from './churn-world';
import { deployWorldStack, worldStack } from './world-stacks';
import { ByomPipeline, Framework, IntegrationTests, ModelArtifact, ModelImage } from '../../../src';
import { ActingRole } from '../handler-calls/acting-role';
import { PolicyWorld } from '../handler-calls/policy-world';

/** The test project the CodeBuild test fixtures name (test/pipeline/integration-tests/tests-fixtures.ts). */
export const CODEBUILD_TEST_PROJECT = 'churn-dev-tests';

let world: PolicyWorld | undefined;

/**
 * The churn pipeline as a team deploys it to test dev with a suite of its
 * own in CodeBuild, on an autoscaled endpoint (the scaling the CodeBuild
 * fixtures' jobs carry), the project's generated name set to the fixtures'.
 */
export function codeBuildTestsWorld(): PolicyWorld {
  if (!world) {
    const stack = worldStack('ChurnCodeBuildTests');
    const models = s3.Bucket.fromBucketName(stack, 'Models', CHURN_NAMES.modelBucket);
    new ByomPipeline(stack, 'Churn', {
      modelName: 'churn',
      artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
      image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
      environments: [{
        name: 'dev',
        instanceType: 'ml.m5.large',
        instanceCount: 2,
        autoScaling: { minInstances: 2, maxInstances: 8, targetInvocationsPerInstance: 500, scaleInCooldown: Duration.minutes(5) },
        tests: IntegrationTests.codeBuild({
          buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['pytest'] } } }),
          environmentVariables: { SUITE: { value: 'smoke' } },
        }),
      }],
    });
    world = new PolicyWorld('churn pipeline tested in CodeBuild', [deployWorldStack(stack, {
      ChurnArtifacts: CHURN_NAMES.releaseBucket,
      ChurnEnvdevSageMakerRole: CHURN_NAMES.devExecutionRole,
      // The project's logical ID in full: its role's starts the same way.
      ChurnTestsdevProjectBB33721E: CODEBUILD_TEST_PROJECT,
    })]);
  }
  return world;
}

let tests: ActingRole | undefined;

/** That pipeline's test function (starts and watches the build, rolls back), acting as its role. */
export function codeBuildTests(): ActingRole {
  tests ??= { handler: 'test', world: codeBuildTestsWorld(), role: codeBuildTestsWorld().role('ChurnTestsRole') };
  return tests;
}
