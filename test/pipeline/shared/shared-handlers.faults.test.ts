import 'aws-sdk-client-mock-jest';
import { APIGatewayClient, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { CodePipelineClient, PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { CopyObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  ListEndpointConfigsCommand,
  ListModelsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as cleanupHandler, onEvent, OnEventResponse } from '../../../src/pipeline/cleanup/cleanup.lambda';
import { DEPLOY_SPEC_VARIABLE, DeploySettings } from '../../../src/pipeline/deploy/deploy-spec';
import { handler as deployHandler } from '../../../src/pipeline/deploy/deploy.lambda';
import { SHARE_SETTINGS_VARIABLE, ShareSettings } from '../../../src/pipeline/share/share-spec';
import { handler as shareHandler } from '../../../src/pipeline/share/share.lambda';
import { HANDLER_ROLE_PARAMETER, SETTINGS_PARAMETER } from '../../../src/pipeline/shared/shared-handler-spec';
import { handler as testHandler } from '../../../src/pipeline/tests/test.lambda';
import { CodePipelineJob, JobConfigurationError } from '../../../src/runtime/codepipeline-job';
import { HandlerIdentities, readActionSettings, readHandlerRole, readSettingsParameter } from '../../../src/runtime/handler-identity';
import { cfnEvent, DEV, isCompleteEvent } from '../cleanup/cleanup-fixtures';
import { codePipelineEvent, deploySpec, envSpec, MODEL_BUCKET, RELEASE_BUCKET } from '../deploy/deploy-fixtures';

/**
 * Shared handlers (one function, many pipelines) with every AWS answer
 * scripted: which credentials each call was made with, what a refused or
 * throttled AssumeRole or settings read turns into, and that a job without
 * the shared-handler parameters makes no STS call at all.
 */
const sts = mockClient(STSClient);
const ssm = mockClient(SSMClient);
const codepipeline = mockClient(CodePipelineClient);
const sagemaker = mockClient(SageMakerClient);
const s3 = mockClient(S3Client);
const autoscaling = mockClient(ApplicationAutoScalingClient);
const apigateway = mockClient(APIGatewayClient);
const runtime = mockClient(SageMakerRuntimeClient);

/** The function's own credentials: what jest's global setup puts in the environment. */
const OWN_KEY = 'testing';
const SETTINGS_PARAMETER_NAME = '/mlops/churn/deploy-settings';
const DEPLOY_SETTINGS: DeploySettings = { pipelineName: 'churn-mlops', artifact: deploySpec().artifact, environmentParameters: { dev: '/spec/dev' } };

/**
 * A fresh role per test: the handlers keep each role's credentials for the
 * life of the module, as a warm Lambda instance does, so tests never share one.
 */
let roleCount = 0;
function newRole(account = '111122223333'): string {
  roleCount += 1;
  return `arn:aws:iam::${account}:role/churn-mlops-handler-${roleCount}`;
}
/** The access key STS hands out for a role, so a call's credentials tell which role made it. */
const keyOf = (roleArn: string) => `ASIA-${roleArn.split('/').pop()}`;

function awsError(name: string, message: string, status = 400) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

/** The access key the client that made a mocked call signs with. */
async function keyUsedBy(call: { thisValue: unknown }): Promise<string> {
  const client = call.thisValue as { config: { credentials: () => Promise<{ accessKeyId: string }> } };
  return (await client.config.credentials()).accessKeyId;
}

function deployEvent(userParameters: Record<string, unknown> = {}) {
  return codePipelineEvent({ environment: 'dev', executionId: 'exec-1', artifactVersion: 'v1', ...userParameters });
}

function failureMessage(): string {
  const calls = codepipeline.commandCalls(PutJobFailureResultCommand);
  expect(calls).toHaveLength(1);
  return calls[0].args[0].input.failureDetails!.message!;
}

beforeEach(() => {
  for (const mock of [sts, ssm, codepipeline, sagemaker, s3, autoscaling, apigateway, runtime]) {
    mock.reset();
  }
  sts.on(AssumeRoleCommand).callsFake((input) => Promise.resolve({
    Credentials: { AccessKeyId: keyOf(input.RoleArn), SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 3600_000) },
  }));
  ssm.on(GetParameterCommand, { Name: SETTINGS_PARAMETER_NAME }).resolves({ Parameter: { Type: 'String', Value: JSON.stringify(DEPLOY_SETTINGS) } });
  ssm.on(GetParameterCommand, { Name: '/spec/dev' }).resolves({ Parameter: { Type: 'String', Value: JSON.stringify(envSpec()) } });
  codepipeline.on(PutJobSuccessResultCommand).resolves({});
  codepipeline.on(PutJobFailureResultCommand).resolves({});
  // A first release: the artifact exists, nothing released yet.
  s3.on(HeadObjectCommand, { Bucket: RELEASE_BUCKET }).rejects(awsError('NotFound', 'Not Found', 404));
  s3.on(HeadObjectCommand, { Bucket: MODEL_BUCKET }).resolves({ ContentLength: 1024 });
  s3.on(CopyObjectCommand).resolves({});
  sagemaker.on(DescribeEndpointCommand).rejects(awsError('ValidationException', 'Could not find endpoint "churn-dev".'));
  sagemaker.on(ListEndpointConfigsCommand).resolves({ EndpointConfigs: [] });
});

afterEach(() => {
  delete process.env[DEPLOY_SPEC_VARIABLE];
  delete process.env[SHARE_SETTINGS_VARIABLE];
});

describe('deploy handler, shared', () => {
  test('assumes the job\'s role, reads its settings from SSM and releases as that role; the result goes out with the function\'s own credentials', async () => {
    const role = newRole();
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: role, [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: role, RoleSessionName: 'mlops-deploy', DurationSeconds: 900 });
    // STS is called with the function's own credentials.
    expect(await keyUsedBy(sts.commandCalls(AssumeRoleCommand)[0])).toBe(OWN_KEY);
    // No MLOPS_DEPLOY_SPEC is set: the settings came from the parameter, read as the role.
    const settingsRead = ssm.commandCalls(GetParameterCommand, { Name: SETTINGS_PARAMETER_NAME });
    expect(settingsRead).toHaveLength(1);
    expect(await keyUsedBy(settingsRead[0])).toBe(keyOf(role));
    expect(await keyUsedBy(ssm.commandCalls(GetParameterCommand, { Name: '/spec/dev' })[0])).toBe(keyOf(role));
    const released = [
      ...s3.commandCalls(CopyObjectCommand),
      ...sagemaker.commandCalls(CreateModelCommand),
      ...sagemaker.commandCalls(CreateEndpointCommand),
    ];
    expect(released).toHaveLength(3);
    for (const call of released) {
      expect(await keyUsedBy(call)).toBe(keyOf(role));
    }
    const reported = codepipeline.commandCalls(PutJobSuccessResultCommand);
    expect(reported).toHaveLength(1);
    expect(reported[0].args[0].input).toMatchObject({ jobId: 'job-1', continuationToken: expect.stringContaining('awaiting-endpoint') });
    expect(await keyUsedBy(reported[0])).toBe(OWN_KEY);
  });

  test('without the shared-handler parameters: settings from MLOPS_DEPLOY_SPEC, no STS call, the function\'s own credentials throughout', async () => {
    process.env[DEPLOY_SPEC_VARIABLE] = JSON.stringify(DEPLOY_SETTINGS);
    await deployHandler(deployEvent());

    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(ssm).not.toHaveReceivedCommandWith(GetParameterCommand, { Name: SETTINGS_PARAMETER_NAME });
    expect(await keyUsedBy(sagemaker.commandCalls(CreateEndpointCommand)[0])).toBe(OWN_KEY);
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { continuationToken: expect.stringContaining('awaiting-endpoint') });
  });

  test('credentials are assumed once per role across invocations, and separately for another role', async () => {
    const first = newRole();
    const second = newRole();
    const parameters = (role: string) => ({ [HANDLER_ROLE_PARAMETER]: role, [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME });
    await deployHandler(deployEvent(parameters(first)));
    await deployHandler(deployEvent(parameters(first)));
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);

    await deployHandler(deployEvent(parameters(second)));
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(sts).toHaveReceivedNthCommandWith(2, AssumeRoleCommand, { RoleArn: second });
    // Each invocation read the settings again, each as its own role.
    const reads = ssm.commandCalls(GetParameterCommand, { Name: SETTINGS_PARAMETER_NAME });
    expect(await Promise.all(reads.map(keyUsedBy))).toEqual([keyOf(first), keyOf(first), keyOf(second)]);
  });

  test('an environment in another account: its access role is assumed with the pipeline role\'s credentials', async () => {
    const role = newRole();
    const access = { roleArn: 'arn:aws:iam::222222222222:role/churn-prod-mlops-access', region: 'eu-west-1', releaseBucket: 'churn-prod-releases' };
    ssm.on(GetParameterCommand, { Name: '/spec/dev' }).resolves({ Parameter: { Type: 'String', Value: JSON.stringify(envSpec({ access })) } });
    // The first copy is made, then read as the source of the copy in the environment's bucket.
    s3.on(HeadObjectCommand, { Bucket: RELEASE_BUCKET }).rejectsOnce(awsError('NotFound', 'Not Found', 404)).resolves({ ContentLength: 1024 });
    s3.on(HeadObjectCommand, { Bucket: access.releaseBucket }).rejects(awsError('NotFound', 'Not Found', 404));
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: role, [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));

    // The mock answers before the SDK resolves credentials; resolving them as
    // the SDK would assumes the access role, lazily, as on a real call.
    const createEndpoint = sagemaker.commandCalls(CreateEndpointCommand)[0];
    expect(await keyUsedBy(createEndpoint)).toBe(keyOf(access.roleArn));
    expect(await (createEndpoint.thisValue as SageMakerClient).config.region()).toBe('eu-west-1');
    const assumed = sts.commandCalls(AssumeRoleCommand);
    expect(assumed.map((c) => c.args[0].input.RoleArn)).toEqual([role, access.roleArn]);
    expect(await keyUsedBy(assumed[0])).toBe(OWN_KEY);
    expect(await keyUsedBy(assumed[1])).toBe(keyOf(role));
    expect(assumed[1].args[0].input.RoleSessionName).toBe('mlops-deploy');
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { continuationToken: expect.stringContaining('awaiting-endpoint') });
  });

  test('AssumeRole refused: the job fails naming the role, the parameter and what to check, and nothing else is called', async () => {
    const role = newRole();
    sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied', `User: arn:aws:sts::123456789012:assumed-role/mlops-deploy-fn/x is not authorized to perform: sts:AssumeRole on resource: ${role}`, 403));
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: role, [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));

    const message = failureMessage();
    expect(message).toContain(`The deploy handler could not assume the pipeline's role ${role} (UserParameters.handlerRoleArn): AccessDenied: User:`);
    expect(message).toMatch(/trust policy lets this function's execution role assume it.*sts:AssumeRole/);
    expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('a throttled AssumeRole is "call me again", and the next call assumes the role and proceeds', async () => {
    const role = newRole();
    sts.on(AssumeRoleCommand).rejectsOnce(awsError('Throttling', 'Rate exceeded', 400)).callsFake((input) => Promise.resolve({
      Credentials: { AccessKeyId: keyOf(input.RoleArn), SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) },
    }));
    const event = deployEvent({ [HANDLER_ROLE_PARAMETER]: role, [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME });
    await deployHandler(event);
    expect(codepipeline).not.toHaveReceivedCommand(PutJobFailureResultCommand);
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { jobId: 'job-1', continuationToken: '{"phase":"starting"}' });

    codepipeline.resetHistory();
    await deployHandler(codePipelineEvent(JSON.parse(event['CodePipeline.job'].data.actionConfiguration.configuration.UserParameters), '{"phase":"starting"}'));
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(sagemaker).toHaveReceivedCommand(CreateEndpointCommand);
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { continuationToken: expect.stringContaining('awaiting-endpoint') });
  });

  test('a throttled read of the settings keeps the continuation token it was given', async () => {
    const token = JSON.stringify({ phase: 'awaiting-endpoint', release: 'churn-dev-r1' });
    ssm.on(GetParameterCommand, { Name: SETTINGS_PARAMETER_NAME }).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await deployHandler(codePipelineEvent({ environment: 'dev', executionId: 'exec-1', [HANDLER_ROLE_PARAMETER]: newRole(), [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }, token));
    expect(codepipeline).not.toHaveReceivedCommand(PutJobFailureResultCommand);
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { continuationToken: token });
  });

  test('a settings parameter that does not exist fails the job, naming it and the role', async () => {
    const role = newRole();
    ssm.on(GetParameterCommand, { Name: SETTINGS_PARAMETER_NAME }).rejects(awsError('ParameterNotFound', ''));
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: role, [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));
    expect(failureMessage()).toBe(`The deploy settings parameter ${SETTINGS_PARAMETER_NAME} (UserParameters.settingsParameter) does not exist in the account and region `
      + `of role ${role}: check that the pipeline's stack created it and that the action names it`);
  });

  test('settings that are not JSON fail the job, naming the parameter', async () => {
    ssm.on(GetParameterCommand, { Name: SETTINGS_PARAMETER_NAME }).resolves({ Parameter: { Type: 'String', Value: '{"pipelineName":' } });
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: newRole(), [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));
    expect(failureMessage()).toBe(`The deploy settings parameter ${SETTINGS_PARAMETER_NAME} (UserParameters.settingsParameter) is not valid JSON: it holds exactly what MLOPS_DEPLOY_SPEC would`);
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test.each([
    ['an account that is not 12 digits', 'arn:aws:iam::1234:role/x'],
    ['a user, not a role', 'arn:aws:iam::111122223333:user/x'],
    ['an STS session ARN', 'arn:aws:sts::111122223333:assumed-role/x/mlops'],
    ['not a string', 42],
    ['empty', ''],
  ])('a handlerRoleArn that is %s fails the job without calling STS', async (_, value) => {
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: value, [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));
    expect(failureMessage()).toBe(`UserParameters.handlerRoleArn is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>): ${JSON.stringify(value)}`);
    expect(sts.calls()).toHaveLength(0);
  });

  test.each([
    ['a hierarchy without its leading slash', 'mlops/churn'],
    ['a space', '/mlops/churn settings'],
    ['an empty segment', '/mlops//churn'],
    ['not a string', ['/mlops']],
  ])('a settingsParameter with %s fails the job before any SSM call', async (_, value) => {
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: newRole(), [SETTINGS_PARAMETER]: value }));
    expect(failureMessage()).toBe(`UserParameters.settingsParameter is not an SSM parameter name (letters, digits, _ . - and, for a path, a leading /): ${JSON.stringify(value)}`);
    expect(ssm.calls()).toHaveLength(0);
  });

  test('a settingsParameter without a handlerRoleArn is refused: the function\'s own role never reads a pipeline\'s settings', async () => {
    await deployHandler(deployEvent({ [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));
    expect(failureMessage()).toBe('UserParameters.settingsParameter is set without UserParameters.handlerRoleArn: the settings are read as the pipeline\'s role');
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe('share handler, shared', () => {
  const SHARE_PARAMETER = '/mlops/churn/share-settings';
  const SHARE_SETTINGS: ShareSettings = {
    pipelineName: 'churn-mlops',
    environments: { dev: { endpointName: 'churn-dev', parameterName: '/cfn/DevRelease', api: { restApiId: 'api123', restApiName: 'churn-dev-inference', stageName: 'v1' } } },
  };
  const CONFIG = 'churn-dev-r0123456789';
  const shareEvent = (extra: Record<string, unknown>) => codePipelineEvent({
    environment: 'dev', executionId: 'exec-1', endpointName: 'churn-dev', endpointConfigName: CONFIG, modelName: CONFIG, ...extra,
  });

  beforeEach(() => {
    ssm.on(GetParameterCommand, { Name: SHARE_PARAMETER }).resolves({ Parameter: { Type: 'String', Value: JSON.stringify(SHARE_SETTINGS) } });
    ssm.on(GetParameterCommand, { Name: '/cfn/DevRelease' }).resolves({ Parameter: { Value: '{"shared":false}' } });
    ssm.on(PutParameterCommand).resolves({ Version: 2 });
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: 'churn-dev', EndpointStatus: 'InService', EndpointConfigName: CONFIG });
    apigateway.on(UpdateStageCommand).resolves({});
  });

  test('shares as the job\'s role with the settings from SSM; the result goes out with the function\'s own credentials', async () => {
    const role = newRole();
    await shareHandler(shareEvent({ [HANDLER_ROLE_PARAMETER]: role, [SETTINGS_PARAMETER]: SHARE_PARAMETER }));

    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: role, RoleSessionName: 'mlops-share' });
    expect(await keyUsedBy(ssm.commandCalls(GetParameterCommand, { Name: SHARE_PARAMETER })[0])).toBe(keyOf(role));
    expect(await keyUsedBy(ssm.commandCalls(PutParameterCommand, { Name: '/cfn/DevRelease' })[0])).toBe(keyOf(role));
    expect(await keyUsedBy(apigateway.commandCalls(UpdateStageCommand)[0])).toBe(keyOf(role));
    const reported = codepipeline.commandCalls(PutJobSuccessResultCommand);
    expect(reported[0].args[0].input).toMatchObject({ outputVariables: { ReleaseParameter: '/cfn/DevRelease' } });
    expect(await keyUsedBy(reported[0])).toBe(OWN_KEY);
  });

  test('a missing share settings parameter fails the job naming the share handler\'s parameter', async () => {
    ssm.on(GetParameterCommand, { Name: SHARE_PARAMETER }).rejects(awsError('ParameterNotFound', ''));
    await shareHandler(shareEvent({ [HANDLER_ROLE_PARAMETER]: newRole(), [SETTINGS_PARAMETER]: SHARE_PARAMETER }));
    expect(failureMessage()).toMatch(/^The share settings parameter \/mlops\/churn\/share-settings \(UserParameters.settingsParameter\) does not exist/);
    expect(apigateway.calls()).toHaveLength(0);
  });

  test('without the parameters: settings from the environment, no STS call', async () => {
    process.env[SHARE_SETTINGS_VARIABLE] = JSON.stringify(SHARE_SETTINGS);
    await shareHandler(shareEvent({}));
    expect(sts.calls()).toHaveLength(0);
    expect(await keyUsedBy(apigateway.commandCalls(UpdateStageCommand)[0])).toBe(OWN_KEY);
    expect(codepipeline).toHaveReceivedCommand(PutJobSuccessResultCommand);
  });
});

describe('test handler, shared', () => {
  const testEvent = (extra: Record<string, unknown>) => codePipelineEvent({
    environment: 'dev', endpointName: 'churn-dev', endpointConfigName: 'churn-dev-rnew', previousConfig: 'none', requestsParameter: '/tests/dev', ...extra,
  });

  beforeEach(() => {
    ssm.on(GetParameterCommand, { Name: '/tests/dev' }).resolves({
      Parameter: { Value: JSON.stringify({ requests: [{ name: 'ping', body: '1,2', contentType: 'text/csv', status: 200 }] }) },
    });
    runtime.on(InvokeEndpointCommand).resolves({ Body: new TextEncoder().encode('0.9') as any, ContentType: 'text/csv' });
  });

  test('reads the suite and invokes the endpoint as the job\'s role', async () => {
    const role = newRole();
    await testHandler(testEvent({ [HANDLER_ROLE_PARAMETER]: role }));
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: role, RoleSessionName: 'mlops-test' });
    expect(await keyUsedBy(ssm.commandCalls(GetParameterCommand, { Name: '/tests/dev' })[0])).toBe(keyOf(role));
    expect(await keyUsedBy(runtime.commandCalls(InvokeEndpointCommand)[0])).toBe(keyOf(role));
    expect(await keyUsedBy(codepipeline.commandCalls(PutJobSuccessResultCommand)[0])).toBe(OWN_KEY);
  });

  test('a refused AssumeRole names the test handler and the role; nothing is invoked', async () => {
    const role = newRole();
    sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 'not authorized', 403));
    await testHandler(testEvent({ [HANDLER_ROLE_PARAMETER]: role }));
    expect(failureMessage()).toMatch(new RegExp(`^The test handler could not assume the pipeline's role ${role} \\(UserParameters.handlerRoleArn\\): AccessDenied: not authorized`));
    expect(runtime.calls()).toHaveLength(0);
  });
});

describe('release clean-up, shared', () => {
  function deleteRequest(role: unknown) {
    const request = cfnEvent('Delete', [DEV]);
    return { ...request, ResourceProperties: { ...request.ResourceProperties, HandlerRoleArn: role } } as typeof request;
  }
  const poll = (request: ReturnType<typeof deleteRequest>) => cleanupHandler(isCompleteEvent(request, onEvent(request)));

  beforeEach(() => {
    autoscaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
    sagemaker.on(ListEndpointConfigsCommand).resolves({ EndpointConfigs: [] });
    sagemaker.on(ListModelsCommand).resolves({ Models: [] });
  });

  test('tears the environment down as HandlerRoleArn', async () => {
    const role = newRole();
    sagemaker.on(DescribeEndpointCommand).resolvesOnce({ EndpointName: 'churn-dev', EndpointStatus: 'InService' })
      .rejects(awsError('ValidationException', 'Could not find endpoint "churn-dev".'));
    sagemaker.on(DeleteEndpointCommand).resolves({});
    expect(await poll(deleteRequest(role))).toEqual({ IsComplete: false });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: role, RoleSessionName: 'mlops-cleanup' });
    expect(await keyUsedBy(sagemaker.commandCalls(DeleteEndpointCommand)[0])).toBe(keyOf(role));
    expect(await poll(deleteRequest(role))).toEqual({ IsComplete: true });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  test('without HandlerRoleArn: no STS call', async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(awsError('ValidationException', 'Could not find endpoint "churn-dev".'));
    expect(await poll(deleteRequest(undefined))).toEqual({ IsComplete: true });
    expect(sts.calls()).toHaveLength(0);
    expect(await keyUsedBy(sagemaker.commandCalls(DescribeEndpointCommand)[0])).toBe(OWN_KEY);
  });

  test('a refused AssumeRole fails the deletion naming the role and HandlerRoleArn', async () => {
    const role = newRole();
    sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 'not authorized', 403));
    await expect(poll(deleteRequest(role))).rejects.toThrow(`The cleanup handler could not assume the pipeline's role ${role} (HandlerRoleArn): AccessDenied: not authorized`);
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('a throttled AssumeRole is another poll, not a failure', async () => {
    sts.on(AssumeRoleCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    expect(await poll(deleteRequest(newRole()))).toEqual({ IsComplete: false });
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('a malformed HandlerRoleArn is refused at Create, and at deletion', async () => {
    const create = cfnEvent('Create', [DEV]);
    const bad = { ...create, ResourceProperties: { ...create.ResourceProperties, HandlerRoleArn: 'churn-cleanup' } } as typeof create;
    expect(() => onEvent(bad)).toThrow('HandlerRoleArn is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>): "churn-cleanup"');
    await expect(poll(deleteRequest('churn-cleanup'))).rejects.toThrow(/HandlerRoleArn is not an IAM role ARN/);
    expect(sts.calls()).toHaveLength(0);
  });

  test('Create and Update make no STS call', async () => {
    const create = cfnEvent('Create', [DEV]);
    const request = { ...create, ResourceProperties: { ...create.ResourceProperties, HandlerRoleArn: newRole() } } as typeof create;
    const answer = await cleanupHandler(request) as OnEventResponse;
    expect(await cleanupHandler(isCompleteEvent(request, answer))).toEqual({ IsComplete: true });
    expect(sts.calls()).toHaveLength(0);
  });
});

describe('HandlerIdentities', () => {
  const job = (userParameters: Record<string, unknown>): CodePipelineJob => ({ id: 'job-1', userParameters });

  test('renews a role\'s credentials shortly before they expire', async () => {
    const role = newRole();
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'short', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 4 * 60_000) } });
    const identities = new HandlerIdentities({ region: 'us-east-1' }, 'deploy');
    await identities.forRole(role, 'x');
    await identities.forRole(role, 'x');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  test('keeps the most recently used roles only', async () => {
    const [a, b, c] = [newRole(), newRole(), newRole()];
    const identities = new HandlerIdentities({ region: 'us-east-1' }, 'deploy', 2);
    for (const role of [a, b, a, c, a, b]) {
      await identities.forRole(role, 'x');
    }
    // a, b, then c evicts b (a was used since), and b comes back.
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([a, b, c, b]);
  });

  test('the same clients are handed out for a role on every call', async () => {
    const role = newRole();
    const identities = new HandlerIdentities({ region: 'us-east-1' }, 'deploy');
    const first = await identities.forJob(job({ [HANDLER_ROLE_PARAMETER]: role }));
    expect(await identities.forJob(job({ [HANDLER_ROLE_PARAMETER]: role }))).toBe(first);
    expect(first).not.toBe(identities.own);
    expect(await identities.forJob(job({}))).toBe(identities.own);
  });

  test('role ARNs in other partitions and with a path are accepted', () => {
    for (const arn of ['arn:aws-cn:iam::111122223333:role/x', 'arn:aws-us-gov:iam::111122223333:role/service-role/team/x@y']) {
      expect(readHandlerRole(job({ [HANDLER_ROLE_PARAMETER]: arn }))).toBe(arn);
    }
  });

  test('parameter names: plain, a path, SSM\'s length and depth limits', () => {
    expect(readSettingsParameter(job({ [SETTINGS_PARAMETER]: 'CFN-DeploySettings-AbC123' }))).toBe('CFN-DeploySettings-AbC123');
    expect(readSettingsParameter(job({ [SETTINGS_PARAMETER]: '/a/b.c/d_e-f' }))).toBe('/a/b.c/d_e-f');
    expect(() => readSettingsParameter(job({ [SETTINGS_PARAMETER]: '/x'.repeat(16) }))).toThrow(/longer than SSM allows/);
    expect(() => readSettingsParameter(job({ [SETTINGS_PARAMETER]: `/${'x'.repeat(1011)}` }))).toThrow(/longer than SSM allows/);
    expect(readSettingsParameter(job({}))).toBeUndefined();
  });
});

describe('readActionSettings', () => {
  const role = 'arn:aws:iam::111122223333:role/churn-deploy';
  const job: CodePipelineJob = { id: 'job-1', userParameters: { [HANDLER_ROLE_PARAMETER]: role, [SETTINGS_PARAMETER]: '/s' } };
  const clients = new HandlerIdentities({ region: 'us-east-1' }, 'deploy').own;
  const read = () => readActionSettings(job, clients, DEPLOY_SPEC_VARIABLE, 'deploy', {});

  test('a SecureString is refused: the settings are a String parameter', async () => {
    ssm.on(GetParameterCommand, { Name: '/s' }).resolves({ Parameter: { Type: 'SecureString', Value: 'AQICAH...' } });
    await expect(read()).rejects.toThrow('The deploy settings parameter /s (UserParameters.settingsParameter) is a SecureString; the settings are a String parameter');
  });

  test('JSON that is not an object is refused', async () => {
    ssm.on(GetParameterCommand, { Name: '/s' }).resolves({ Parameter: { Type: 'String', Value: '[1]' } });
    await expect(read()).rejects.toThrow(/is not a JSON object: it holds exactly what MLOPS_DEPLOY_SPEC would/);
  });

  test('a read the role may not make names the role and the permission to check', async () => {
    ssm.on(GetParameterCommand, { Name: '/s' }).rejects(awsError('AccessDeniedException', 'not authorized to perform: ssm:GetParameter', 400));
    const err = await read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobConfigurationError);
    expect((err as Error).message).toBe(`The deploy settings parameter /s (UserParameters.settingsParameter) could not be read as role ${role}: `
      + 'AccessDeniedException: not authorized to perform: ssm:GetParameter. Check that the role may call ssm:GetParameter on it');
  });

  test('a transient error is thrown as it is, for the handler to ask to be called again', async () => {
    ssm.on(GetParameterCommand, { Name: '/s' }).rejects(awsError('InternalServerError', 'oops', 500));
    await expect(read()).rejects.toMatchObject({ name: 'InternalServerError' });
  });

  test('without a settings parameter, the environment variable', async () => {
    const settings = await readActionSettings<DeploySettings>({ id: 'j', userParameters: {} }, clients, DEPLOY_SPEC_VARIABLE, 'deploy', {
      [DEPLOY_SPEC_VARIABLE]: JSON.stringify(DEPLOY_SETTINGS),
    });
    expect(settings).toEqual(DEPLOY_SETTINGS);
    await expect(readActionSettings({ id: 'j', userParameters: {} }, clients, DEPLOY_SPEC_VARIABLE, 'deploy', {})).rejects.toThrow(/no MLOPS_DEPLOY_SPEC environment variable/);
    expect(ssm.calls()).toHaveLength(0);
  });
});
