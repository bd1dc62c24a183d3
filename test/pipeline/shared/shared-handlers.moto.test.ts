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
import type { CodePipelineEvent } from 'aws-lambda';
import { handler as cleanupHandler } from '../../../src/pipeline/cleanup/cleanup.lambda';
import type { DeploySettings } from '../../../src/pipeline/deploy/deploy-spec';
import { handler as deployHandler } from '../../../src/pipeline/deploy/deploy.lambda';
import { NOT_SHARED_ENDPOINT, ShareSettings } from '../../../src/pipeline/share/share-spec';
import { handler as shareHandler } from '../../../src/pipeline/share/share.lambda';
import { CLEANUP_ROLE_PROPERTY, HANDLER_ROLE_PARAMETER, SETTINGS_PARAMETER } from '../../../src/pipeline/shared/shared-handler-spec';
import { handler as testHandler } from '../../../src/pipeline/tests/test.lambda';
import { EnvironmentClients } from '../../../src/runtime/environment-access';
import { createInferenceApiStage } from '../../fixtures/inference-api-stage';
import { xgboostModelArtifact } from '../../fixtures/model-artifact';
import { MotoServer, startMotoServer } from '../../harness/moto-server';
import { cfnEvent, deleteToCompletion, DEV } from '../cleanup/cleanup-fixtures';
import { codePipelineEvent, envSpec, MODEL_BUCKET, RELEASE_BUCKET } from '../deploy/deploy-fixtures';

/**
 * The four handlers as one shared function each would run them: the real
 * entry points, with no settings in their environment, against moto. Moto
 * keeps what a call creates under the account of the credentials that made
 * it, so a pipeline role in its own account shows whether each call was made
 * as the role. CodePipeline's calls go to a recorder on loopback (moto has no
 * GetJobDetails or PutJobSuccessResult), which answers GetJobDetails for the
 * job as a job of {@link PIPELINE} and notes the access key that signed each
 * call. Moto's STS accepts AssumeRole with session tags (and ignores them and
 * trust policies: the tags' values are checked in the faults tests, the trust
 * condition in shared-trust.test.ts). The tests run in order: each stage
 * works on what the deploy released.
 */
const ROLE_ACCOUNT = '444455556666';
const ROLE = `arn:aws:iam::${ROLE_ACCOUNT}:role/churn-mlops-shared-handlers`;
/** The function's own access key (jest's global setup), whose account is moto's default 123456789012. */
const OWN_KEY = 'testing';
const DEPLOY_SETTINGS_PARAMETER = '/mlops/churn/deploy-settings';
const SHARE_SETTINGS_PARAMETER = '/mlops/churn/share-settings';
const RECORD_PARAMETER = '/mlops/churn/dev-release';
const SUITE_PARAMETER = '/mlops/churn/dev-tests';
/** The pipeline CodePipeline (the recorder) says every job belongs to. */
const PIPELINE = 'churn-mlops';

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
      res.end(action === 'GetJobDetails'
        ? JSON.stringify({ jobDetails: { id: request.jobId, accountId: '123456789012', data: { pipelineContext: { pipelineName: PIPELINE } } } })
        : '{}');
    });
  }
}

let moto: MotoServer;
let recorder: CodePipelineRecorder;
/** Clients in the role's account, for setting the world up and checking it. */
let asRole: <C>(type: new (config: any) => C) => C;
/** Clients with the function's own credentials. */
let own: EnvironmentClients;
let release: string;

beforeAll(async () => {
  moto = await startMotoServer();
  recorder = new CodePipelineRecorder();
  // The handlers' clients find their endpoints as in any tool: AWS_ENDPOINT_URL, and one per service.
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_ENDPOINT_URL_CODEPIPELINE = await recorder.start();
  const base = { endpoint: moto.endpoint, region: 'us-east-1' };
  own = new EnvironmentClients(base, 'test-setup');
  // The test's own session of the role: moto maps it to the same account as the handlers'.
  asRole = (type) => own.get(type, { roleArn: ROLE, region: 'us-east-1' });
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
  const settings: DeploySettings = {
    pipelineName: 'churn-mlops',
    artifact: { bucket: MODEL_BUCKET, key: 'churn/model.tar.gz' },
    environmentParameters: { dev: '/mlops/churn/dev-deploy-spec' },
  };
  const ssm = asRole(SSMClient);
  await ssm.send(new PutParameterCommand({ Name: '/mlops/churn/dev-deploy-spec', Type: 'String', Value: JSON.stringify(envSpec()) }));
  await ssm.send(new PutParameterCommand({ Name: DEPLOY_SETTINGS_PARAMETER, Type: 'String', Value: JSON.stringify(settings) }));
  expect(process.env.MLOPS_DEPLOY_SPEC).toBeUndefined();

  const results = await runEntryPoint(deployHandler, {
    environment: 'dev',
    executionId: 'exec-shared',
    artifactVersion: put.VersionId,
    [HANDLER_ROLE_PARAMETER]: ROLE,
    [SETTINGS_PARAMETER]: DEPLOY_SETTINGS_PARAMETER,
  });

  const final = results[results.length - 1];
  expect(final).toMatchObject({ action: 'PutJobSuccessResult', body: { outputVariables: { EndpointName: 'churn-dev', PreviousEndpointConfigName: 'none' } } });
  // Created, then waited for through continuations; every result with the function's own key.
  expect(results.length).toBeGreaterThanOrEqual(2);
  expect(results.map((r) => r.accessKey)).toEqual(results.map(() => OWN_KEY));
  release = final.body.outputVariables!.EndpointConfigName;

  const endpoint = await describeDevEndpoint(asRole(SageMakerClient));
  expect(endpoint).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: release });
  expect(endpoint.EndpointArn).toBe(`arn:aws:sagemaker:us-east-1:${ROLE_ACCOUNT}:endpoint/churn-dev`);
  await expect(describeDevEndpoint(own.get(SageMakerClient))).rejects.toThrow(/Could not find endpoint/);
});

test('test: the suite is read and the endpoint invoked as the role', async () => {
  await asRole(SSMClient).send(new PutParameterCommand({
    Name: SUITE_PARAMETER,
    Type: 'String',
    Value: JSON.stringify({ requests: [{ name: 'score', body: '{"features":[1]}', contentType: 'application/json', status: 200, jsonPath: [{ path: '$.score', min: 0.5 }] }] }),
  }));
  // Moto's runtime answers from a queue per account: only the role's account has one.
  const canned = await fetch(`${moto.endpoint}/moto-api/static/sagemaker/endpoint-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account_id: ROLE_ACCOUNT, region: 'us-east-1', results: [{ Body: JSON.stringify({ score: 0.9 }), ContentType: 'application/json' }] }),
  });
  expect(canned.ok).toBe(true);

  const results = await runEntryPoint(testHandler, {
    environment: 'dev',
    endpointName: 'churn-dev',
    endpointConfigName: release,
    previousConfig: 'none',
    requestsParameter: SUITE_PARAMETER,
    [HANDLER_ROLE_PARAMETER]: ROLE,
  });
  expect(results).toEqual([{ action: 'PutJobSuccessResult', accessKey: OWN_KEY, body: { jobId: 'job-1' } }]);
});

test('share: settings from the SSM parameter, the API and the release record updated as the role', async () => {
  const restApiId = await createInferenceApiStage(asRole(APIGatewayClient), 'churn-dev-inference', 'v1', { endpoint: NOT_SHARED_ENDPOINT });
  const settings: ShareSettings = {
    pipelineName: 'churn-mlops',
    environments: { dev: { endpointName: 'churn-dev', parameterName: RECORD_PARAMETER, api: { restApiId, restApiName: 'churn-dev-inference', stageName: 'v1' } } },
  };
  const ssm = asRole(SSMClient);
  await ssm.send(new PutParameterCommand({ Name: RECORD_PARAMETER, Type: 'String', Value: '{"shared":false}' }));
  await ssm.send(new PutParameterCommand({ Name: SHARE_SETTINGS_PARAMETER, Type: 'String', Value: JSON.stringify(settings) }));

  const results = await runEntryPoint(shareHandler, {
    environment: 'dev',
    executionId: 'exec-shared',
    endpointName: 'churn-dev',
    endpointConfigName: release,
    modelName: release,
    [HANDLER_ROLE_PARAMETER]: ROLE,
    [SETTINGS_PARAMETER]: SHARE_SETTINGS_PARAMETER,
  });

  expect(results).toEqual([{ action: 'PutJobSuccessResult', accessKey: OWN_KEY, body: expect.objectContaining({ outputVariables: expect.objectContaining({ ReleaseParameter: RECORD_PARAMETER }) }) }]);
  const record = await ssm.send(new GetParameterCommand({ Name: RECORD_PARAMETER }));
  expect(JSON.parse(record.Parameter!.Value!)).toMatchObject({ shared: true, endpointConfigName: release, pipelineExecutionId: 'exec-shared' });
  const stage = await asRole(APIGatewayClient).send(new GetStageCommand({ restApiId, stageName: 'v1' }));
  expect(stage.variables).toEqual({ endpoint: 'churn-dev' });
  await expect(own.get(SSMClient).send(new GetParameterCommand({ Name: RECORD_PARAMETER }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
});

test('clean-up: the endpoint and its releases are deleted as HandlerRoleArn; the function\'s own account is untouched', async () => {
  // An endpoint of the same name in the function's own account, which the clean-up must not see.
  const sagemaker = own.get(SageMakerClient);
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

  const request = cfnEvent('Delete', [DEV]);
  const { polls } = await deleteToCompletion(cleanupHandler, {
    ...request,
    ResourceProperties: { ...request.ResourceProperties, [CLEANUP_ROLE_PROPERTY]: ROLE },
  } as typeof request);

  expect(polls[polls.length - 1]).toEqual({ IsComplete: true });
  await expect(describeDevEndpoint(asRole(SageMakerClient))).rejects.toThrow(/Could not find endpoint/);
  expect(await describeDevEndpoint(sagemaker)).toMatchObject({ EndpointConfigName: 'churn-dev-r-own' });
});
