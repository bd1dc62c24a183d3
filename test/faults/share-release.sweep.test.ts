import { APIGatewayClient, GetDeploymentsCommand, GetStagesCommand } from '@aws-sdk/client-api-gateway';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { FAULT_KINDS, FAULT_TAG, FaultInjector, FaultPlan, redeliverAfterCrash } from './fault-injector';
import { sweep } from './fault-sweep';
import { caseModel, modelOfEndpoint, motoReleaseClients, releaseBucketNames, releaseOf, serveRelease, worldSpec } from './release-world';
import type { ShareSettings } from '../../src/contract/share-settings';
import { runShareJob } from '../../src/runtime/handlers/share.lambda';
import type { CodePipelineJob } from '../../src/runtime/codepipeline-job';
import { actingAs } from '../aws-contracts/handler-calls/acting-role';
import { failOnUnauthorizedHandlerCalls } from '../aws-contracts/handler-calls/jest-checks';
import { FaultWorlds } from '../aws-contracts/worlds/fault-worlds';
import { shareSettings } from '../aws-contracts/worlds/handler-settings';
import { runActionToCompletion } from '../fixtures/codepipeline-driver';
import { createInferenceApiStage } from '../fixtures/inference-api-stage';

/**
 * The share step faulted at each of its AWS calls in turn, against the
 * suite's shared moto server (an endpoint, API and parameter per case): it
 * must end with the API live on the endpoint and the release recorded once,
 * exactly as a clean share leaves them.
 */
const NOW = new Date('2026-11-29T12:00:00.000Z');
const BUCKETS = 'faults-share-sweep';
/** Sharing reads no bucket: the file makes none. */
const NO_BUCKETS = { ...releaseBucketNames(BUCKETS), version: '' };
/** Each case's pipeline: the share step acts as its share function's role. */
const WORLDS = new FaultWorlds(BUCKETS, {
  buckets: releaseBucketNames(BUCKETS),
  names: (endpointName) => ({ ChurnEnvdevInferenceApiRelease: releaseRecordParameter(endpointName) }),
});
failOnUnauthorizedHandlerCalls();

/** The parameter the pipeline whose `dev` endpoint is `endpointName` records its shared release in (a name as CloudFormation makes one: no slash). */
function releaseRecordParameter(endpointName: string): string {
  return `CFN-${endpointName}-release-record`;
}

function motoShareClients() {
  const config = { endpoint: process.env.MOTO_ENDPOINT!, region: 'us-east-1' };
  return { sagemaker: motoReleaseClients().sagemaker, ssm: new SSMClient(config), apigateway: new APIGatewayClient(config) };
}

/**
 * An environment whose endpoint serves exec-2's release, exec-1's having been
 * shared before: the API is live, the record names exec-1.
 */
async function sharedBefore(model: string): Promise<{ settings: ShareSettings; previous: string; next: string; version: number }> {
  const clients = motoShareClients();
  const spec = worldSpec(NO_BUCKETS, model);
  const name = spec.environments.dev.endpointName;
  await serveRelease(clients.sagemaker, spec, ['exec-1', 'exec-2']);
  const [previous, next] = [releaseOf(spec, 'exec-1'), releaseOf(spec, 'exec-2')];
  // The API gets the ID CloudFormation gave the case's pipeline's API, which its share role is granted.
  const apiId = shareSettings(WORLDS.family.world(caseModel(spec))).environments.dev.api.restApiId;
  const restApiId = await createInferenceApiStage(clients.apigateway, `${name}-inference`, 'v1', { endpoint: name }, apiId);
  const parameterName = releaseRecordParameter(name);
  const put = await clients.ssm.send(new PutParameterCommand({
    Name: parameterName,
    Type: 'String',
    Value: JSON.stringify({ shared: true, environment: 'dev', endpointName: name, endpointConfigName: previous, modelName: previous, pipelineExecutionId: 'exec-1' }),
  }));
  const settings = { pipelineName: 'churn-mlops', environments: { dev: { endpointName: name, parameterName, api: { restApiId, restApiName: `${name}-inference`, stageName: 'v1' } } } };
  return { settings, previous, next, version: put.Version! };
}

async function share(settings: ShareSettings, next: string, plan?: FaultPlan) {
  const clients = motoShareClients();
  const injector = new FaultInjector(plan).attach(clients.sagemaker, clients.ssm, clients.apigateway);
  const job = { id: 'job-share', userParameters: { environment: 'dev', executionId: 'exec-2', endpointName: settings.environments.dev.endpointName, endpointConfigName: next, modelName: next } };
  const asShareFunction = WORLDS.role('share', modelOfEndpoint(settings.environments.dev.endpointName));
  const run = (j: CodePipelineJob) => actingAs(asShareFunction, () => runShareJob(j, settings, clients, NOW));
  const { final } = await runActionToCompletion(redeliverAfterCrash(injector, run), job);
  return { final, injector, clients };
}

/** What a share left: the outcome, the record and how often it was written, the API's target, stages and deployments. */
async function shareState(settings: ShareSettings, final: { kind: string }, setupVersion: number) {
  const { ssm, apigateway } = motoShareClients();
  const { parameterName, api } = settings.environments.dev;
  const parameter = (await ssm.send(new GetParameterCommand({ Name: parameterName }))).Parameter!;
  const stages = await apigateway.send(new GetStagesCommand({ restApiId: api.restApiId }));
  const deployments = await apigateway.send(new GetDeploymentsCommand({ restApiId: api.restApiId }));
  return {
    outcome: final.kind,
    record: JSON.parse(parameter.Value!),
    writes: parameter.Version! - setupVersion,
    target: stages.item?.map((s) => s.variables?.endpoint),
    deployments: deployments.items?.length,
  };
}

let cleanCalls: string[];

beforeAll(async () => {
  const world = await sharedBefore('share-clean');
  const { final, injector } = await share(world.settings, world.next);
  if (final.kind !== 'succeeded') {
    throw new Error(`The share without faults did not succeed: ${final.message}`);
  }
  cleanCalls = injector.calls;
});

/** A share of exec-2's release with one fault; what a clean share leaves, or what differs. */
async function shareCase(plan: FaultPlan): Promise<string | undefined> {
  const world = await sharedBefore(`share-${FAULT_TAG[plan.kind]}-${plan.at}`);
  const { final } = await share(world.settings, world.next, plan);
  const actual = await shareState(world.settings, final, world.version);
  const name = world.settings.environments.dev.endpointName;
  const expected = {
    outcome: 'succeeded',
    record: {
      shared: true,
      environment: 'dev',
      endpointName: name,
      endpointConfigName: world.next,
      modelName: world.next,
      pipelineExecutionId: 'exec-2',
      sharedAt: NOW.toISOString(),
      previousEndpointConfigName: world.previous,
    },
    writes: 1,
    target: [name],
    deployments: 1,
  };
  return JSON.stringify(actual) === JSON.stringify(expected) ? undefined : JSON.stringify(actual);
}

test.each(FAULT_KINDS)('a share with one %s fault at each call in turn: the API is live on the endpoint and the release is recorded once, naming the one it replaced', async (kind) => {
  expect(await sweep(kind, cleanCalls, shareCase)).toEqual([]);
});
