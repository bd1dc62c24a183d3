/**
 * Built-in framework, real-time endpoint: uploading a model artifact starts
 * the pipeline, which releases it to one environment; the assertions wait for
 * the endpoint to be InService and invoke it.
 *
 * Offline (the test suite): integ-runner checks this app still synthesizes to
 * the committed snapshot. Deploying for real needs AWS credentials:
 *   npx projen integ -- --force integ/integ.realtime-builtin.ts
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { ByomPipeline, Framework, ModelArtifact, ModelImage } from '../src';
import { xgboostModelArtifact } from '../test/fixtures/model-artifact';

const app = new App();
const stack = new Stack(app, 'MlopsRealtimeBuiltin');

const models = new s3.Bucket(stack, 'Models', {
  versioned: true,
  enforceSSL: true,
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
});

const pipeline = new ByomPipeline(stack, 'Churn', {
  modelName: 'integ-churn',
  artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
  image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
  environments: [{ name: 'dev', instanceType: 'ml.m5.large' }],
  bucketRemovalPolicy: RemovalPolicy.DESTROY,
});

// The artifact is built deterministically, so the asset hash in the snapshot is stable.
const artifactDir = mkdtempSync(join(tmpdir(), 'integ-model-'));
writeFileSync(join(artifactDir, 'model.tar.gz'), xgboostModelArtifact());
const upload = new s3deploy.BucketDeployment(stack, 'UploadModel', {
  destinationBucket: models,
  destinationKeyPrefix: 'churn/',
  sources: [s3deploy.Source.asset(artifactDir)],
  extract: true,
});
// Upload only once the pipeline and its EventBridge rule exist, so the upload starts a release.
upload.node.addDependency(pipeline);

const integ = new IntegTest(app, 'RealtimeBuiltin', {
  testCases: [stack],
});

const endpointName = pipeline.endpointName('dev');
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

// The Share stage ran: the release is recorded for the environment's inference API.
const shared = integ.assertions
  .awsApiCall('SSM', 'getParameter', { Name: pipeline.environments[0].api.releaseParameter.parameterName })
  .assertAtPath('Parameter.Value', ExpectedResult.stringLikeRegexp('"shared":true'))
  .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.minutes(1) });
inService.next(invoke).next(shared);
