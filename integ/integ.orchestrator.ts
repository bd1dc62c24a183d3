/**
 * The orchestrator end to end: an MlopsFramework stack, a model artifact in its
 * assets bucket, and a provisioning request sent to its API. The assertions
 * check that the API accepts the request, that the pipeline stack made from
 * the blueprint is created and its pipeline releases the model to the dev
 * endpoint (which answers), that the API describes the pipeline with its
 * endpoint in service, and that deleting it through the API removes the stack
 * (and, through the shared clean-up, its endpoint).
 *
 * Offline (the test suite): integ-runner checks the snapshot. Deploying for
 * real needs AWS credentials: npx projen integ -- --force integ/integ.orchestrator.ts
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { MlopsFramework } from '../src';
import { expectEndpointAnswers } from './support/endpoint-assertions';
import { callProvisioningApi, waitForStack, waitForStackDeleted } from './support/provisioning-assertions';
import { inOrder } from './support/sequence';
import { integBucket, uploadAfter } from './support/uploads';
import { endpointNameFor } from '../src/contract/naming';
import { xgboostModelArtifact } from '../test/fixtures/model-artifact';

const app = new App();
const stack = new Stack(app, 'MlopsOrchestrator');
// An assets bucket the test empties and deletes (the framework's own is retained).
const assets = integBucket(stack, 'Assets');
const framework = new MlopsFramework(stack, 'Mlops', { assetsBucket: assets, stackPrefix: 'integ-mlops-' });
uploadAfter(stack, 'UploadModel', assets, 'models/churn/', { 'model.tar.gz': xgboostModelArtifact() }, framework);

// The one-tree model predicts 1.0 (base score 0.5 + leaf 0.5) for a first feature of 0.7.
const ROW = '0.7,1.0';
const ONE = '^1(\\.0*)?\\s*$';
const NAME = 'orchestrated';
const STACK_NAME = `integ-mlops-${NAME}`;
const request = {
  name: NAME,
  artifact: 'models/churn/model.tar.gz',
  image: { framework: 'xgboost', version: '1.7-1' },
  environments: [{
    name: 'dev',
    instanceType: 'ml.m5.large',
    tests: [{ name: 'predicts one', body: ROW, contentType: 'text/csv', expect: { status: 200, jsonPath: [{ path: '$', min: 0.99, max: 1.01 }] } }],
  }],
};

const integ = new IntegTest(app, 'Orchestrator', { testCases: [stack] });
const endpoint = endpointNameFor(NAME, 'dev');
inOrder(
  callProvisioningApi(integ, framework, { method: 'POST', path: '/pipelines', body: request }, { status: 202, bodyPattern: `"stackId":"arn:[^"]+:stack/${STACK_NAME}/` }),
  waitForStack(integ, STACK_NAME, 'CREATE_COMPLETE', Duration.minutes(30)),
  expectEndpointAnswers(integ, endpoint, ROW, ONE, Duration.minutes(45)),
  callProvisioningApi(integ, framework, { method: 'GET', path: `/pipelines/${NAME}` }, { status: 200, bodyPattern: `"endpointName":"${endpoint}"[^}]*"endpointStatus":"InService"` }),
  callProvisioningApi(integ, framework, { method: 'DELETE', path: `/pipelines/${NAME}` }, { status: 202, bodyPattern: '"status":"DELETE_IN_PROGRESS"' }),
  waitForStackDeleted(integ, STACK_NAME, Duration.minutes(45)),
);
