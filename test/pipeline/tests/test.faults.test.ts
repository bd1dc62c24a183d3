import 'aws-sdk-client-mock-jest';
import { CodePipelineClient, PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { DescribeEndpointCommand, SageMakerClient, UpdateEndpointCommand } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, ModelError, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { PARAMS, testJob } from './tests-fixtures';
import { evaluateJsonPath, parseJsonPath } from '../../../src/pipeline/tests/json-path';
import { TestRequestSpec, TestSuiteSpec } from '../../../src/pipeline/tests/test-spec';
import { handler } from '../../../src/pipeline/tests/test.lambda';
import { evaluateResponse, IntegrationTestClients, runTestJob } from '../../../src/runtime/integration-tests';

const runtime = mockClient(SageMakerRuntimeClient);
const sagemaker = mockClient(SageMakerClient);
const ssm = mockClient(SSMClient);
const codepipeline = mockClient(CodePipelineClient);

const SCORE: TestRequestSpec = {
  name: 'score high',
  body: '{"x":1}',
  contentType: 'application/json',
  status: 200,
  bodyContains: ['score'],
  jsonPath: [{ path: '$.score', min: 0.5 }, { path: "$['label']", equals: '"churn"' }],
  maxLatencyMs: 1000,
};
const PING: TestRequestSpec = { name: 'ping', body: 'ping', contentType: 'text/plain', status: 200 };

/** A clock that advances by the given latency on each call pair. */
function clock(latencies: number[]): () => number {
  let t = 0;
  let call = 0;
  return () => {
    call++;
    if (call % 2 === 0) t += latencies[(call / 2 - 1) % latencies.length];
    return t;
  };
}

function clients(latencies = [10]): IntegrationTestClients {
  return {
    runtime: new SageMakerRuntimeClient({ region: 'us-east-1' }),
    sagemaker: new SageMakerClient({ region: 'us-east-1' }),
    ssm: new SSMClient({ region: 'us-east-1' }),
    now: clock(latencies),
  };
}

function body(value: unknown) {
  return { Body: new TextEncoder().encode(JSON.stringify(value)) as any, ContentType: 'application/json' };
}
function awsError(name: string, message: string, status = 400) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}
function suite(requests: TestRequestSpec[]): void {
  ssm.on(GetParameterCommand, { Name: '/tests/dev' }).resolves({ Parameter: { Value: JSON.stringify({ requests } satisfies TestSuiteSpec) } });
}

beforeEach(() => {
  runtime.reset();
  sagemaker.reset();
  ssm.reset();
  codepipeline.reset();
  suite([SCORE, PING]);
  runtime.on(InvokeEndpointCommand, { Body: new TextEncoder().encode('ping') }).resolves({ Body: new TextEncoder().encode('pong') as any });
});

describe('test handler: passing tests', () => {
  test('every request passes: success, and the endpoint is left alone', async () => {
    runtime.on(InvokeEndpointCommand, { Body: new TextEncoder().encode('{"x":1}') }).resolves(body({ score: 0.9, label: 'churn' }));
    const outcome = await runTestJob(testJob(), clients());
    expect(outcome).toEqual({ kind: 'succeeded', message: 'All 2 requests to churn-dev passed' });
    expect(runtime).toHaveReceivedCommandWith(InvokeEndpointCommand, { EndpointName: 'churn-dev', ContentType: 'application/json' });
    expect(sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
  });
});

describe('test handler: failures', () => {
  test('every failed expectation of every request is reported in one message, then the previous config is restored', async () => {
    runtime.on(InvokeEndpointCommand, { Body: new TextEncoder().encode('{"x":1}') })
      .rejects(new ModelError({ message: 'boom', $metadata: {}, OriginalStatusCode: 500, OriginalMessage: '{"score":0.2,"label":"stay"}' }));
    runtime.on(InvokeEndpointCommand, { Body: new TextEncoder().encode('ping') }).resolves({ Body: new TextEncoder().encode('') as any });
    suite([SCORE, { ...PING, bodyContains: ['pong'] }]);
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: PARAMS.endpointConfigName });
    sagemaker.on(UpdateEndpointCommand).resolves({});

    const outcome = await runTestJob(testJob(), clients([1200, 5]));
    expect(outcome.kind).toBe('in-progress');
    expect(outcome.message).toBe('Tests failed; rolling endpoint churn-dev back from churn-dev-rnew0000000 to churn-dev-rold0000000');
    expect(sagemaker).toHaveReceivedCommandWith(UpdateEndpointCommand, { EndpointName: 'churn-dev', EndpointConfigName: 'churn-dev-rold0000000' });

    // SageMaker works; then the endpoint serves the previous config again.
    const token = (outcome as any).continuationToken;
    const states = [{ EndpointStatus: 'Updating', EndpointConfigName: PARAMS.endpointConfigName }, { EndpointStatus: 'InService', EndpointConfigName: PARAMS.previousConfig }];
    sagemaker.on(DescribeEndpointCommand).callsFake(() => states.shift());
    const waiting = await runTestJob(testJob({}, token), clients());
    expect(waiting).toMatchObject({ kind: 'in-progress', continuationToken: token, message: expect.stringMatching(/Rolling endpoint churn-dev back to churn-dev-rold0000000 \(Updating\)/) });
    const done = await runTestJob(testJob({}, token), clients());
    expect(done).toEqual({
      kind: 'failed',
      message: 'Tests of dev failed: 2 of 2 requests failed: '
        + 'request "score high": status 500, expected 200; $.score = 0.2, expected >= 0.5; $[\'label\'] = "stay", expected "churn"; latency 1200 ms over 1000 ms'
        + ' | request "ping": body does not contain "pong". Rolled back to churn-dev-rold0000000 (endpoint churn-dev)',
    });
    expect(sagemaker).toHaveReceivedCommandTimes(UpdateEndpointCommand, 1);
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 2);
  });

  test('first release: fails without a rollback, saying there is nothing to roll back to', async () => {
    runtime.on(InvokeEndpointCommand, { Body: new TextEncoder().encode('{"x":1}') }).resolves(body({ score: 0.1, label: 'churn' }));
    const outcome = await runTestJob(testJob({ previousConfig: 'none' }), clients());
    expect(outcome).toEqual({
      kind: 'failed',
      message: 'Tests of dev failed: 1 of 2 requests failed: request "score high": $.score = 0.1, expected >= 0.5. '
        + 'First release of dev: there is no earlier config to roll back to, endpoint churn-dev keeps churn-dev-rnew0000000',
    });
    expect(sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
    expect(sagemaker).not.toHaveReceivedCommand(DescribeEndpointCommand);
  });

  test('an endpoint mid-change is waited for before the rollback is issued', async () => {
    runtime.on(InvokeEndpointCommand, { Body: new TextEncoder().encode('{"x":1}') }).resolves(body({ label: 'churn' }));
    sagemaker.on(DescribeEndpointCommand).resolvesOnce({ EndpointStatus: 'SystemUpdating', EndpointConfigName: PARAMS.endpointConfigName })
      .resolves({ EndpointStatus: 'InService', EndpointConfigName: PARAMS.endpointConfigName });
    sagemaker.on(UpdateEndpointCommand).rejectsOnce(awsError('ValidationException', 'Cannot update in-progress endpoint')).resolves({});

    const first = await runTestJob(testJob(), clients());
    expect(first).toMatchObject({ kind: 'in-progress', message: expect.stringMatching(/waiting for endpoint churn-dev \(SystemUpdating\)/) });
    expect(sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
    const token = (first as any).continuationToken;
    expect(JSON.parse(token)).toMatchObject({ phase: 'rolling-back', previous: PARAMS.previousConfig, updateIssued: false, failures: expect.stringContaining('$.score not found') });

    // Busy when the update is issued: wait again, issue it on the next call.
    const busy = await runTestJob(testJob({}, token), clients());
    expect(busy).toMatchObject({ kind: 'in-progress', message: expect.stringMatching(/is busy/) });
    const issued = await runTestJob(testJob({}, (busy as any).continuationToken), clients());
    expect(JSON.parse((issued as any).continuationToken).updateIssued).toBe(true);
    expect(sagemaker).toHaveReceivedCommandTimes(UpdateEndpointCommand, 2);
  });

  test('a rollback that SageMaker undoes fails the job with the config still serving and the reason', async () => {
    const token = JSON.stringify({ phase: 'rolling-back', failures: 'x', previous: PARAMS.previousConfig, updateIssued: true });
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: PARAMS.endpointConfigName, FailureReason: 'ping failed' });
    expect(await runTestJob(testJob({}, token), clients())).toEqual({
      kind: 'failed',
      message: 'Tests of dev failed: x. Rollback to churn-dev-rold0000000 did not complete; endpoint churn-dev serves churn-dev-rnew0000000: ping failed',
    });
  });

  test('a Failed endpoint cannot be rolled back: the job says so', async () => {
    const token = JSON.stringify({ phase: 'rolling-back', failures: 'x', previous: PARAMS.previousConfig, updateIssued: false });
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Failed', FailureReason: 'capacity' });
    expect(await runTestJob(testJob({}, token), clients())).toMatchObject({ kind: 'failed', message: expect.stringMatching(/Could not roll back to churn-dev-rold0000000: endpoint churn-dev is Failed: capacity/) });
  });

  test('a non-JSON body fails its JSON path expectations; a missing endpoint fails with the error', async () => {
    runtime.on(InvokeEndpointCommand, { Body: new TextEncoder().encode('{"x":1}') }).resolves({ Body: new TextEncoder().encode('oops') as any });
    runtime.on(InvokeEndpointCommand, { Body: new TextEncoder().encode('ping') }).rejects(awsError('ValidationError', 'Endpoint churn-dev not found'));
    const outcome = await runTestJob(testJob({ previousConfig: 'none' }), clients());
    expect(outcome.message).toContain('request "score high": body does not contain "score"; body is not JSON ("oops"), so $.score, $[\'label\'] cannot be checked');
    expect(outcome.message).toContain('request "ping": status ValidationError (Endpoint churn-dev not found), expected 200');
  });
});

describe('test handler: transient errors', () => {
  test('throttling while testing: try again later, all requests run again', async () => {
    runtime.on(InvokeEndpointCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const outcome = await runTestJob(testJob(), clients());
    expect(outcome).toEqual({ kind: 'in-progress', message: 'Transient ThrottlingException; will try again', continuationToken: '{"phase":"testing"}' });
    expect(sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
  });

  test('a model still loading is transient too', async () => {
    runtime.on(InvokeEndpointCommand).rejects(awsError('ModelNotReadyException', 'not ready', 429));
    expect((await runTestJob(testJob(), clients())).kind).toBe('in-progress');
  });

  test('throttling while rolling back keeps the rollback state', async () => {
    const token = JSON.stringify({ phase: 'rolling-back', failures: 'x', previous: PARAMS.previousConfig, updateIssued: true });
    sagemaker.on(DescribeEndpointCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    expect(await runTestJob(testJob({}, token), clients())).toEqual({ kind: 'in-progress', message: 'Transient ThrottlingException; will try again', continuationToken: token });
  });

  test('a missing user parameter or a bad SSM value fails the job naming it', async () => {
    expect(await runTestJob({ id: 'j', userParameters: { environment: 'dev' } }, clients())).toEqual({ kind: 'failed', message: 'UserParameters.endpointName must be a non-empty string' });
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'nope' } });
    expect(await runTestJob(testJob(), clients())).toEqual({ kind: 'failed', message: 'The test requests of environment "dev" in SSM parameter /tests/dev are not valid' });
  });
});

describe('handler entry point', () => {
  const event = (userParameters: object, continuationToken?: string) => ({
    'CodePipeline.job': { id: 'job-9', data: { actionConfiguration: { configuration: { UserParameters: JSON.stringify(userParameters) } }, continuationToken } },
  }) as any;

  test('reports success to CodePipeline', async () => {
    suite([PING]);
    await handler(event(PARAMS));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { jobId: 'job-9' });
  });

  test('reports a failure, and a transient SSM error as "try again"', async () => {
    await handler(event({}));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobFailureResultCommand, { jobId: 'job-9', failureDetails: { type: 'JobFailed', message: 'UserParameters.environment must be a non-empty string' } });
    ssm.on(GetParameterCommand).rejects(awsError('ThrottlingException', 'slow'));
    await handler(event(PARAMS));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { jobId: 'job-9', continuationToken: '{"phase":"testing"}' });
  });

  test('refuses an event that is not a CodePipeline job', async () => {
    await expect(handler({} as any)).rejects.toThrow(/not a CodePipeline job/);
  });
});

describe('JSON path and expectations', () => {
  test('keys, quoted keys and indexes', () => {
    const doc = { predictions: [{ 'score': 0.7, 'odd key': 'x' }] };
    expect(evaluateJsonPath(doc, parseJsonPath('$.predictions[0].score'))).toEqual({ found: true, value: 0.7 });
    expect(evaluateJsonPath(doc, parseJsonPath("$['predictions'][0][\"odd key\"]"))).toEqual({ found: true, value: 'x' });
    expect(evaluateJsonPath(doc, parseJsonPath('$'))).toEqual({ found: true, value: doc });
    expect(evaluateJsonPath(doc, parseJsonPath('$.predictions[3]'))).toEqual({ found: false });
    expect(evaluateJsonPath(doc, parseJsonPath('$.predictions.score'))).toEqual({ found: false });
    expect(() => parseJsonPath('$.')).toThrow(/has no key after "." at position 1/);
  });

  test('equals compares JSON text; min/max need a number', () => {
    const request: TestRequestSpec = { name: 'r', body: '{}', contentType: 'application/json', status: 200, jsonPath: [{ path: '$.a', equals: '{ "b": [1, 2] }' }, { path: '$.c', max: 1 }] };
    expect(evaluateResponse(request, { status: 200, body: '{"a":{"b":[1,2]},"c":"2"}', latencyMs: 1 })).toEqual(['$.c = "2", expected a number']);
    expect(evaluateResponse(request, { status: 200, body: '{"a":{"b":[1]},"c":3}', latencyMs: 1 })).toEqual(['$.a = {"b":[1]}, expected { "b": [1, 2] }', '$.c = 3, expected <= 1']);
  });
});
