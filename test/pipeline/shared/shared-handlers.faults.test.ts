import 'aws-sdk-client-mock-jest';
import { APIGatewayClient, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { CodePipelineClient, GetJobDetailsCommand, PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
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
import { AssumeRoleCommand, AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import { DEPLOY_SPEC_VARIABLE, DeploySettings } from '../../../src/contract/deploy-settings';
import { SHARE_SETTINGS_VARIABLE, ShareSettings } from '../../../src/contract/share-settings';
import { HANDLER_ROLE_PARAMETER, SETTINGS_PARAMETER } from '../../../src/contract/shared-handler-settings';
import { CodePipelineJob, JobConfigurationError } from '../../../src/runtime/codepipeline-job';
import {
  HandlerIdentities,
  readActionSettings,
  readHandlerRole,
  readSettingsParameter,
  SessionTag,
  stackSessionTag,
  taggedRoleCredentials,
} from '../../../src/runtime/handler-identity';
import { handler as cleanupHandler, onEvent, OnEventResponse } from '../../../src/runtime/handlers/cleanup.lambda';
import { handler as deployHandler } from '../../../src/runtime/handlers/deploy.lambda';
import { handler as testHandler } from '../../../src/runtime/handlers/integration-test.lambda';
import { handler as shareHandler } from '../../../src/runtime/handlers/share.lambda';
import { JobIdentities } from '../../../src/runtime/job-identities';
import { awsError } from '../../fixtures/aws-error';
import { mockedClients } from '../../harness/mocked-clients';
import { cfnEvent, DEV, isCompleteEvent } from '../cleanup/cleanup-fixtures';
import { codePipelineEvent, deploySpec, envSpec, RELEASE_BUCKET } from '../deploy/deploy-fixtures';
import { scriptFirstRelease } from '../deploy/first-release-world';

/**
 * Shared handlers (one function, many pipelines) with every AWS answer
 * scripted: which credentials each call was made with, which pipeline or
 * stack each session is tagged with and where that came from, what a
 * refused or throttled GetJobDetails, AssumeRole or settings read turns
 * into, and that a job without the shared-handler parameters makes no STS
 * or GetJobDetails call at all.
 */
const { sts, ssm, codepipeline, sagemaker, s3, autoscaling, apigateway, runtime } = mockedClients({
  sts: STSClient,
  ssm: SSMClient,
  codepipeline: CodePipelineClient,
  sagemaker: SageMakerClient,
  s3: S3Client,
  autoscaling: ApplicationAutoScalingClient,
  apigateway: APIGatewayClient,
  runtime: SageMakerRuntimeClient,
});

/** The function's own credentials: what jest's global setup puts in the environment. */
const OWN_KEY = 'testing';
const SETTINGS_PARAMETER_NAME = '/mlops/churn/deploy-settings';
/** The pipeline CodePipeline says job-1 belongs to, unless a test says otherwise. */
const PIPELINE = 'churn-mlops';
const PIPELINE_TAG = [{ Key: 'mlops:pipeline', Value: PIPELINE }];
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

/** The access key the client that made a mocked call signs with. */
async function keyUsedBy(call: { thisValue: unknown }): Promise<string> {
  const client = call.thisValue as { config: { credentials: () => Promise<{ accessKeyId: string }> } };
  return (await client.config.credentials()).accessKeyId;
}

function deployEvent(userParameters: Record<string, unknown> = {}) {
  return codePipelineEvent({ environment: 'dev', executionId: 'exec-1', artifactVersion: 'v1', ...userParameters });
}

/** What GetJobDetails answers for a Lambda invoke job of `pipelineName`. */
function jobDetails(jobId: string, pipelineName: string) {
  return {
    jobDetails: {
      id: jobId,
      accountId: '123456789012',
      data: {
        actionTypeId: { category: 'Invoke' as const, owner: 'AWS' as const, provider: 'Lambda', version: '1' },
        pipelineContext: { pipelineName, stage: { name: 'Deploy-dev' }, action: { name: 'Deploy' } },
      },
    },
  };
}

/**
 * STS as the pipeline roles' trust policies make it answer: each role admits
 * a session only when it carries the role's own pipeline (or stack) tag, as
 * `aws:RequestTag/<key>` StringEquals does. Moto ignores trust policies, so
 * this is where a mismatched tag is refused.
 */
function enforceTrust(owners: Record<string, SessionTag>): void {
  sts.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => {
    const owner = owners[input.RoleArn!];
    const sent = input.Tags?.find((tag) => tag.Key === owner?.key)?.Value;
    if (owner === undefined || sent !== owner.value) {
      return Promise.reject(awsError('AccessDenied',
        `User: arn:aws:sts::123456789012:assumed-role/mlops-shared/x is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`, 403));
    }
    return Promise.resolve({
      Credentials: { AccessKeyId: keyOf(input.RoleArn!), SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 3600_000) },
    });
  });
}

function failureMessage(): string {
  const calls = codepipeline.commandCalls(PutJobFailureResultCommand);
  expect(calls).toHaveLength(1);
  return calls[0].args[0].input.failureDetails!.message!;
}

beforeEach(() => {
  sts.on(AssumeRoleCommand).callsFake((input) => Promise.resolve({
    Credentials: { AccessKeyId: keyOf(input.RoleArn), SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 3600_000) },
  }));
  ssm.on(GetParameterCommand, { Name: SETTINGS_PARAMETER_NAME }).resolves({ Parameter: { Type: 'String', Value: JSON.stringify(DEPLOY_SETTINGS) } });
  ssm.on(GetParameterCommand, { Name: '/spec/dev' }).resolves({ Parameter: { Type: 'String', Value: JSON.stringify(envSpec()) } });
  codepipeline.on(GetJobDetailsCommand).callsFake((input) => Promise.resolve(jobDetails(input.jobId, PIPELINE)));
  codepipeline.on(PutJobSuccessResultCommand).resolves({});
  codepipeline.on(PutJobFailureResultCommand).resolves({});
  scriptFirstRelease(s3, sagemaker);
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
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: role, RoleSessionName: 'mlops-deploy', DurationSeconds: 900, Tags: PIPELINE_TAG });
    // The pipeline in the tag is CodePipeline's answer for this job, asked with the function's own credentials.
    const details = codepipeline.commandCalls(GetJobDetailsCommand);
    expect(details.map((c) => c.args[0].input)).toEqual([{ jobId: 'job-1' }]);
    expect(await keyUsedBy(details[0])).toBe(OWN_KEY);
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
    // A pipeline's own handler has no role to bind to a pipeline: nothing to ask CodePipeline.
    expect(codepipeline).not.toHaveReceivedCommand(GetJobDetailsCommand);
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

  test('a job of another pipeline that names this pipeline\'s role is tagged with its own pipeline, so the role refuses it', async () => {
    const churnRole = newRole();
    const fraudRole = newRole();
    enforceTrust({ [churnRole]: { key: 'mlops:pipeline', value: 'churn-mlops' }, [fraudRole]: { key: 'mlops:pipeline', value: 'fraud-mlops' } });
    // The job is fraud-mlops's (CodePipeline says so); its user parameters name churn's role and settings.
    codepipeline.on(GetJobDetailsCommand).resolves(jobDetails('job-1', 'fraud-mlops'));
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: churnRole, [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));

    expect(sts.commandCalls(AssumeRoleCommand).map((c) => [c.args[0].input.RoleArn, c.args[0].input.Tags])).toEqual([
      [churnRole, [{ Key: 'mlops:pipeline', Value: 'fraud-mlops' }]],
    ]);
    expect(failureMessage()).toMatch(new RegExp(`^The deploy handler could not assume the pipeline's role ${churnRole} \\(UserParameters.handlerRoleArn\\) with session tag mlops:pipeline=fraud-mlops: AccessDenied`));
    // Nothing was read or changed as churn's role.
    expect(ssm.calls()).toHaveLength(0);
    expect(sagemaker.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);

    // The same function still serves fraud-mlops with fraud's role, and churn-mlops with churn's.
    codepipeline.resetHistory();
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: fraudRole, [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));
    codepipeline.on(GetJobDetailsCommand).resolves(jobDetails('job-1', 'churn-mlops'));
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: churnRole, [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));
    expect(codepipeline).not.toHaveReceivedCommand(PutJobFailureResultCommand);
    expect(codepipeline).toHaveReceivedCommandTimes(PutJobSuccessResultCommand, 2);
  });

  test('a role assumed for one pipeline is not reused for a job of another: credentials are kept per role and tag', async () => {
    const role = newRole();
    const run = async (pipeline: string) => {
      codepipeline.on(GetJobDetailsCommand).resolves(jobDetails('job-1', pipeline));
      await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: role, [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));
    };
    await run('churn-mlops');
    await run('churn-mlops');
    await run('fraud-mlops');
    await run('churn-mlops');
    // Assumed once per (role, tag); GetJobDetails asked on every call, so a cached session never answers for another pipeline's job.
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.Tags![0].Value)).toEqual(['churn-mlops', 'fraud-mlops']);
    expect(codepipeline).toHaveReceivedCommandTimes(GetJobDetailsCommand, 4);
  });

  test.each([
    ['throttled', awsError('ThrottlingException', 'Rate exceeded')],
    ['a 503', awsError('ServiceUnavailableException', 'try later', 503)],
  ])('a GetJobDetails that is %s is "call me again", before any STS call', async (_, error) => {
    codepipeline.on(GetJobDetailsCommand).rejects(error);
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: newRole(), [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));
    expect(codepipeline).not.toHaveReceivedCommand(PutJobFailureResultCommand);
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { jobId: 'job-1', continuationToken: '{"phase":"starting"}' });
    expect(sts.calls()).toHaveLength(0);
  });

  test('a throttled GetJobDetails mid-release keeps the continuation token it was given', async () => {
    const token = JSON.stringify({ phase: 'awaiting-endpoint', release: 'churn-dev-r1' });
    codepipeline.on(GetJobDetailsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await deployHandler(codePipelineEvent({ environment: 'dev', executionId: 'exec-1', [HANDLER_ROLE_PARAMETER]: newRole(), [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }, token));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { continuationToken: token });
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test.each([
    [
      'JobNotFoundException',
      awsError('JobNotFoundException', 'The job was not found.'),
      'The deploy handler found no CodePipeline job job-1 to learn its pipeline from (JobNotFoundException: The job was not found.). '
        + 'A shared handler acts only for jobs CodePipeline ran in its own account and region',
    ],
    [
      'AccessDeniedException',
      awsError('AccessDeniedException', 'not authorized to perform: codepipeline:GetJobDetails'),
      'The deploy handler may not read CodePipeline job job-1 to learn its pipeline (AccessDeniedException: not authorized to perform: codepipeline:GetJobDetails). '
        + 'Check that the function\'s execution role may call codepipeline:GetJobDetails',
    ],
    [
      'ValidationException',
      awsError('ValidationException', 'jobId failed to satisfy constraint'),
      'The deploy handler could not read CodePipeline job job-1 to learn its pipeline: ValidationException: jobId failed to satisfy constraint',
    ],
  ])('GetJobDetails failing with %s fails the job, saying why, and assumes nothing', async (_, error, message) => {
    codepipeline.on(GetJobDetailsCommand).rejects(error);
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: newRole(), [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));
    expect(failureMessage()).toBe(message);
    expect(sts.calls()).toHaveLength(0);
    expect(ssm.calls()).toHaveLength(0);
  });

  test('job details that name no pipeline fail the job: there is nothing to bind the session to', async () => {
    codepipeline.on(GetJobDetailsCommand).resolves({ jobDetails: { id: 'job-1', data: {} } });
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: newRole(), [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));
    expect(failureMessage()).toBe('CodePipeline\'s details of job job-1 name no pipeline (jobDetails.data.pipelineContext.pipelineName)');
    expect(sts.calls()).toHaveLength(0);
  });

  test('AssumeRole refused: the job fails naming the role, the parameter and what to check, and nothing else is called', async () => {
    const role = newRole();
    sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied', `User: arn:aws:sts::123456789012:assumed-role/mlops-deploy-fn/x is not authorized to perform: sts:AssumeRole on resource: ${role}`, 403));
    await deployHandler(deployEvent({ [HANDLER_ROLE_PARAMETER]: role, [SETTINGS_PARAMETER]: SETTINGS_PARAMETER_NAME }));

    const message = failureMessage();
    expect(message).toContain(`The deploy handler could not assume the pipeline's role ${role} (UserParameters.handlerRoleArn) with session tag mlops:pipeline=${PIPELINE}: AccessDenied: User:`);
    expect(message).toMatch(/belongs to that pipeline \(its trust policy lets this function's execution role call sts:AssumeRole and sts:TagSession only when aws:RequestTag\/mlops:pipeline is the pipeline's\)/);
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

    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: role, RoleSessionName: 'mlops-share', Tags: PIPELINE_TAG });
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
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: 'churn-dev', EndpointStatus: 'InService', EndpointConfigName: 'churn-dev-rnew' });
  });

  test('reads the suite and invokes the endpoint as the job\'s role', async () => {
    const role = newRole();
    await testHandler(testEvent({ [HANDLER_ROLE_PARAMETER]: role }));
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: role, RoleSessionName: 'mlops-test', Tags: PIPELINE_TAG });
    expect(await keyUsedBy(ssm.commandCalls(GetParameterCommand, { Name: '/tests/dev' })[0])).toBe(keyOf(role));
    expect(await keyUsedBy(runtime.commandCalls(InvokeEndpointCommand)[0])).toBe(keyOf(role));
    expect(await keyUsedBy(sagemaker.commandCalls(DescribeEndpointCommand)[0])).toBe(keyOf(role));
    expect(await keyUsedBy(codepipeline.commandCalls(PutJobSuccessResultCommand)[0])).toBe(OWN_KEY);
  });

  test('a refused AssumeRole names the test handler and the role; nothing is invoked', async () => {
    const role = newRole();
    sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 'not authorized', 403));
    await testHandler(testEvent({ [HANDLER_ROLE_PARAMETER]: role }));
    expect(failureMessage()).toMatch(new RegExp(`^The test handler could not assume the pipeline's role ${role} \\(UserParameters.handlerRoleArn\\) with session tag mlops:pipeline=${PIPELINE}: AccessDenied: not authorized`));
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
    // The stack is the one in CloudFormation's StackId (arn:...:stack/churn/<id>); no CodePipeline call.
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: role, RoleSessionName: 'mlops-cleanup', Tags: [{ Key: 'mlops:stack', Value: 'churn' }] });
    expect(codepipeline.calls()).toHaveLength(0);
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
    await expect(poll(deleteRequest(role))).rejects.toThrow(`The cleanup handler could not assume the pipeline's role ${role} (HandlerRoleArn) with session tag mlops:stack=churn: AccessDenied: not authorized`);
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('a deletion of another stack naming this stack\'s role is tagged with its own stack, so the role refuses it', async () => {
    const churnRole = newRole();
    enforceTrust({ [churnRole]: { key: 'mlops:stack', value: 'churn' } });
    const request = deleteRequest(churnRole);
    const fraud = { ...request, StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/fraud/99999999-2222-3333-4444-555555555555' } as typeof request;
    await expect(poll(fraud)).rejects.toThrow(`could not assume the pipeline's role ${churnRole} (HandlerRoleArn) with session tag mlops:stack=fraud: AccessDenied`);
    expect(sagemaker.calls()).toHaveLength(0);

    // Its own stack's deletion goes ahead.
    sagemaker.on(DescribeEndpointCommand).rejects(awsError('ValidationException', 'Could not find endpoint "churn-dev".'));
    expect(await poll(request)).toEqual({ IsComplete: true });
  });

  test.each([
    ['not a stack ARN', 'churn'],
    ['missing', undefined],
    ['a stack name CloudFormation would refuse', 'arn:aws:cloudformation:us-east-1:123456789012:stack/1churn/11111111-2222-3333-4444-555555555555'],
  ])('a StackId that is %s fails the deletion without calling STS', async (_, stackId) => {
    const request = { ...deleteRequest(newRole()), StackId: stackId } as ReturnType<typeof deleteRequest>;
    await expect(poll(request)).rejects.toThrow(`StackId is not a CloudFormation stack ARN (arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>): ${JSON.stringify(stackId)}`);
    expect(sts.calls()).toHaveLength(0);
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
  const TAG: SessionTag = { key: 'mlops:pipeline', value: PIPELINE };

  test('renews a role\'s credentials shortly before they expire', async () => {
    const role = newRole();
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'short', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 4 * 60_000) } });
    const identities = new HandlerIdentities({ region: 'us-east-1' }, 'deploy');
    await identities.forRole(role, TAG, 'x');
    await identities.forRole(role, TAG, 'x');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  test('keeps the most recently used roles only', async () => {
    const [a, b, c] = [newRole(), newRole(), newRole()];
    const identities = new HandlerIdentities({ region: 'us-east-1' }, 'deploy', 2);
    for (const role of [a, b, a, c, a, b]) {
      await identities.forRole(role, TAG, 'x');
    }
    // a, b, then c evicts b (a was used since), and b comes back.
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([a, b, c, b]);
  });

  test('the same role with another tag is another session, with clients of its own', async () => {
    const role = newRole();
    const identities = new HandlerIdentities({ region: 'us-east-1' }, 'deploy');
    const churn = await identities.forRole(role, TAG, 'x');
    const fraud = await identities.forRole(role, { key: 'mlops:pipeline', value: 'fraud-mlops' }, 'x');
    const asStack = await identities.forRole(role, { key: 'mlops:stack', value: PIPELINE }, 'x');
    expect(await identities.forRole(role, TAG, 'x')).toBe(churn);
    expect(new Set([churn, fraud, asStack]).size).toBe(3);
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.Tags)).toEqual([
      [{ Key: 'mlops:pipeline', Value: PIPELINE }],
      [{ Key: 'mlops:pipeline', Value: 'fraud-mlops' }],
      // Same value, other key: a stack's session never passes for a pipeline's.
      [{ Key: 'mlops:stack', Value: PIPELINE }],
    ]);
  });

  test.each([
    ['a value longer than 256 characters', { key: 'mlops:pipeline', value: 'p'.repeat(257) }, /has a value STS refuses \(at most 256/],
    ['a value with a character STS refuses', { key: 'mlops:pipeline', value: 'churn#1' }, /has a value STS refuses/],
    ['an empty key', { key: '', value: 'churn' }, /Session tag key "" is not one STS accepts \(1-128/],
    ['a key longer than 128 characters', { key: 'k'.repeat(129), value: 'churn' }, /is not one STS accepts/],
  ])('a tag with %s is refused before any STS call', async (_, tag, message) => {
    const identities = new HandlerIdentities({ region: 'us-east-1' }, 'deploy');
    await expect(identities.forRole(newRole(), tag, 'x')).rejects.toThrow(message);
    expect(sts.calls()).toHaveLength(0);
  });

  test('the longest tag STS accepts is sent as it is', async () => {
    const identities = new HandlerIdentities({ region: 'us-east-1' }, 'deploy');
    const tag = { key: `mlops:${'k'.repeat(122)}`, value: `${'v'.repeat(250)} @=+:/` };
    await identities.forRole(newRole(), tag, 'x');
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { Tags: [{ Key: tag.key, Value: tag.value }] });
  });

  test('the same clients are handed out for a role on every call', async () => {
    const role = newRole();
    const identities = new JobIdentities({ region: 'us-east-1' }, 'deploy');
    const first = await identities.forJob(job({ [HANDLER_ROLE_PARAMETER]: role }));
    expect(await identities.forJob(job({ [HANDLER_ROLE_PARAMETER]: role }))).toBe(first);
    expect(first).not.toBe(identities.own);
    expect(await identities.forJob(job({}))).toBe(identities.own);
  });

  test('a job\'s pipeline is what CodePipeline says, whatever the job\'s user parameters claim', async () => {
    codepipeline.on(GetJobDetailsCommand, { jobId: 'job-7' }).resolves(jobDetails('job-7', 'fraud-mlops'));
    const identities = new JobIdentities({ region: 'us-east-1' }, 'deploy');
    expect(await identities.pipelineOf({ id: 'job-7', userParameters: { pipelineName: 'churn-mlops' } })).toBe('fraud-mlops');
  });

  test('taggedRoleCredentials renews shortly before expiry, with the same tag each time', async () => {
    const role = newRole();
    let now = 0;
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'k', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(15 * 60_000) } });
    const credentials = taggedRoleCredentials(new STSClient({ region: 'us-east-1' }), role, 'mlops-deploy', TAG, () => now);
    await credentials();
    now = 9 * 60_000; // 6 minutes left: still used
    await credentials();
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    now = 11 * 60_000; // 4 minutes left: renewed
    await credentials();
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([1, 2].map(() => ({
      RoleArn: role, RoleSessionName: 'mlops-deploy', DurationSeconds: 900, Tags: [{ Key: 'mlops:pipeline', Value: PIPELINE }],
    })));
  });

  test('stackSessionTag: the stack name out of a StackId in any partition', () => {
    const fail = (message: string) => new Error(message);
    expect(stackSessionTag('arn:aws-cn:cloudformation:cn-north-1:111122223333:stack/mlops-churn/abc-123', fail)).toEqual({ key: 'mlops:stack', value: 'mlops-churn' });
    expect(stackSessionTag(`arn:aws:cloudformation:us-east-1:111122223333:stack/${'a'.repeat(128)}/id`, fail).value).toHaveLength(128);
    expect(() => stackSessionTag(`arn:aws:cloudformation:us-east-1:111122223333:stack/${'a'.repeat(129)}/id`, fail)).toThrow(/StackId is not a CloudFormation stack ARN/);
    expect(() => stackSessionTag('arn:aws:cloudformation:us-east-1:111122223333:changeSet/x/id', fail)).toThrow(/StackId is not a CloudFormation stack ARN/);
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
