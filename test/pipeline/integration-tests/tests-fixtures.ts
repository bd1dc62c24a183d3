import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { justifyWildcards } from '../../../src/nag/acknowledgements';
import { releasePrefixFor, endpointNameFor } from '../../../src/contract/naming';
import { IntegrationTests } from '../../../src/pipeline/integration-tests/integration-tests';
import { deployVariables } from '../../../src/pipeline/integration-tests/test-binding';
import { IntegrationTestHandler } from '../../../src/pipeline/integration-tests/test-handler';
import { TestJobParameters } from '../../../src/contract/test-settings';
import { removeRedundantDependsOn } from '../../../src/common/redundant-dependencies';
import { CodePipelineJob } from '../../../src/runtime/codepipeline-job';
import { VariantAutoScaling } from '../../../src/runtime/endpoint-scaling';
import { modelBucket, newStack } from '../fixtures';

/**
 * A minimal pipeline shaped like ByomPipeline's (Source, then Deploy-<env>
 * exporting the deploy variables) with each environment's tests bound the way
 * ByomPipeline.addEnvironment binds them.
 */
export function pipelineWithTests(
  environments: Array<{ name: string; tests: IntegrationTests; autoScaling?: VariantAutoScaling }>,
  options: { key?: boolean } = {},
) {
  const stack = newStack();
  const key = options.key === false ? undefined : new kms.Key(stack, 'ArtifactKey', { enableKeyRotation: true });
  const artifactBucket = new s3.Bucket(stack, 'Artifacts', {
    encryption: key ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    encryptionKey: key,
    enforceSSL: true,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    serverAccessLogsPrefix: 'access-logs/',
  });
  const pipeline = new codepipeline.Pipeline(stack, 'Pipeline', {
    pipelineType: codepipeline.PipelineType.V2,
    artifactBucket,
    restartExecutionOnUpdate: false,
  });
  // As ByomPipeline does for the pipeline it stands in for: no DependsOn its role reference implies.
  removeRedundantDependsOn(pipeline);
  const models = modelBucket(stack);
  const sourceStage = pipeline.addStage({
    stageName: 'Source',
    actions: [new actions.S3SourceAction({
      actionName: 'ModelArtifact',
      bucket: models,
      bucketKey: 'churn/model.tar.gz',
      output: new codepipeline.Artifact('Model'),
      trigger: actions.S3Trigger.NONE,
    })],
  });
  let handler: IntegrationTestHandler | undefined;
  for (const env of environments) {
    // Stands in for the Deploy action: same stage name and variables namespace.
    pipeline.addStage({
      stageName: `Deploy-${env.name}`,
      actions: [new actions.ManualApprovalAction({ actionName: 'Deploy', variablesNamespace: `Deploy-${env.name}` })],
    });
    const action = env.tests._bind(stack, {
      environmentName: env.name,
      endpointName: endpointNameFor('churn', env.name),
      releasePrefix: releasePrefixFor('churn', env.name),
      variant: { variantName: 'AllTraffic', autoScaling: env.autoScaling },
      variables: deployVariables(env.name),
      testHandler: () => (handler ??= new IntegrationTestHandler(stack, 'Tests', { pipelineName: 'churn-mlops', logRetention: logs.RetentionDays.ONE_YEAR })),
      sourceStage,
      logRetention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
    });
    pipeline.addStage({ stageName: `Test-${env.name}`, actions: [action] });
  }
  // The pipeline's own grants, justified as ByomPipeline justifies them.
  justifyWildcards(pipeline, [
    { finding: /^Action::(s3:(GetObject|GetBucket|List|DeleteObject|Abort)|kms:(GenerateDataKey|ReEncrypt))\*$/, reason: 'CodePipeline\'s standard grants' },
    { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/\*$/, reason: 'CodePipeline artifacts' },
    { finding: /^Resource::.*\/\*$/, reason: 'Source objects (test fixture)' },
    { finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/, reason: 'Function versions' },
    { finding: /^Resource::\*$/, reason: 'lambda:ListFunctions' },
  ]);
  return { stack, pipeline, key };
}

export const PARAMS: TestJobParameters = {
  environment: 'dev',
  endpointName: 'churn-dev',
  endpointConfigName: 'churn-dev-rnew0000000',
  previousConfig: 'churn-dev-rold0000000',
  requestsParameter: '/tests/dev',
};

export function testJob(overrides: Partial<TestJobParameters> = {}, continuationToken?: string): CodePipelineJob {
  return { id: 'job-1', userParameters: { ...PARAMS, ...overrides }, continuationToken };
}

/** A CodeBuild test job: the same release, the suite in project `churn-dev-tests`. */
export const BUILD_PARAMS: TestJobParameters = {
  environment: PARAMS.environment,
  endpointName: PARAMS.endpointName,
  endpointConfigName: PARAMS.endpointConfigName,
  previousConfig: PARAMS.previousConfig,
  build: { projectName: 'churn-dev-tests', sourceVersion: 'suite-v3' },
};

export function buildJob(overrides: Partial<TestJobParameters> = {}, continuationToken?: string): CodePipelineJob {
  return { id: 'job-1', userParameters: { ...BUILD_PARAMS, ...overrides }, continuationToken };
}

/** An autoscaled environment's scaling, as the Test action's UserParameters carry it. */
export const SCALING = { variantName: 'AllTraffic', autoScaling: { minInstances: 2, maxInstances: 8, targetInvocationsPerInstance: 500, scaleInCooldownSeconds: 300 } };
