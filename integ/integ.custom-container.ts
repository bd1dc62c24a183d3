/**
 * A custom container: uploading the model artifact and a Dockerfile zip
 * starts the pipeline, whose Build stage builds the image and pushes it to
 * ECR; the release runs it by digest. The assertions wait for the endpoint and
 * invoke it: the test container answers with the sum of the CSV values.
 *
 * Offline (the test suite): integ-runner checks the snapshot. Deploying for
 * real needs AWS credentials: npx projen integ -- --force integ/integ.custom-container.ts
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ByomPipeline, ModelArtifact, ModelImage } from '../src';
import { expectEndpointAnswers } from './support/endpoint-assertions';
import { integBucket, uploadAfter } from './support/uploads';
import { xgboostModelArtifact } from '../test/fixtures/model-artifact';
import { zipFiles } from '../test/fixtures/zip';

const app = new App();
const stack = new Stack(app, 'MlopsCustomContainer');
const models = integBucket(stack);

const pipeline = new ByomPipeline(stack, 'Echo', {
  modelName: 'integ-container',
  artifact: ModelArtifact.fromBucket(models, 'echo/model.tar.gz'),
  image: ModelImage.fromContainerSource(models, 'echo/container.zip'),
  environments: [{ name: 'dev', instanceType: 'ml.m5.large' }],
  bucketRemovalPolicy: RemovalPolicy.DESTROY,
});
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'echo-container', name));
uploadAfter(stack, 'UploadSources', models, 'echo/', {
  'model.tar.gz': xgboostModelArtifact(),
  'container.zip': zipFiles({ 'Dockerfile': fixture('Dockerfile'), 'serve.py': fixture('serve.py') }),
}, pipeline);

const integ = new IntegTest(app, 'CustomContainer', { testCases: [stack] });
// The test container answers with the sum of the CSV values.
expectEndpointAnswers(integ, pipeline.endpointName('dev'), '1,2,3.5', '"score": 6\\.5', Duration.minutes(50));
