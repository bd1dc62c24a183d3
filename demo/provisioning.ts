/**
 * The start of the demo: a model team's provisioning request, sent to the
 * orchestrator of examples/ (the MlopsPlatform stack). The real provisioning
 * handler runs against the emulator with the settings the stack gives its
 * function: it refuses a request with mistakes (400, every problem, nothing
 * created), accepts the team's request (202), and CloudFormation (the
 * emulator's) creates the pipeline stack from the shipped blueprint.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { Logger } from '@aws-lambda-powertools/logger';
import { ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { Emulator, REGION } from './emulator';
import type { HandlerCallCheck } from './handler-call-check';
import { LocalStack } from './local-stack';
import { detail, log, table } from './report';
import { SynthesizedStack } from './synth-check';
import { BLUEPRINT_DIRECTORY, blueprintFileName } from '../src/framework/blueprint/blueprint-files';
import { PROVISION_SETTINGS_VARIABLE, ProvisionSettings } from '../src/contract/provision-settings';
import { REQUEST_SCHEMA } from '../src/runtime/handlers/provision.lambda';
import { ApiDeps, handleApiRequest } from '../src/runtime/provisioning/api-handler';
import { PolicyWorld } from '../test/aws-contracts/handler-calls/policy-world';
import { xgboostModelArtifact } from '../test/fixtures/model-artifact';
import { apiEvent } from '../test/framework/provision/provision-fixtures';

const ROOT = path.join(__dirname, '..');
/** The model team's request: the one pipeline of examples/requests/fraud.json. */
const REQUEST_FILE = path.join(ROOT, 'examples', 'requests', 'fraud.json');

/** What the provisioning step showed. */
export interface ProvisioningResult {
  readonly refused: boolean;
  readonly accepted: boolean;
  readonly stackStatus: string;
}

export async function provisionFromRequest(platform: SynthesizedStack, emulator: Emulator, calls: HandlerCallCheck): Promise<ProvisioningResult> {
  const local = new LocalStack(platform.template, platform.stack.stackName);
  await local.create(emulator.clients);
  const functionId = provisioningFunction(platform);
  const settings: ProvisionSettings = JSON.parse(local.functionEnvironment(functionId)[PROVISION_SETTINGS_VARIABLE]);
  const world = new PolicyWorld('the example platform', [local.deployed]);
  await uploadBlueprints(emulator, settings);
  const request = JSON.parse(readFileSync(REQUEST_FILE, 'utf-8')).pipelines[0];
  await emulator.clients.s3.send(new PutObjectCommand({ Bucket: settings.assetsBucket, Key: request.artifact, Body: xgboostModelArtifact() }));
  log(`The model team uploaded s3://${settings.assetsBucket}/${request.artifact} and sends examples/requests/fraud.json to the provisioning API`);

  const deps = apiDeps(settings, emulator);
  // The provisioning function's calls, as its role.
  const call = (method: string, route: string, body?: unknown) =>
    calls.as('provision', world, local.functionRole(functionId), () => callApi(deps, method, route, body));
  const mistaken = { ...request, environments: [{ ...request.environments[0], instanceType: 'ml.m5.huge' }, ...request.environments.slice(1)], keepReleases: 0 };
  const refusal = await call('POST', '/pipelines', mistaken);
  const stacksAfterRefusal = await pipelineStacks(emulator, settings.stackPrefix);
  const refused = refusal.statusCode === 400 && stacksAfterRefusal.length === 0;
  log(`POST /pipelines with two mistakes -> ${refusal.statusCode}, ${stacksAfterRefusal.length} stacks created`);
  for (const problem of refusal.body.problems ?? []) {
    detail(`${problem.path}: ${problem.message}`);
  }

  const answer = await call('POST', '/pipelines', request);
  const accepted = answer.statusCode === 202;
  log(`POST /pipelines -> ${answer.statusCode} ${answer.body.status ?? answer.body.message} (stack ${answer.body.stackId ?? 'none'})`);
  const status = await call('GET', `/pipelines/${request.name}`);
  log(`GET /pipelines/${request.name} -> ${status.statusCode}, stack ${status.body.stackStatus ?? status.body.message}`);
  if (status.statusCode === 200) {
    table([['environment', 'endpoint', 'endpoint status', 'inference URL'],
      ...status.body.environments.map((e: any) => [e.name, e.endpointName ?? '-', e.endpointStatus, e.inferenceUrl ?? '-'])]);
  }
  return { refused, accepted, stackStatus: status.body.stackStatus ?? 'none' };
}

/** The logical ID of the platform's provisioning function. */
function provisioningFunction(platform: SynthesizedStack): string {
  const [functionId] = Object.entries<any>(platform.template.Resources)
    .find(([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description).startsWith('Provisions, describes'))!;
  return functionId;
}

/** Puts each shipped blueprint where the platform stack's asset URL says it is (the CDK CLI would publish it there). */
async function uploadBlueprints(emulator: Emulator, settings: ProvisionSettings): Promise<void> {
  const buckets = new Set<string>();
  for (const [shape, url] of Object.entries(settings.blueprintUrls)) {
    const [bucket, ...key] = new URL(url).pathname.slice(1).split('/');
    if (!buckets.has(bucket)) {
      await emulator.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      buckets.add(bucket);
    }
    const body = readFileSync(path.join(ROOT, BLUEPRINT_DIRECTORY, blueprintFileName(shape)));
    await emulator.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key.join('/'), Body: body }));
  }
}

function apiDeps(settings: ProvisionSettings, emulator: Emulator): ApiDeps {
  const { cloudformation, s3, codepipeline, sagemaker } = emulator.clients;
  return {
    settings,
    region: REGION,
    cloudformation,
    s3,
    codepipeline,
    sagemaker,
    schema: REQUEST_SCHEMA,
    referencedObjects: REQUEST_SCHEMA.referencedObjects,
    // The demo prints the answers itself; the handler's JSON logs would only repeat them.
    logger: new Logger({ serviceName: 'mlops-provision', logLevel: 'ERROR' }),
  };
}

async function callApi(deps: ApiDeps, method: string, route: string, body?: unknown): Promise<{ statusCode: number; body: any }> {
  const event = { ...apiEvent(method, route, body), requestContext: { requestId: `demo-${method}-${route}` } } as APIGatewayProxyEvent;
  const answer = await handleApiRequest(event, deps);
  return { statusCode: answer.statusCode, body: JSON.parse(answer.body) };
}

async function pipelineStacks(emulator: Emulator, prefix: string): Promise<string[]> {
  const listed = await emulator.clients.cloudformation.send(new ListStacksCommand({}));
  return (listed.StackSummaries ?? []).filter((s) => s.StackName?.startsWith(prefix) && s.StackStatus !== 'DELETE_COMPLETE').map((s) => s.StackName!);
}
