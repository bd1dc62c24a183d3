/**
 * Built-in framework, real-time endpoint: uploading a model artifact starts
 * the pipeline, which releases it to one environment; the assertions wait for
 * the endpoint to be InService, invoke it, and check that the execution
 * released the uploaded version of the artifact.
 *
 * Offline (the test suite): integ-runner checks this app still synthesizes to
 * the committed snapshot. Deploying for real needs AWS credentials:
 *   npx projen integ -- --force integ/integ.realtime-builtin.ts
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ByomPipeline, Framework, ModelArtifact, ModelImage } from '../src';
import { expectEndpointAnswers } from './support/endpoint-assertions';
import { integBucket, uploadAfter } from './support/uploads';
import { xgboostModelArtifact } from '../test/fixtures/model-artifact';

const app = new App();
const stack = new Stack(app, 'MlopsRealtimeBuiltin');

const models = integBucket(stack);

const pipeline = new ByomPipeline(stack, 'Churn', {
  modelName: 'integ-churn',
  artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
  image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
  environments: [{ name: 'dev', instanceType: 'ml.m5.large' }],
  bucketRemovalPolicy: RemovalPolicy.DESTROY,
});

uploadAfter(stack, 'UploadModel', models, 'churn/', { 'model.tar.gz': xgboostModelArtifact() }, pipeline);

const integ = new IntegTest(app, 'RealtimeBuiltin', {
  testCases: [stack],
});

// The one-tree model predicts 1.0 (base score 0.5 + leaf 0.5) for a first feature of 0.7.
const invoke = expectEndpointAnswers(integ, pipeline.endpointName('dev'), '0.7,1.0', '^1(\\.0*)?\\s*$', Duration.minutes(45));

// The Share stage ran: the release is recorded for the environment's inference API.
const shared = integ.assertions
  .awsApiCall('SSM', 'getParameter', { Name: pipeline.environments[0].releaseParameter!.parameterName })
  // The whole response, not a path: a path would parse the record's JSON into fields.
  .expect(ExpectedResult.objectLike({ Parameter: { Value: Match.serializedJson(Match.objectLike({ shared: true })) } }))
  .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.minutes(1) });
invoke.next(shared);

// The release was the version uploaded: the rule passes the event's object
// version to the execution as a source revision override (docs/aws-assumptions.md).
const uploaded = integ.assertions.awsApiCall('S3', 'headObject', { Bucket: models.bucketName, Key: 'churn/model.tar.gz' });
const released = integ.assertions
  .awsApiCall('CodePipeline', 'listPipelineExecutions', { pipelineName: pipeline.pipelineName, maxResults: 1 })
  .expect(ExpectedResult.objectLike({
    pipelineExecutionSummaries: [Match.objectLike({
      sourceRevisions: Match.arrayWith([Match.objectLike({ actionName: 'ModelArtifact', revisionId: uploaded.getAttString('VersionId') })]),
    })],
  }));
shared.next(uploaded).next(released);
