/**
 * A serverless environment: uploading a model artifact starts the pipeline,
 * which releases it to a serverless endpoint; the assertions wait for the
 * endpoint to be InService and invoke it.
 *
 * Offline (the test suite): integ-runner checks the snapshot. Deploying for
 * real needs AWS credentials: npx projen integ -- --force integ/integ.serverless.ts
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ByomPipeline, Framework, ModelArtifact, ModelImage } from '../src';
import { integBucket, uploadAfter } from './support/uploads';
import { xgboostModelArtifact } from '../test/fixtures/model-artifact';

const app = new App();
const stack = new Stack(app, 'MlopsServerless');
const models = integBucket(stack);

const pipeline = new ByomPipeline(stack, 'Churn', {
  modelName: 'integ-serverless',
  artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
  image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
  environments: [{ name: 'staging', serverless: { memorySizeMb: 2048, maxConcurrency: 2 } }],
  bucketRemovalPolicy: RemovalPolicy.DESTROY,
});
uploadAfter(stack, 'UploadModel', models, 'churn/', { 'model.tar.gz': xgboostModelArtifact() }, pipeline);

const integ = new IntegTest(app, 'Serverless', { testCases: [stack] });
const endpointName = pipeline.endpointName('staging');
const inService = integ.assertions
  .awsApiCall('SageMaker', 'describeEndpoint', { EndpointName: endpointName })
  .expect(ExpectedResult.objectLike({ EndpointStatus: 'InService' }))
  .waitForAssertions({ totalTimeout: Duration.minutes(45), interval: Duration.minutes(1) });
const invoke = integ.assertions.awsApiCall('SageMakerRuntime', 'invokeEndpoint', {
  EndpointName: endpointName,
  ContentType: 'text/csv',
  Body: '0.7,1.0',
});
// The one-tree model predicts 1.0 (base score 0.5 + leaf 0.5) for a first feature of 0.7.
invoke.assertAtPath('Body', ExpectedResult.stringLikeRegexp('^1(\\.0*)?\\s*$'));
inService.next(invoke);
