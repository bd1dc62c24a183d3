/**
 * A batch environment: uploading a model artifact starts the pipeline, which
 * runs a SageMaker batch transform of the uploaded input with the released
 * model and checks its output in the Test stage. The assertions wait for the
 * transform job to complete and for its output object, then for the pipeline
 * execution to succeed (so the output check passed).
 *
 * Offline (the test suite): integ-runner checks this app still synthesizes to
 * the committed snapshot. Deploying for real needs AWS credentials:
 *   npx projen integ -- --force integ/integ.batch.ts
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { BatchSplitType, ByomPipeline, Framework, ModelArtifact, ModelImage } from '../src';
import { integBucket, uploadAfter } from './support/uploads';
import { xgboostModelArtifact } from '../test/fixtures/model-artifact';

const app = new App();
const stack = new Stack(app, 'MlopsBatch');
const models = integBucket(stack);

// The one-tree model predicts 1.0 for a first feature of 0.5 or more, else 0.0.
const INPUT = '0.7,1.0\n0.2,0.4\n0.9,0.1\n';

const pipeline = new ByomPipeline(stack, 'Churn', {
  modelName: 'integ-batch',
  artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
  image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
  environments: [{
    name: 'scoring',
    instanceType: 'ml.m5.large',
    batch: {
      input: { bucket: models, prefix: 'scoring/input/' },
      output: { bucket: models, prefix: 'scoring/output/' },
      contentType: 'text/csv',
      splitType: BatchSplitType.LINE,
      // One number per line from the XGBoost container: every line must be 0 or 1.
      check: { minObjects: 1, jsonPath: [{ path: '$', min: 0, max: 1 }] },
    },
  }],
  bucketRemovalPolicy: RemovalPolicy.DESTROY,
});
const scoring = pipeline.environments[0];

uploadAfter(stack, 'UploadInput', models, 'scoring/input/', { 'customers.csv': Buffer.from(INPUT) }, pipeline);
uploadAfter(stack, 'UploadModel', models, 'churn/', { 'model.tar.gz': xgboostModelArtifact() }, stack.node.findChild('UploadInput'));

const integ = new IntegTest(app, 'Batch', { testCases: [stack] });

// The Deploy stage's transform job completed (named after the release: the environment's prefix).
const transform = integ.assertions
  .awsApiCall('SageMaker', 'listTransformJobs', { NameContains: scoring._deploySpec.releasePrefix, StatusEquals: 'Completed' })
  .expect(ExpectedResult.objectLike({ TransformJobSummaries: Match.arrayWith([Match.objectLike({ TransformJobStatus: 'Completed' })]) }))
  .waitForAssertions({ totalTimeout: Duration.minutes(45), interval: Duration.minutes(1) });

// Its output went to the release's own folder: one `.out` object per input object.
const output = integ.assertions
  .awsApiCall('S3', 'listObjectsV2', { Bucket: models.bucketName, Prefix: 'scoring/output/' })
  .expect(ExpectedResult.objectLike({ Contents: [Match.objectLike({ Key: Match.stringLikeRegexp('^scoring/output/r[0-9a-f]+/customers\\.csv\\.out$') })] }));

// The Test stage's output check passed: the execution succeeded.
const succeeded = integ.assertions
  .awsApiCall('CodePipeline', 'listPipelineExecutions', { pipelineName: pipeline.pipelineName, maxResults: 1 })
  .expect(ExpectedResult.objectLike({ pipelineExecutionSummaries: [Match.objectLike({ status: 'Succeeded' })] }))
  .waitForAssertions({ totalTimeout: Duration.minutes(30), interval: Duration.minutes(1) });

transform.next(output).next(succeeded);
