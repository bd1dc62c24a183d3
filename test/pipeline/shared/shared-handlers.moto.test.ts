import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { APIGatewayClient, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { CodePipelineEvent } from 'aws-lambda';
import { handler as cleanupHandler } from '../../../src/runtime/handlers/cleanup.lambda';
import { handler as deployHandler } from '../../../src/runtime/handlers/deploy.lambda';
import { NOT_SHARED_ENDPOINT, ShareSettings } from '../../../src/contract/share-settings';
import { handler as shareHandler } from '../../../src/runtime/handlers/share.lambda';
import { CLEANUP_ROLE_PROPERTY, SETTINGS_PARAMETER } from '../../../src/contract/shared-handler-settings';
import { handler as testHandler } from '../../../src/runtime/handlers/integration-test.lambda';
import { actingAs } from '../../aws-contracts/handler-calls/acting-role';
import { SHARED_ACCOUNT, SharedWorld, sharedWorld } from '../../aws-contracts/worlds/shared-world';
import { createInferenceApiStage } from '../../fixtures/inference-api-stage';
import { xgboostModelArtifact } from '../../fixtures/model-artifact';
import { MotoServer, startMotoServer } from '../../harness/moto-server';
import { cfnEvent, deleteToCompletion, DEV } from '../cleanup/cleanup-fixtures';
import { codePipelineEvent, envSpec, MODEL_BUCKET, RELEASE_BUCKET } from '../deploy/deploy-fixtures';

/**
 * The four handlers as the framework's shared functions run them for a
 * pipeline it provisioned (the shared world: an MlopsFramework and the churn
 * pipeline's stack, deployed offline): the real entry points, with no
 * settings in their environment, against moto, with the user parameters and
 * custom resource properties the pipeline's stack gives them and the SSM
 * parameters it created. Moto keeps what a call creates under the account of
 * the credentials that made it, and the function's own credentials map to
 * its default account, so the pipeline's roles in the world's account show
 * whether each call was made as the role. CodePipeline's calls go to a
 * recorder on loopback (moto has no GetJobDetails or PutJobSuccessResult),
 * which answers GetJobDetails for the job as a job of the pipeline and notes
 * the access key that signed each call. Moto's STS accepts AssumeRole with
 * session tags (and ignores them and trust policies: the handler call checks
 * weigh each role's trust policy, the faults tests the tags' values). Each
 * handler's calls are checked against the world's policies: its shared
 * function acts as its own role (actingAs below) and, through the
 * credentials it assumes, as the pipeline stack's role for that handler.
 * The tests run in order: each stage works on what the deploy released.
 */
const ROLE_ACCOUNT = SHARED_ACCOUNT;
/** The function's own access key (jest's global setup), whose account is moto's default 123456789012. */
const OWN_KEY = 'testing';

interface RecordedResult {
  readonly action: string;
  readonly accessKey: string;
  readonly body: { jobId: string; continuationToken?: string; outputVariables?: Record<string, string>; failureDetails?: { message: string } };
}

/**
 * Answers CodePipeline's JSON protocol and keeps each request: GetJobDetails
 * with the job as an invoke job of {@link PIPELINE}, anything else with `{}`.
 */
class CodePipelineRecorder {
  public readonly results: RecordedResult[] = [];
  private readonly server: Server = createServer((req, res) => this.record(req, res));

  public async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private record(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.setEncoding('utf-8');
    req.on('data', (chunk: string) => { body += chunk; });
    req.on('end', () => {
      // SigV4: "AWS4-HMAC-SHA256 Credential=<access key>/<date>/<region>/codepipeline/aws4_request, ..."
      const accessKey = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const action = String(req.headers['x-amz-target'] ?? '').replace(/^CodePipeline_\d+\./, '');
      const request = JSON.parse(body);
      this.results.push({ action, accessKey, body: request });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      const pipelineContext = { pipelineName: shared.pipelineName };
      res.end(action === 'GetJobDetails' ? JSON.stringify({ jobDetails: { id: request.jobId, accountId: ROLE_ACCOUNT, data: { pipelineContext } } }) : '{}');
    });
  }
}

let moto: MotoServer;
let recorder: CodePipelineRecorder;
let shared: SharedWorld;
/** Clients in the roles' account, for setting the world up and checking it. */
let asRole: <C>(type: new (config: any) => C) => C;
/** Clients with the function's own credentials. */
let own: <C>(type: new (config: any) => C) => C;
/** What the deploy reported: the variables the later actions' user parameters name (`Deploy-dev.EndpointConfigName`). */
let deployed: Record<string, string>;

/** The user parameters of a stage's action in the pipeline's stack, with the variables CodePipeline resolves. */
function actionParameters(stage: string, variables: Record<string, string> = {}): Record<string, unknown> {
  const fromDeploy = Object.fromEntries(Object.entries(deployed ?? {}).map(([name, value]) => [`Deploy-dev.${name}`, value]));
  return shared.userParameters(stage, { ...fromDeploy, ...variables });
}

beforeAll(async () => {
  shared = sharedWorld();
  moto = await startMotoServer();
  recorder = new CodePipelineRecorder();
  // The handlers' clients find their endpoints as in any tool: AWS_ENDPOINT_URL, and one per service.
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_ENDPOINT_URL_CODEPIPELINE = await recorder.start();
  const base = { endpoint: moto.endpoint, region: 'us-east-1' };
  own = (type) => new type(base);
  // The test's own session of a role of the pipeline's stack: moto maps it to the same account as the handlers'.
  const session = (await own(STSClient).send(new AssumeRoleCommand({
    RoleArn: String(shared.cleanupProperties[CLEANUP_ROLE_PROPERTY]),
    RoleSessionName: 'test-setup',
  }))).Credentials!;
  const credentials = { accessKeyId: session.AccessKeyId!, secretAccessKey: session.SecretAccessKey!, sessionToken: session.SessionToken };
  asRole = (type) => new type({ ...base, credentials });
  // What the pipeline's stack created in its account: its settings, deploy specs, test suites and release record.
  for (const [name, value] of shared.parameters) {
    await asRole(SSMClient).send(new PutParameterCommand({ Name: name, Type: 'String', Value: value }));
  }
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_ENDPOINT_URL_CODEPIPELINE;
  await recorder?.stop();
  await moto?.stop();
});

/**
 * Calls an action's entry point the way CodePipeline does, again with each
 * continuation token it reported, until it reports success or failure.
 */
async function runEntryPoint(entry: (event: CodePipelineEvent) => Promise<void>, userParameters: Record<string, unknown>): Promise<RecordedResult[]> {
  const first = recorder.results.length;
  let continuationToken: string | undefined;
  for (let call = 0; call < 25; call++) {
    const before = recorder.results.length;
    await entry(codePipelineEvent(userParameters, continuationToken));
    const calls = recorder.results.slice(before);
    // Each call first asks CodePipeline whose job it is, with the function's own key, then reports.
    expect(calls.map((r) => [r.action, r.accessKey, r.body.jobId])).toEqual([
      ['GetJobDetails', OWN_KEY, 'job-1'],
      [expect.stringMatching(/^PutJob(Success|Failure)Result$/), OWN_KEY, 'job-1'],
    ]);
    const last = calls[1];
    continuationToken = last.body.continuationToken;
    if (last.action !== 'PutJobSuccessResult' || !continuationToken) {
      return recorder.results.slice(first).filter((r) => r.action !== 'GetJobDetails');
    }
  }
  throw new Error('Action still in progress after 25 calls');
}

function describeDevEndpoint(sagemaker: SageMakerClient) {
  return sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }));
}

test('deploy: settings from the SSM parameter, the release created as the role, results reported as the function', async () => {
  for (const bucket of [MODEL_BUCKET, RELEASE_BUCKET]) {
    await asRole(S3Client).send(new CreateBucketCommand({ Bucket: bucket }));
    await asRole(S3Client).send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
  const put = await asRole(S3Client).send(new PutObjectCommand({ Bucket: MODEL_BUCKET, Key: 'churn/model.tar.gz', Body: xgboostModelArtifact() }));
  expect(process.env.MLOPS_DEPLOY_SPEC).toBeUndefined();

  const parameters = actionParameters('Deploy-dev', { 'codepipeline.PipelineExecutionId': 'exec-shared', 'Source.VersionId': put.VersionId! });
  const results = await actingAs(shared.sharedHandler('deploy'), () => runEntryPoint(deployHandler, parameters));

  const final = results[results.length - 1];
  expect(final).toMatchObject({ action: 'PutJobSuccessResult', body: { outputVariables: { EndpointName: 'churn-dev', PreviousEndpointConfigName: 'none' } } });
  // Created, then waited for through continuations; every result with the function's own key.
  expect(results.length).toBeGreaterThanOrEqual(2);
  expect(results.map((r) => r.accessKey)).toEqual(results.map(() => OWN_KEY));
  deployed = final.body.outputVariables!;

  const endpoint = await describeDevEndpoint(asRole(SageMakerClient));
  expect(endpoint).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: deployed.EndpointConfigName });
  expect(endpoint.EndpointArn).toBe(`arn:aws:sagemaker:us-east-1:${ROLE_ACCOUNT}:endpoint/churn-dev`);
  await expect(describeDevEndpoint(own(SageMakerClient))).rejects.toThrow(/Could not find endpoint/);
});

test('test: the suite is read and the endpoint invoked as the role', async () => {
  // Moto's runtime answers from a queue per account: only the role's account has one.
  const canned = await fetch(`${moto.endpoint}/moto-api/static/sagemaker/endpoint-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account_id: ROLE_ACCOUNT, region: 'us-east-1', results: [{ Body: JSON.stringify({ score: 0.9 }), ContentType: 'application/json' }] }),
  });
  expect(canned.ok).toBe(true);

  const results = await actingAs(shared.sharedHandler('test'), () => runEntryPoint(testHandler, actionParameters('Test-dev')));
  expect(results).toEqual([{ action: 'PutJobSuccessResult', accessKey: OWN_KEY, body: { jobId: 'job-1' } }]);
});

test('share: settings from the SSM parameter, the API and the release record updated as the role', async () => {
  const parameters = actionParameters('Share-dev', { 'codepipeline.PipelineExecutionId': 'exec-shared' });
  const settings: ShareSettings = JSON.parse(shared.parameters.get(String(parameters[SETTINGS_PARAMETER]))!);
  const { api, parameterName: record } = settings.environments.dev;
  // The inference API the stack created, with the ID CloudFormation gave it.
  const placeholder = { endpoint: NOT_SHARED_ENDPOINT };
  const restApiId = await createInferenceApiStage(asRole(APIGatewayClient), api.restApiName, api.stageName, placeholder, api.restApiId);
  expect(restApiId).toBe(api.restApiId);

  const results = await actingAs(shared.sharedHandler('share'), () => runEntryPoint(shareHandler, parameters));

  expect(results).toEqual([{
    action: 'PutJobSuccessResult',
    accessKey: OWN_KEY,
    body: expect.objectContaining({ outputVariables: expect.objectContaining({ ReleaseParameter: record }) }),
  }]);
  const ssm = asRole(SSMClient);
  const recorded = await ssm.send(new GetParameterCommand({ Name: record }));
  expect(JSON.parse(recorded.Parameter!.Value!)).toMatchObject({ shared: true, endpointConfigName: deployed.EndpointConfigName, pipelineExecutionId: 'exec-shared' });
  const stage = await asRole(APIGatewayClient).send(new GetStageCommand({ restApiId, stageName: 'v1' }));
  expect(stage.variables).toEqual({ endpoint: 'churn-dev' });
  await expect(own(SSMClient).send(new GetParameterCommand({ Name: record }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
});

test('clean-up: the endpoint and its releases are deleted as HandlerRoleArn; what the function\'s own credentials reach is untouched', async () => {
  // An endpoint of the same name where the function's own credentials reach, which the clean-up must not see.
  const sagemaker = own(SageMakerClient);
  await sagemaker.send(new CreateModelCommand({
    ModelName: 'churn-dev-r-own',
    ExecutionRoleArn: 'arn:aws:iam::123456789012:role/churn-dev-sagemaker',
    PrimaryContainer: { Image: envSpec().imageUri },
  }));
  await sagemaker.send(new CreateEndpointConfigCommand({
    EndpointConfigName: 'churn-dev-r-own',
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'churn-dev-r-own', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
  }));
  await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'churn-dev', EndpointConfigName: 'churn-dev-r-own' }));

  // CloudFormation's Delete of the stack's clean-up resource: its stack, its properties as the stack wrote them.
  const request = cfnEvent('Delete', [DEV]);
  const properties = shared.cleanupProperties;
  expect(properties.Environments).toEqual([DEV]);
  const { polls } = await actingAs(shared.sharedHandler('cleanup'), () => deleteToCompletion(cleanupHandler, {
    ...request,
    StackId: shared.pipeline.stack.stackId,
    ServiceToken: properties.ServiceToken,
    ResourceProperties: properties,
  } as typeof request));

  expect(polls[polls.length - 1]).toEqual({ IsComplete: true });
  await expect(describeDevEndpoint(asRole(SageMakerClient))).rejects.toThrow(/Could not find endpoint/);
  expect(await describeDevEndpoint(sagemaker)).toMatchObject({ EndpointConfigName: 'churn-dev-r-own' });
});
