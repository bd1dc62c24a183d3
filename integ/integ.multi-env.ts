/**
 * Three environments in order: dev (instances) and staging (serverless), each
 * tested by request tests, then prod behind a manual approval (two
 * autoscaled instances, canary traffic shift for later releases). Uploading a
 * model artifact starts the pipeline; the assertions check each environment's
 * endpoint and inference API as the release reaches it, approve prod the way
 * a person would, then check prod.
 *
 * Offline (the test suite): integ-runner checks the snapshot. Deploying for
 * real needs AWS credentials: npx projen integ -- --force integ/integ.multi-env.ts
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ByomPipeline, Framework, InferenceApi, IntegrationTests, ModelArtifact, ModelImage, TrafficShift } from '../src';
import { expectApiAnswers } from './support/api-assertions';
import { approveStage } from './support/approval';
import { expectEndpointAnswers } from './support/endpoint-assertions';
import { inOrder } from './support/sequence';
import { integBucket, uploadAfter } from './support/uploads';
import { xgboostModelArtifact } from '../test/fixtures/model-artifact';

const app = new App();
const stack = new Stack(app, 'MlopsMultiEnv');
const models = integBucket(stack);

// The one-tree model predicts 1.0 (base score 0.5 + leaf 0.5) for a first feature of 0.7.
const ROW = '0.7,1.0';
const ONE = '^1(\\.0*)?\\s*$';
const tests = IntegrationTests.requests([{
  name: 'predicts one',
  body: ROW,
  contentType: 'text/csv',
  expect: { status: 200, jsonPath: [{ path: '$', min: 0.99, max: 1.01 }] },
}]);

const pipeline = new ByomPipeline(stack, 'Churn', {
  modelName: 'integ-multi-env',
  artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
  image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
  environments: [
    { name: 'dev', instanceType: 'ml.m5.large', tests },
    { name: 'staging', serverless: { memorySizeMb: 2048, maxConcurrency: 2 }, tests },
    {
      name: 'prod',
      approval: true,
      instanceType: 'ml.m5.large',
      instanceCount: 2,
      autoScaling: { maxInstances: 3, targetInvocationsPerInstance: 500 },
      // The first release creates the endpoint; the canary applies from the second.
      trafficShift: TrafficShift.canary(50, Duration.minutes(5)),
    },
  ],
  bucketRemovalPolicy: RemovalPolicy.DESTROY,
});
uploadAfter(stack, 'UploadModel', models, 'churn/', { 'model.tar.gz': xgboostModelArtifact() }, pipeline);

const integ = new IntegTest(app, 'MultiEnv', { testCases: [stack] });
function api(name: string): InferenceApi {
  const found = pipeline.environments.find((env) => env.name === name)?.api;
  if (!found) {
    throw new Error(`Environment ${name} has no inference API in this stack`);
  }
  return found;
}

// Each step starts once the one before passed, so every wait is measured from
// when the release can reach that point, not from the start of the test.
inOrder(
  expectEndpointAnswers(integ, pipeline.endpointName('dev'), ROW, ONE, Duration.minutes(45)),
  expectApiAnswers(integ, api('dev'), ROW, ONE, Duration.minutes(15)),
  expectEndpointAnswers(integ, pipeline.endpointName('staging'), ROW, ONE, Duration.minutes(30)),
  expectApiAnswers(integ, api('staging'), ROW, ONE, Duration.minutes(15)),
  approveStage(integ, pipeline.pipeline, 'Approve-prod', 'Approved by the multi-env integ test', Duration.minutes(15)),
  expectEndpointAnswers(integ, pipeline.endpointName('prod'), ROW, ONE, Duration.minutes(45)),
  expectApiAnswers(integ, api('prod'), ROW, ONE, Duration.minutes(15)),
);
