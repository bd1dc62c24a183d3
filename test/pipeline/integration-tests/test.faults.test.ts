import 'aws-sdk-client-mock-jest';
import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { BatchGetBuildsCommand, Build, CodeBuildClient, StartBuildCommand } from '@aws-sdk/client-codebuild';
import { CodePipelineClient, PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { DescribeEndpointCommand, SageMakerClient, UpdateEndpointCommand } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, ModelError, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { BUILD_PARAMS, buildJob, PARAMS, SCALING, testJob } from './tests-fixtures';
import { evaluateJsonPath, parseJsonPath } from '../../../src/contract/json-path';
import { TestRequestSpec, TestSuiteSpec } from '../../../src/contract/test-settings';
import { handler } from '../../../src/runtime/handlers/integration-test.lambda';
import { IntegrationTestClients, runTestJob } from '../../../src/runtime/integration-tests';
import { evaluateResponse } from '../../../src/runtime/test-requests';
import { awsError } from '../../fixtures/aws-error';
import { clientsIn, mockedClients } from '../../harness/mocked-clients';

const TEST_CLIENTS = {
  runtime: SageMakerRuntimeClient,
  sagemaker: SageMakerClient,
  ssm: SSMClient,
  codebuild: CodeBuildClient,
  autoscaling: ApplicationAutoScalingClient,
};
const { runtime, sagemaker, ssm, codepipeline, codebuild, autoscaling } = mockedClients({ ...TEST_CLIENTS, codepipeline: CodePipelineClient });

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
  return { ...clientsIn(TEST_CLIENTS), now: clock(latencies) };
}

function body(value: unknown) {
  return { Body: new TextEncoder().encode(JSON.stringify(value)) as any, ContentType: 'application/json' };
}
function suite(requests: TestRequestSpec[]): void {
  ssm.on(GetParameterCommand, { Name: '/tests/dev' }).resolves({ Parameter: { Value: JSON.stringify({ requests } satisfies TestSuiteSpec) } });
}

beforeEach(() => {
  suite([SCORE, PING]);
  runtime.on(InvokeEndpointCommand, { Body: new TextEncoder().encode('ping') }).resolves({ Body: new TextEncoder().encode('pong') as any });
  // The endpoint serves the release under test, unless a test says otherwise.
  sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: PARAMS.endpointConfigName });
});

describe('test handler: passing tests', () => {
  test('every request passes: success, and the endpoint is left alone', async () => {
    runtime.on(InvokeEndpointCommand, { Body: new TextEncoder().encode('{"x":1}') }).resolves(body({ score: 0.9, label: 'churn' }));
    const outcome = await runTestJob(testJob(), clients());
    expect(outcome).toEqual({ kind: 'succeeded', message: 'All 2 requests to churn-dev passed' });
    expect(runtime).toHaveReceivedCommandWith(InvokeEndpointCommand, { EndpointName: 'churn-dev', ContentType: 'application/json' });
    expect(sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
  });

  test('requests that pass while the endpoint is being moved off the release (a rollback in flight) do not pass it', async () => {
    runtime.on(InvokeEndpointCommand, { Body: new TextEncoder().encode('{"x":1}') }).resolves(body({ score: 0.9, label: 'churn' }));
    sagemaker.on(DescribeEndpointCommand).resolves({
      EndpointStatus: 'Updating',
      EndpointConfigName: PARAMS.endpointConfigName,
      PendingDeploymentSummary: { EndpointConfigName: PARAMS.previousConfig },
    });
    expect(await runTestJob(testJob(), clients())).toEqual({
      kind: 'failed',
      message: `Tests of dev passed, but endpoint churn-dev is being moved to ${PARAMS.previousConfig}, not release ${PARAMS.endpointConfigName}: `
        + 'an earlier attempt of this job rolled it back, or another release replaced it',
    });
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

const BUILD_ID = 'churn-dev-tests:0b7a1c2d-3e4f-5a6b-7c8d-9e0f1a2b3c4d';
const BUILD_ARN = `arn:aws:codebuild:us-east-1:123456789012:build/${BUILD_ID}`;
const BUILDING = JSON.stringify({ phase: 'building', buildId: BUILD_ID });
const CONSOLE = 'https://us-east-1.console.aws.amazon.com/codesuite/codebuild/123456789012/projects/churn-dev-tests'
  + '/build/churn-dev-tests%3A0b7a1c2d-3e4f-5a6b-7c8d-9e0f1a2b3c4d/?region=us-east-1';
const LOGS = 'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/tests/log-events/0b7a1c2d';

/** A build as BatchGetBuilds describes it. */
function aBuild(buildStatus: string, extra: Partial<Build> = {}): Build {
  return { id: BUILD_ID, arn: BUILD_ARN, projectName: 'churn-dev-tests', buildStatus: buildStatus as Build['buildStatus'], ...extra };
}

/** A build whose BUILD phase failed the way a failing test command does. */
function failedBuild(buildStatus = 'FAILED', phaseStatus = 'FAILED'): Build {
  return aBuild(buildStatus, {
    currentPhase: 'COMPLETED',
    phases: [
      { phaseType: 'SUBMITTED', phaseStatus: 'SUCCEEDED' },
      { phaseType: 'INSTALL', phaseStatus: 'SUCCEEDED', contexts: [{ statusCode: '', message: '' }] },
      { phaseType: 'BUILD', phaseStatus: phaseStatus as 'FAILED', contexts: [{ statusCode: 'COMMAND_EXECUTION_ERROR', message: 'Error while executing command: pytest. Reason: exit status 1' }] },
      { phaseType: 'COMPLETED' },
    ],
    logs: { deepLink: LOGS },
  });
}

function inService(config: string) {
  return { EndpointStatus: 'InService' as const, EndpointConfigName: config };
}

describe('CodeBuild tests', () => {
  test('a passing build: started once with the release\'s variables and the suite version, watched through continuations, then success', async () => {
    codebuild.on(StartBuildCommand).resolves({ build: aBuild('IN_PROGRESS') });
    const started = await runTestJob(buildJob(), clients());
    expect(started).toEqual({ kind: 'in-progress', message: `Started test build ${BUILD_ID} against endpoint churn-dev`, continuationToken: BUILDING });
    expect(codebuild).toHaveReceivedCommandWith(StartBuildCommand, {
      projectName: 'churn-dev-tests',
      idempotencyToken: 'job-1',
      sourceVersion: 'suite-v3',
      environmentVariablesOverride: [
        { name: 'ENDPOINT_NAME', value: 'churn-dev', type: 'PLAINTEXT' },
        { name: 'ENDPOINT_CONFIG_NAME', value: 'churn-dev-rnew0000000', type: 'PLAINTEXT' },
        { name: 'PREVIOUS_ENDPOINT_CONFIG_NAME', value: 'churn-dev-rold0000000', type: 'PLAINTEXT' },
        { name: 'AWS_REGION', value: 'us-east-1', type: 'PLAINTEXT' },
      ],
    });

    codebuild.on(BatchGetBuildsCommand, { ids: [BUILD_ID] })
      .resolvesOnce({ builds: [aBuild('IN_PROGRESS', { currentPhase: 'BUILD' })] })
      .resolves({ builds: [aBuild('SUCCEEDED')] });
    expect(await runTestJob(buildJob({}, BUILDING), clients())).toEqual({ kind: 'in-progress', message: `Test build ${BUILD_ID} is in phase BUILD`, continuationToken: BUILDING });
    expect(await runTestJob(buildJob({}, BUILDING), clients())).toEqual({ kind: 'succeeded', message: `Test build ${BUILD_ID} passed` });
    expect(codebuild).toHaveReceivedCommandTimes(StartBuildCommand, 1);
    expect(sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
    expect(runtime).not.toHaveReceivedCommand(InvokeEndpointCommand);
  });

  test('a failed build rolls the endpoint back, and the failure names the failing phase, its error and the build\'s console and log links', async () => {
    codebuild.on(BatchGetBuildsCommand).resolves({ builds: [failedBuild()] });
    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.endpointConfigName));
    sagemaker.on(UpdateEndpointCommand).resolves({});

    const rolling = await runTestJob(buildJob({}, BUILDING), clients());
    expect(rolling).toMatchObject({ kind: 'in-progress', message: 'Tests failed; rolling endpoint churn-dev back from churn-dev-rnew0000000 to churn-dev-rold0000000' });
    expect(sagemaker).toHaveReceivedCommandWith(UpdateEndpointCommand, { EndpointName: 'churn-dev', EndpointConfigName: 'churn-dev-rold0000000' });
    // Not autoscaled: the previous config applies as it is, and scaling is left alone.
    expect(sagemaker.commandCalls(UpdateEndpointCommand)[0].args[0].input).not.toHaveProperty('RetainAllVariantProperties');
    expect(autoscaling.calls()).toHaveLength(0);

    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.previousConfig));
    expect(await runTestJob(buildJob({}, (rolling as any).continuationToken), clients())).toEqual({
      kind: 'failed',
      message: `Tests of dev failed: test build ${BUILD_ID} FAILED in phase BUILD (COMMAND_EXECUTION_ERROR: Error while executing command: pytest. Reason: exit status 1)`
        + `; console: ${CONSOLE}; logs: ${LOGS}. Rolled back to churn-dev-rold0000000 (endpoint churn-dev)`,
    });
    expect(codebuild).not.toHaveReceivedCommand(StartBuildCommand);
  });

  test.each([
    ['FAULT', 'FAULT'],
    ['TIMED_OUT', 'TIMED_OUT'],
    ['STOPPED', 'STOPPED'],
  ])('a build that ends %s rolls back too', async (buildStatus, phaseStatus) => {
    codebuild.on(BatchGetBuildsCommand).resolves({ builds: [failedBuild(buildStatus, phaseStatus)] });
    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.endpointConfigName));
    sagemaker.on(UpdateEndpointCommand).resolves({});
    const outcome = await runTestJob(buildJob({}, BUILDING), clients());
    expect(outcome.kind).toBe('in-progress');
    expect(JSON.parse((outcome as any).continuationToken)).toMatchObject({
      phase: 'rolling-back',
      updateIssued: true,
      failures: expect.stringMatching(new RegExp(`^test build \\S+ ${buildStatus} in phase BUILD \\(COMMAND_EXECUTION_ERROR`)),
    });
    expect(sagemaker).toHaveReceivedCommandTimes(UpdateEndpointCommand, 1);
  });

  test('a failure without phase details still names the build, its status and where it stopped', async () => {
    codebuild.on(BatchGetBuildsCommand).resolves({ builds: [{ id: BUILD_ID, buildStatus: 'FAULT', currentPhase: 'PROVISIONING' }] });
    const outcome = await runTestJob(buildJob({ previousConfig: 'none' }, BUILDING), clients());
    expect(outcome).toEqual({
      kind: 'failed',
      message: `Tests of dev failed: test build ${BUILD_ID} FAULT in phase PROVISIONING. First release of dev: there is no earlier config to roll back to, endpoint churn-dev keeps churn-dev-rnew0000000`,
    });
    expect(sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
  });

  test('a build that cannot be found is a failure: its outcome is unknown, so the release does not pass', async () => {
    codebuild.on(BatchGetBuildsCommand).resolves({ builds: [], buildsNotFound: [BUILD_ID] });
    const outcome = await runTestJob(buildJob({ previousConfig: 'none' }, BUILDING), clients());
    expect(outcome).toMatchObject({ kind: 'failed', message: expect.stringMatching(/^Tests of dev failed: test build \S+ could not be found, so its outcome is unknown\. First release/) });
  });

  test('StartBuild throttled: try again later, with the same idempotency token, and nothing rolled back', async () => {
    codebuild.on(StartBuildCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).resolves({ build: aBuild('IN_PROGRESS') });
    const throttled = await runTestJob(buildJob(), clients());
    expect(throttled).toEqual({ kind: 'in-progress', message: 'Transient ThrottlingException; will try again', continuationToken: '{"phase":"testing"}' });
    const started = await runTestJob(buildJob({}, (throttled as any).continuationToken), clients());
    expect(started).toMatchObject({ kind: 'in-progress', continuationToken: BUILDING });
    expect(codebuild.commandCalls(StartBuildCommand).map((c) => c.args[0].input.idempotencyToken)).toEqual(['job-1', 'job-1']);
    expect(sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
  });

  test('the account\'s concurrent-build limit is transient too', async () => {
    codebuild.on(StartBuildCommand).rejects(awsError('AccountLimitExceededException', 'Cannot have more than 20 active builds'));
    expect(await runTestJob(buildJob(), clients())).toEqual({ kind: 'in-progress', message: 'Transient AccountLimitExceededException; will try again', continuationToken: '{"phase":"testing"}' });
  });

  test('a retried job does not start a second build: a repeated delivery reuses the job\'s token, a continuation only watches', async () => {
    codebuild.on(StartBuildCommand).resolves({ build: aBuild('IN_PROGRESS') });
    codebuild.on(BatchGetBuildsCommand).resolves({ builds: [aBuild('IN_PROGRESS', { currentPhase: 'INSTALL' })] });
    // Lambda retried CodePipeline's invocation: the same job, no continuation token yet.
    await runTestJob(buildJob(), clients());
    await runTestJob(buildJob(), clients());
    expect(codebuild.commandCalls(StartBuildCommand).map((c) => c.args[0].input.idempotencyToken)).toEqual(['job-1', 'job-1']);
    await runTestJob(buildJob({}, BUILDING), clients());
    await runTestJob(buildJob({}, BUILDING), clients());
    expect(codebuild).toHaveReceivedCommandTimes(StartBuildCommand, 2);
    expect(codebuild).toHaveReceivedCommandTimes(BatchGetBuildsCommand, 2);
  });

  test('BatchGetBuilds throttled keeps watching the same build', async () => {
    codebuild.on(BatchGetBuildsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    expect(await runTestJob(buildJob({}, BUILDING), clients())).toEqual({ kind: 'in-progress', message: 'Transient ThrottlingException; will try again', continuationToken: BUILDING });
  });

  test('StartBuild refused for good fails the job with the reason; an inline suite starts without a source version', async () => {
    codebuild.on(StartBuildCommand).rejects(awsError('ResourceNotFoundException', 'Project cannot be found: churn-dev-tests'));
    expect(await runTestJob(buildJob({ build: { projectName: 'churn-dev-tests' } }), clients())).toEqual({
      kind: 'failed',
      message: 'ResourceNotFoundException: Project cannot be found: churn-dev-tests',
    });
    expect(codebuild.commandCalls(StartBuildCommand)[0].args[0].input.sourceVersion).toBeUndefined();
    codebuild.on(StartBuildCommand).resolves({});
    expect(await runTestJob(buildJob(), clients())).toEqual({ kind: 'failed', message: 'Error: StartBuild of project churn-dev-tests answered without a build ID' });
  });

  test('user parameters must name exactly one kind of suite, each well formed', async () => {
    const run = (userParameters: object) => runTestJob({ id: 'j', userParameters: { ...BUILD_PARAMS, ...userParameters } }, clients());
    expect(await run({ requestsParameter: '/tests/dev' })).toEqual({ kind: 'failed', message: 'UserParameters must name either requestsParameter (request tests) or build (CodeBuild tests)' });
    expect(await run({ build: undefined })).toMatchObject({ message: /must name either requestsParameter/ });
    expect(await run({ build: 'churn-dev-tests' })).toEqual({ kind: 'failed', message: 'UserParameters.build must be an object' });
    expect(await run({ build: { projectName: '' } })).toEqual({ kind: 'failed', message: 'UserParameters.build.projectName must be a non-empty string' });
    expect(await run({ build: { projectName: 'p', sourceVersion: 3 } })).toEqual({ kind: 'failed', message: 'UserParameters.build.sourceVersion must be a non-empty string when set' });
    expect(await run({ scaling: [] })).toEqual({ kind: 'failed', message: 'UserParameters.scaling must be an object' });
    expect(await run({ scaling: { autoScaling: SCALING.autoScaling } })).toEqual({ kind: 'failed', message: 'UserParameters.scaling.variantName must be a non-empty string' });
    expect(await run({ scaling: { variantName: 'AllTraffic' } })).toEqual({ kind: 'failed', message: 'UserParameters.scaling.autoScaling must be an object' });
    expect(await run({ scaling: { ...SCALING, autoScaling: { ...SCALING.autoScaling, maxInstances: '8' } } }))
      .toEqual({ kind: 'failed', message: 'UserParameters.scaling.autoScaling.maxInstances must be a number' });
    expect(await run({ scaling: { ...SCALING, autoScaling: { ...SCALING.autoScaling, scaleOutCooldownSeconds: null } } }))
      .toEqual({ kind: 'failed', message: 'UserParameters.scaling.autoScaling.scaleOutCooldownSeconds must be a number when set' });
    expect(codebuild).not.toHaveReceivedCommand(StartBuildCommand);
  });
});

describe('rollback of an autoscaled environment', () => {
  const SCALED_TARGET = { ServiceNamespace: 'sagemaker', ResourceId: 'endpoint/churn-dev/variant/AllTraffic', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' };
  const rollingBack = (updateIssued: boolean) => JSON.stringify({ phase: 'rolling-back', failures: 'x', previous: PARAMS.previousConfig, updateIssued });

  beforeEach(() => {
    codebuild.on(BatchGetBuildsCommand).resolves({ builds: [failedBuild()] });
    sagemaker.on(UpdateEndpointCommand).resolves({});
    // What the deploy handler left: the variant registered.
    autoscaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [{ ...SCALED_TARGET, MinCapacity: 2, MaxCapacity: 8 } as any] });
    autoscaling.on(DeregisterScalableTargetCommand).resolves({});
    autoscaling.on(RegisterScalableTargetCommand).resolves({});
    autoscaling.on(PutScalingPolicyCommand).resolves({});
  });

  test('deregisters the variant before the update, keeps its instance count, then registers it with the same bounds and re-puts its policy', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.endpointConfigName));
    const rolling = await runTestJob(buildJob({ scaling: SCALING }, BUILDING), clients());
    expect(rolling).toMatchObject({ kind: 'in-progress', message: /rolling endpoint churn-dev back/ });
    expect(autoscaling).toHaveReceivedCommandWith(DescribeScalableTargetsCommand, { ServiceNamespace: 'sagemaker', ResourceIds: [SCALED_TARGET.ResourceId], ScalableDimension: SCALED_TARGET.ScalableDimension });
    expect(autoscaling).toHaveReceivedCommandWith(DeregisterScalableTargetCommand, SCALED_TARGET);
    expect(autoscaling.commandCalls(DeregisterScalableTargetCommand)[0].calledBefore(sagemaker.commandCalls(UpdateEndpointCommand)[0])).toBe(true);
    expect(sagemaker).toHaveReceivedCommandWith(UpdateEndpointCommand, {
      EndpointName: 'churn-dev',
      EndpointConfigName: 'churn-dev-rold0000000',
      RetainAllVariantProperties: true,
      ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DataCaptureConfig' }],
    });
    expect(autoscaling).not.toHaveReceivedCommand(RegisterScalableTargetCommand);

    // Still updating: scaling stays off.
    const token = (rolling as any).continuationToken;
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Updating', EndpointConfigName: PARAMS.endpointConfigName });
    expect((await runTestJob(buildJob({ scaling: SCALING }, token), clients())).kind).toBe('in-progress');
    expect(autoscaling).not.toHaveReceivedCommand(RegisterScalableTargetCommand);

    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.previousConfig));
    const done = await runTestJob(buildJob({ scaling: SCALING }, token), clients());
    expect(done).toMatchObject({ kind: 'failed', message: expect.stringMatching(/\. Rolled back to churn-dev-rold0000000 \(endpoint churn-dev\); autoscaling restored \(2-8 instances\)$/) });
    expect(autoscaling).toHaveReceivedCommandWith(RegisterScalableTargetCommand, { ...SCALED_TARGET, MinCapacity: 2, MaxCapacity: 8, Tags: { 'mlops:endpoint': 'churn-dev' } });
    expect(autoscaling).toHaveReceivedCommandWith(PutScalingPolicyCommand, {
      ...SCALED_TARGET,
      PolicyName: 'churn-dev-invocations',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 500,
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        ScaleInCooldown: 300,
        ScaleOutCooldown: undefined,
      },
    });
    // Registering sets bounds only: the count the variant had before the rollback stays.
    expect(autoscaling.commandCalls(RegisterScalableTargetCommand)[0].args[0].input).not.toHaveProperty('SuspendedState');
    expect(sagemaker).toHaveReceivedCommandTimes(UpdateEndpointCommand, 1);
  });

  test('request tests roll an autoscaled environment back the same way', async () => {
    runtime.on(InvokeEndpointCommand).resolves(body({ score: 0.1, label: 'stay' }));
    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.endpointConfigName));
    await runTestJob(testJob({ scaling: SCALING }), clients());
    expect(autoscaling).toHaveReceivedCommandWith(DeregisterScalableTargetCommand, SCALED_TARGET);
    expect(sagemaker).toHaveReceivedCommandWith(UpdateEndpointCommand, { RetainAllVariantProperties: true });
  });

  test('a variant already out of scaling counts as deregistered, and is not asked to deregister (IAM would refuse it: no tag)', async () => {
    autoscaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.endpointConfigName));
    expect(await runTestJob(buildJob({ scaling: SCALING }, rollingBack(false)), clients())).toMatchObject({ kind: 'in-progress', message: /rolling endpoint churn-dev back/ });
    expect(autoscaling).not.toHaveReceivedCommand(DeregisterScalableTargetCommand);
    expect(sagemaker).toHaveReceivedCommandTimes(UpdateEndpointCommand, 1);
  });

  test('a variant deregistered between the look and the call counts as deregistered', async () => {
    autoscaling.on(DeregisterScalableTargetCommand).rejects(awsError('ObjectNotFoundException', 'No scalable target registered'));
    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.endpointConfigName));
    expect(await runTestJob(buildJob({ scaling: SCALING }, rollingBack(false)), clients())).toMatchObject({ kind: 'in-progress', message: /rolling endpoint churn-dev back/ });
    expect(sagemaker).toHaveReceivedCommandTimes(UpdateEndpointCommand, 1);
  });

  test('deregistration throttled: wait, and the update is not issued until the variant is out of scaling', async () => {
    autoscaling.on(DeregisterScalableTargetCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).resolves({});
    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.endpointConfigName));
    const waiting = await runTestJob(buildJob({ scaling: SCALING }, rollingBack(false)), clients());
    expect(waiting).toEqual({
      kind: 'in-progress',
      message: 'Taking endpoint churn-dev out of autoscaling before the rollback (transient ThrottlingException); will try again',
      continuationToken: rollingBack(false),
    });
    expect(sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
    const issued = await runTestJob(buildJob({ scaling: SCALING }, rollingBack(false)), clients());
    expect(JSON.parse((issued as any).continuationToken).updateIssued).toBe(true);
  });

  test('deregistration refused for good: the rollback cannot be issued, and the job says why', async () => {
    autoscaling.on(DeregisterScalableTargetCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.endpointConfigName));
    expect(await runTestJob(buildJob({ scaling: SCALING }, rollingBack(false)), clients())).toEqual({
      kind: 'failed',
      message: 'Tests of dev failed: x. Could not roll back to churn-dev-rold0000000: AccessDeniedException: not authorized',
    });
    expect(sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
  });

  test('an update SageMaker refuses puts scaling back before failing', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.endpointConfigName));
    sagemaker.on(UpdateEndpointCommand).rejects(awsError('ValidationException', 'Could not find endpoint configuration "churn-dev-rold0000000".'));
    expect(await runTestJob(buildJob({ scaling: SCALING }, rollingBack(false)), clients())).toEqual({
      kind: 'failed',
      message: 'Tests of dev failed: x. Could not roll back to churn-dev-rold0000000: ValidationException: Could not find endpoint configuration "churn-dev-rold0000000".'
        + '; autoscaling restored (2-8 instances)',
    });
    expect(autoscaling).toHaveReceivedCommandTimes(DeregisterScalableTargetCommand, 1);
    expect(autoscaling).toHaveReceivedCommandTimes(RegisterScalableTargetCommand, 1);
  });

  test('a busy endpoint leaves scaling off until the update is issued on a later call', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.endpointConfigName));
    sagemaker.on(UpdateEndpointCommand).rejectsOnce(awsError('ValidationException', 'Cannot update in-progress endpoint')).resolves({});
    expect(await runTestJob(buildJob({ scaling: SCALING }, rollingBack(false)), clients())).toMatchObject({ kind: 'in-progress', continuationToken: rollingBack(false), message: /is busy/ });
    expect(autoscaling).not.toHaveReceivedCommand(RegisterScalableTargetCommand);
    const issued = await runTestJob(buildJob({ scaling: SCALING }, rollingBack(false)), clients());
    expect(JSON.parse((issued as any).continuationToken).updateIssued).toBe(true);
  });

  test('a rollback SageMaker undid restores scaling too', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ ...inService(PARAMS.endpointConfigName), FailureReason: 'capacity' });
    expect(await runTestJob(buildJob({ scaling: SCALING }, rollingBack(true)), clients())).toEqual({
      kind: 'failed',
      message: 'Tests of dev failed: x. Rollback to churn-dev-rold0000000 did not complete; endpoint churn-dev serves churn-dev-rnew0000000: capacity; autoscaling restored (2-8 instances)',
    });
    expect(autoscaling).toHaveReceivedCommandTimes(RegisterScalableTargetCommand, 1);
  });

  test('restoring throttled: wait, then restore on the next call; refused for good: the job says scaling is off', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves(inService(PARAMS.previousConfig));
    autoscaling.on(RegisterScalableTargetCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).resolves({});
    expect(await runTestJob(buildJob({ scaling: SCALING }, rollingBack(true)), clients())).toEqual({
      kind: 'in-progress',
      message: 'Restoring autoscaling of endpoint churn-dev after the rollback (transient ThrottlingException); will try again',
      continuationToken: rollingBack(true),
    });
    expect(await runTestJob(buildJob({ scaling: SCALING }, rollingBack(true)), clients())).toMatchObject({ kind: 'failed', message: /autoscaling restored \(2-8 instances\)$/ });

    autoscaling.on(PutScalingPolicyCommand).rejects(awsError('ValidationException', 'bad policy'));
    expect(await runTestJob(buildJob({ scaling: SCALING }, rollingBack(true)), clients())).toEqual({
      kind: 'failed',
      message: 'Tests of dev failed: x. Rolled back to churn-dev-rold0000000 (endpoint churn-dev); its autoscaling could not be restored: ValidationException: bad policy',
    });
  });

  test('a Failed endpoint is not registered for scaling again', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Failed', FailureReason: 'capacity' });
    expect(await runTestJob(buildJob({ scaling: SCALING }, rollingBack(true)), clients())).toMatchObject({ kind: 'failed', message: /endpoint churn-dev is Failed: capacity$/ });
    expect(autoscaling.calls()).toHaveLength(0);
  });

  test('a DescribeEndpoint refused for good fails the rollback with the reason', async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    expect(await runTestJob(buildJob({ scaling: SCALING }, rollingBack(false)), clients())).toEqual({
      kind: 'failed',
      message: 'Tests of dev failed: x. Could not roll back to churn-dev-rold0000000: AccessDeniedException: not authorized',
    });
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

  test('a CodeBuild job: the entry point starts the build and hands CodePipeline the build to watch', async () => {
    codebuild.on(StartBuildCommand).resolves({ build: aBuild('IN_PROGRESS') });
    await handler(event(BUILD_PARAMS));
    expect(codebuild).toHaveReceivedCommandWith(StartBuildCommand, { projectName: 'churn-dev-tests', idempotencyToken: 'job-9' });
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { jobId: 'job-9', continuationToken: BUILDING });
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

  test('an error without a response fails every expectation on the body too', () => {
    expect(evaluateResponse(SCORE, { status: 'ValidationError (no endpoint)', latencyMs: 1 }))
      .toEqual(['status ValidationError (no endpoint), expected 200', 'no response body to check']);
  });

  test('equals compares JSON text; min/max need a number', () => {
    const request: TestRequestSpec = { name: 'r', body: '{}', contentType: 'application/json', status: 200, jsonPath: [{ path: '$.a', equals: '{ "b": [1, 2] }' }, { path: '$.c', max: 1 }] };
    expect(evaluateResponse(request, { status: 200, body: '{"a":{"b":[1,2]},"c":"2"}', latencyMs: 1 })).toEqual(['$.c = "2", expected a number']);
    expect(evaluateResponse(request, { status: 200, body: '{"a":{"b":[1]},"c":3}', latencyMs: 1 })).toEqual(['$.a = {"b":[1]}, expected { "b": [1, 2] }', '$.c = 3, expected <= 1']);
  });
});
