/**
 * A serverless environment: uploading a model artifact starts the pipeline,
 * which releases it to a serverless endpoint; the assertions wait for the
 * endpoint to be InService and invoke it.
 *
 * Offline (the test suite): integ-runner checks the snapshot. Deploying for
 * real needs AWS credentials: npx projen integ -- --force integ/integ.serverless.ts
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ByomPipeline, Framework, ModelArtifact, ModelImage } from '../src';
import { expectEndpointAnswers } from './support/endpoint-assertions';
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
// The one-tree model predicts 1.0 (base score 0.5 + leaf 0.5) for a first feature of 0.7.
expectEndpointAnswers(integ, pipeline.endpointName('staging'), '0.7,1.0', '^1(\\.0*)?\\s*$', Duration.minutes(45));
