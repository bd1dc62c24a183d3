import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  ListStacksCommand,
  Stack,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateDataQualityJobDefinitionCommand,
  CreateDataQualityJobDefinitionCommandInput,
  CreateModelQualityJobDefinitionCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTrainingJobCommand,
  CreateMonitoringScheduleCommand,
  DeleteMonitoringScheduleCommand,
  DescribeMonitoringScheduleCommand,
  ListMonitoringSchedulesCommand,
  UpdateMonitoringScheduleCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeEndpointOutput,
  DescribeTrainingJobCommand,
  ListEndpointsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  failNextEndpointChange,
  MotoServer,
  resetMoto,
  setDescribesUntilReady,
  startMotoServer,
} from './moto-server';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const arn = (kind: string, name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${kind}/${name}`;

// Test files share one moto server: every name is unique to this run.
const runId = Date.now().toString(36);
let counter = 0;
const uniqueName = (label: string) => `h-${label}-${runId}-${++counter}`;

function sageMaker(endpoint: string): SageMakerClient {
  return new SageMakerClient({ endpoint, region: REGION, maxAttempts: 1 });
}

/** A model and an endpoint config serving it with `instances` instances. */
async function createConfig(sm: SageMakerClient, label: string, instances = 1): Promise<string> {
  const modelName = uniqueName(`${label}-model`);
  await sm.send(new CreateModelCommand({
    ModelName: modelName,
    ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/sagemaker`,
    PrimaryContainer: { Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1' },
  }));
  const configName = uniqueName(`${label}-config`);
  await sm.send(new CreateEndpointConfigCommand({
    EndpointConfigName: configName,
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: modelName, InstanceType: 'ml.m5.large', InitialInstanceCount: instances }],
  }));
  return configName;
}

async function createEndpoint(sm: SageMakerClient, label: string): Promise<{ endpointName: string; configName: string }> {
  const configName = await createConfig(sm, label);
  const endpointName = uniqueName(label);
  await sm.send(new CreateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: configName }));
  return { endpointName, configName };
}

const describe1 = (sm: SageMakerClient, name: string): Promise<DescribeEndpointOutput> =>
  sm.send(new DescribeEndpointCommand({ EndpointName: name }));

async function inService(sm: SageMakerClient, label: string): Promise<{ endpointName: string; configName: string }> {
  const created = await createEndpoint(sm, label);
  expect((await describe1(sm, created.endpointName)).EndpointStatus).toBe('Creating');
  expect((await describe1(sm, created.endpointName)).EndpointStatus).toBe('InService');
  return created;
}

describe('shared moto server from global setup', () => {
  const endpoint = process.env.MOTO_ENDPOINT!;
  const sm = sageMaker(endpoint);
  afterAll(() => sm.destroy());

  test('MOTO_ENDPOINT is a loopback URL and the run has fake credentials', () => {
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.AWS_ACCESS_KEY_ID).toBe('testing');
    expect(process.env.AWS_REGION).toBe(REGION);
    expect(process.env.AWS_ENDPOINT_URL).toBeUndefined();
  });

  test('CreateEndpoint reports Creating on the first describe, then InService', async () => {
    const { endpointName, configName } = await createEndpoint(sm, 'create');
    const first = await describe1(sm, endpointName);
    expect(first).toMatchObject({ EndpointStatus: 'Creating', EndpointConfigName: configName, EndpointArn: arn('endpoint', endpointName) });
    const second = await describe1(sm, endpointName);
    expect(second).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: configName });
    expect(second.FailureReason).toBeUndefined();
  });

  test('UpdateEndpoint reports Updating on the serving config, then InService on the new config and its variants', async () => {
    const { endpointName, configName } = await inService(sm, 'update');
    const newConfig = await createConfig(sm, 'update-v2', 3);
    const updated = await sm.send(new UpdateEndpointCommand({
      EndpointName: endpointName,
      EndpointConfigName: newConfig,
      DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 } } },
    }));
    expect(updated.EndpointArn).toBe(arn('endpoint', endpointName));

    const during = await describe1(sm, endpointName);
    expect(during).toMatchObject({
      EndpointStatus: 'Updating',
      EndpointConfigName: configName,
      PendingDeploymentSummary: { EndpointConfigName: newConfig },
    });
    const after = await describe1(sm, endpointName);
    expect(after).toMatchObject({
      EndpointStatus: 'InService',
      EndpointConfigName: newConfig,
      ProductionVariants: [expect.objectContaining({ VariantName: 'AllTraffic', CurrentInstanceCount: 3 })],
      LastDeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE' } } },
    });
    expect(after.PendingDeploymentSummary).toBeUndefined();
  });

  test('UpdateEndpoint and DeleteEndpoint are refused while the endpoint is Creating', async () => {
    const { endpointName, configName } = await createEndpoint(sm, 'busy');
    const message = `Cannot update in-progress endpoint "${arn('endpoint', endpointName)}".`;
    await expect(sm.send(new UpdateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: configName })))
      .rejects.toMatchObject({ name: 'ValidationException', message });
    await expect(sm.send(new DeleteEndpointCommand({ EndpointName: endpointName })))
      .rejects.toMatchObject({ name: 'ValidationException', message });
  });

  test('UpdateEndpoint names the missing endpoint or endpoint configuration by ARN', async () => {
    const { endpointName } = await inService(sm, 'missing');
    await expect(sm.send(new UpdateEndpointCommand({ EndpointName: 'h-no-such-endpoint', EndpointConfigName: 'x' })))
      .rejects.toMatchObject({ name: 'ValidationException', message: `Could not find endpoint "${arn('endpoint', 'h-no-such-endpoint')}".` });
    await expect(sm.send(new UpdateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: 'h-no-such-config' })))
      .rejects.toMatchObject({ message: `Could not find endpoint configuration "${arn('endpoint-config', 'h-no-such-config')}".` });
  });

  test('an injected create failure leaves the endpoint Failed with the reason, and it cannot be updated', async () => {
    const configName = await createConfig(sm, 'create-fails');
    const endpointName = uniqueName('create-fails');
    await failNextEndpointChange(endpoint, endpointName, 'The primary container for production variant AllTraffic did not pass the ping health check.');
    await sm.send(new CreateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: configName }));
    expect((await describe1(sm, endpointName)).EndpointStatus).toBe('Creating');
    expect(await describe1(sm, endpointName)).toMatchObject({
      EndpointStatus: 'Failed',
      FailureReason: 'The primary container for production variant AllTraffic did not pass the ping health check.',
    });
    await expect(sm.send(new UpdateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: configName })))
      .rejects.toMatchObject({ message: `Cannot update failed endpoint "${arn('endpoint', endpointName)}".` });
    // A Failed endpoint can be deleted, as in SageMaker.
    await sm.send(new DeleteEndpointCommand({ EndpointName: endpointName }));
  });

  test('an injected update failure rolls back to InService on the previous config with FailureReason', async () => {
    const { endpointName, configName } = await inService(sm, 'update-fails');
    const newConfig = await createConfig(sm, 'update-fails-v2', 2);
    await failNextEndpointChange(endpoint, endpointName, 'Alarm churn-5xx went into ALARM during the deployment.');
    await sm.send(new UpdateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: newConfig }));
    expect((await describe1(sm, endpointName)).EndpointStatus).toBe('Updating');
    const after = await describe1(sm, endpointName);
    expect(after).toMatchObject({
      EndpointStatus: 'InService',
      EndpointConfigName: configName,
      FailureReason: 'Alarm churn-5xx went into ALARM during the deployment.',
      ProductionVariants: [expect.objectContaining({ CurrentInstanceCount: 1 })],
    });

    // The failure was consumed: the retry succeeds and clears FailureReason.
    await sm.send(new UpdateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: newConfig }));
    await describe1(sm, endpointName);
    const retried = await describe1(sm, endpointName);
    expect(retried).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: newConfig });
    expect(retried.FailureReason).toBeUndefined();
  });

  test('creating a model, endpoint config or endpoint under an existing name fails with the SageMaker message', async () => {
    const { endpointName, configName } = await createEndpoint(sm, 'dup');
    const config = await sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }));
    const modelName = config.ProductionVariants![0].ModelName!;

    await expect(sm.send(new CreateModelCommand({ ModelName: modelName, ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/sagemaker`, PrimaryContainer: { Image: 'x' } })))
      .rejects.toMatchObject({ name: 'ValidationException', message: `Cannot create already existing model "${arn('model', modelName)}".` });
    await expect(sm.send(new CreateEndpointConfigCommand({
      EndpointConfigName: configName,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: modelName, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
    }))).rejects.toMatchObject({ message: `Cannot create already existing endpoint configuration "${arn('endpoint-config', configName)}".` });
    await expect(sm.send(new CreateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: configName })))
      .rejects.toMatchObject({ message: `Cannot create already existing endpoint "${arn('endpoint', endpointName)}".` });
  });

  test('a model made from a model package needs the package to exist', async () => {
    const missing = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model-package/h-no-such-group/1`;
    await expect(sm.send(new CreateModelCommand({
      ModelName: uniqueName('from-package'),
      ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/sagemaker`,
      Containers: [{ ModelPackageName: missing }],
    }))).rejects.toMatchObject({ name: 'ValidationException', message: `Model package ${missing} does not exist.` });
  });

  test('deleting or referencing a missing model or endpoint config names it by ARN', async () => {
    await expect(sm.send(new DeleteModelCommand({ ModelName: 'h-no-such-model' })))
      .rejects.toMatchObject({ name: 'ValidationException', message: `Could not find model "${arn('model', 'h-no-such-model')}".` });
    await expect(sm.send(new DeleteEndpointConfigCommand({ EndpointConfigName: 'h-no-such-config' })))
      .rejects.toMatchObject({ message: `Could not find endpoint configuration "${arn('endpoint-config', 'h-no-such-config')}".` });
    await expect(sm.send(new CreateEndpointConfigCommand({
      EndpointConfigName: uniqueName('orphan-config'),
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'h-no-such-model', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
    }))).rejects.toMatchObject({ message: `Could not find model "${arn('model', 'h-no-such-model')}".` });
    await expect(sm.send(new CreateEndpointCommand({ EndpointName: uniqueName('orphan'), EndpointConfigName: 'h-no-such-config' })))
      .rejects.toMatchObject({ message: `Could not find endpoint configuration "${arn('endpoint-config', 'h-no-such-config')}".` });
  });
});

describe('a private moto server (for tests that change server-wide state)', () => {
  let server: MotoServer;
  let sm: SageMakerClient;
  beforeAll(async () => {
    server = await startMotoServer();
    sm = sageMaker(server.endpoint);
  });
  afterAll(async () => {
    sm?.destroy();
    await server?.stop();
  });

  test('describesUntilReady sets how many describes report Creating', async () => {
    await setDescribesUntilReady(server.endpoint, 3);
    const { endpointName } = await createEndpoint(sm, 'slow');
    const statuses: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) statuses.push((await describe1(sm, endpointName)).EndpointStatus);
    expect(statuses).toEqual(['Creating', 'Creating', 'Creating', 'InService']);
  });

  test('describesUntilReady 0 makes endpoints InService at once', async () => {
    await setDescribesUntilReady(server.endpoint, 0);
    const { endpointName } = await createEndpoint(sm, 'instant');
    expect((await describe1(sm, endpointName)).EndpointStatus).toBe('InService');
  });

  test('moto-api/reset clears resources, injected failures and settings', async () => {
    await setDescribesUntilReady(server.endpoint, 0);
    const { endpointName, configName } = await createEndpoint(sm, 'reset');
    await failNextEndpointChange(server.endpoint, endpointName, 'should be forgotten');

    await resetMoto(server.endpoint);

    expect((await sm.send(new ListEndpointsCommand({}))).Endpoints).toEqual([]);
    await expect(describe1(sm, endpointName)).rejects.toMatchObject({ message: `Could not find endpoint "${arn('endpoint', endpointName)}".` });
    // Same names again: no duplicate left behind, default of one Creating describe, and no failure injected.
    await createConfigNamed(sm, configName);
    await sm.send(new CreateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: configName }));
    expect((await describe1(sm, endpointName)).EndpointStatus).toBe('Creating');
    const after = await describe1(sm, endpointName);
    expect(after.EndpointStatus).toBe('InService');
    expect(after.FailureReason).toBeUndefined();
  });

  test('moto-api/reset forgets the recorded release clean-up requests', async () => {
    const cfn = new CloudFormationClient({ endpoint: server.endpoint, region: REGION, maxAttempts: 1 });
    const { StackId } = await cfn.send(new CreateStackCommand({
      StackName: uniqueName('reset-cleanup'),
      TemplateBody: JSON.stringify({ Resources: { Cleanup: { Type: 'Custom::MlopsReleaseCleanup', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x' } } } }),
    }));
    cfn.destroy();
    expect(await releaseCleanups(server.endpoint, StackId!)).toHaveLength(1);

    await resetMoto(server.endpoint);

    expect(await releaseCleanups(server.endpoint, StackId!)).toEqual([]);
  });

  test('the control API rejects malformed requests', async () => {
    await expect(setDescribesUntilReady(server.endpoint, -1)).rejects.toThrow(/400.*describesUntilReady must be an integer >= 0/);
    await expect(failNextEndpointChange(server.endpoint, 'x', '')).rejects.toThrow(/400.*reason must be a non-empty string/);
  });

  test('control helpers refuse non-loopback hosts', async () => {
    await expect(resetMoto('http://example.com:5000')).rejects.toThrow(/non-loopback/);
  });

  test('stop() shuts the server down', async () => {
    const other = await startMotoServer();
    await other.stop();
    await expect(fetch(`${other.endpoint}/_mlops/settings`)).rejects.toThrow();
  });
});

async function createConfigNamed(sm: SageMakerClient, configName: string): Promise<void> {
  const modelName = `${configName}-model`;
  await sm.send(new CreateModelCommand({ ModelName: modelName, ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/sagemaker`, PrimaryContainer: { Image: 'x' } }));
  await sm.send(new CreateEndpointConfigCommand({
    EndpointConfigName: configName,
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: modelName, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
  }));
}

/**
 * The CloudFormation patches: each test creates (and where it matters updates
 * and deletes) a small stack that moto 5.2.5 alone fails or gets wrong, with
 * the construct the blueprints use.
 */
describe('SageMaker training patches (training pipelines need them)', () => {
  let server: MotoServer;
  let sm: SageMakerClient;
  beforeAll(async () => {
    server = await startMotoServer();
    sm = sageMaker(server.endpoint);
  });
  afterAll(async () => {
    sm?.destroy();
    await server?.stop();
  });

  const startJob = (name: string) => sm.send(new CreateTrainingJobCommand({
    TrainingJobName: name,
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/training`,
    AlgorithmSpecification: { TrainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', TrainingInputMode: 'File' },
    InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://data/train/' } } }],
    OutputDataConfig: { S3OutputPath: 's3://models/out/' },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  }));
  const status = async (name: string) => {
    const job = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    return `${job.TrainingJobStatus}/${job.SecondaryStatus}`;
  };

  test('a job is InProgress for describesUntilReady describes, then Completed with its model under the output path', async () => {
    await setDescribesUntilReady(server.endpoint, 2);
    const name = uniqueName('train');
    await startJob(name);
    expect([await status(name), await status(name), await status(name)]).toEqual(['InProgress/Starting', 'InProgress/Training', 'Completed/Completed']);
    expect((await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).ModelArtifacts?.S3ModelArtifacts)
      .toBe(`s3://models/out/${name}/output/model.tar.gz`);
  });

  test('describesUntilReady 0 completes a job at once', async () => {
    await setDescribesUntilReady(server.endpoint, 0);
    const name = uniqueName('train-instant');
    await startJob(name);
    expect(await status(name)).toBe('Completed/Completed');
  });

  test('a taken name is ResourceInUse, and the first job is kept', async () => {
    await setDescribesUntilReady(server.endpoint, 1);
    const name = uniqueName('train-twice');
    await startJob(name);
    await expect(startJob(name)).rejects.toMatchObject({ name: 'ResourceInUse', message: expect.stringContaining('Training job names must be unique') });
    expect(await status(name)).toBe('InProgress/Starting');
  });
});

describe('CloudFormation patches (the blueprints need them)', () => {
  const endpoint = process.env.MOTO_ENDPOINT!;
  const cfn = new CloudFormationClient({ endpoint, region: REGION, maxAttempts: 1 });
  const ssm = new SSMClient({ endpoint, region: REGION, maxAttempts: 1 });
  afterAll(() => {
    cfn.destroy();
    ssm.destroy();
  });

  const parametersOf = (values: Record<string, string>) =>
    Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));

  async function createStack(label: string, template: object, values: Record<string, string> = {}): Promise<Stack> {
    const StackName = uniqueName(label);
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: JSON.stringify(template), Parameters: parametersOf(values) }));
    return (await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks![0];
  }

  async function updateStack(stack: Stack, template: object, values: Record<string, string>): Promise<Stack> {
    await cfn.send(new UpdateStackCommand({ StackName: stack.StackId, TemplateBody: JSON.stringify(template), Parameters: parametersOf(values) }));
    return (await cfn.send(new DescribeStacksCommand({ StackName: stack.StackId }))).Stacks![0];
  }

  async function deleteStack(stack: Stack): Promise<Stack> {
    await cfn.send(new DeleteStackCommand({ StackName: stack.StackId }));
    return (await cfn.send(new DescribeStacksCommand({ StackName: stack.StackId }))).Stacks![0];
  }

  const output = (stack: Stack, key: string) => stack.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;

  test('an SSM parameter without Name gets a CFN-<LogicalId>-<random> name, kept by an update, gone with the stack', async () => {
    const template = {
      Parameters: { Release: { Type: 'String' } },
      Resources: { Settings: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { Ref: 'Release' } } } },
      Outputs: { SettingsName: { Value: { Ref: 'Settings' } } },
    };
    const created = await createStack('ssm', template, { Release: 'r1' });
    expect(created.StackStatus).toBe('CREATE_COMPLETE');
    const name = output(created, 'SettingsName')!;
    expect(name).toMatch(/^CFN-Settings-[0-9A-Z]{12}$/);
    expect((await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value).toBe('r1');

    const updated = await updateStack(created, template, { Release: 'r2' });
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE');
    expect(output(updated, 'SettingsName')).toBe(name);
    expect((await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value).toBe('r2');

    expect((await deleteStack(updated)).StackStatus).toBe('DELETE_COMPLETE');
    await expect(ssm.send(new GetParameterCommand({ Name: name }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
  });

  test('Custom::MlopsReleaseCleanup is created, updated and deleted without its Lambda function, each request recorded', async () => {
    const template = {
      Parameters: { EndpointName: { Type: 'String' } },
      Resources: {
        Cleanup: {
          Type: 'Custom::MlopsReleaseCleanup',
          Properties: {
            // No such function: moto alone fails the stack looking it up.
            ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:h-no-such-cleanup-provider`,
            Environments: [{ endpointName: { Ref: 'EndpointName' }, variantName: 'AllTraffic' }],
          },
        },
      },
      Outputs: { CleanupId: { Value: { Ref: 'Cleanup' } } },
    };
    const created = await createStack('cleanup', template, { EndpointName: 'churn-dev' });
    expect(created.StackStatus).toBe('CREATE_COMPLETE');
    expect(output(created, 'CleanupId')).toBe('release-cleanup-Cleanup');

    const updated = await updateStack(created, template, { EndpointName: 'churn-prod' });
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE');
    expect((await deleteStack(updated)).StackStatus).toBe('DELETE_COMPLETE');

    const properties = (endpointName: string) => ({
      ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:h-no-such-cleanup-provider`,
      Environments: [{ endpointName, variantName: 'AllTraffic' }],
    });
    const common = { stackId: created.StackId, logicalResourceId: 'Cleanup', physicalResourceId: 'release-cleanup-Cleanup' };
    expect(await releaseCleanups(endpoint, created.StackId!)).toEqual([
      { ...common, requestType: 'Create', resourceProperties: properties('churn-dev') },
      { ...common, requestType: 'Update', resourceProperties: properties('churn-prod'), oldResourceProperties: properties('churn-dev') },
      { ...common, requestType: 'Delete', resourceProperties: properties('churn-prod') },
    ]);
  });

  test('Refs and Fn::GetAtt Arn to resources moto cannot create resolve to their names and ARNs', async () => {
    const template = {
      Resources: {
        Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: 'abc123', DeploymentId: 'def456', StageName: 'v1' } },
        Build: { Type: 'AWS::CodeBuild::Project', Properties: { Source: { Type: 'NO_SOURCE', BuildSpec: '{}' } } },
        Pipeline: { Type: 'AWS::CodePipeline::Pipeline', Properties: { Name: 'h-pipeline', RoleArn: 'x', Stages: [] } },
      },
      Outputs: {
        Url: { Value: { 'Fn::Join': ['', ['https://abc123.execute-api.us-east-1.amazonaws.com/', { Ref: 'Stage' }, '/invocations']] } },
        BuildName: { Value: { Ref: 'Build' } },
        BuildArn: { Value: { 'Fn::GetAtt': ['Build', 'Arn'] } },
        PipelineArn: { Value: { 'Fn::GetAtt': ['Pipeline', 'Arn'] } },
      },
    };
    const created = await createStack('skipped', template);

    expect(created.StackStatus).toBe('CREATE_COMPLETE');
    expect(output(created, 'Url')).toBe('https://abc123.execute-api.us-east-1.amazonaws.com/v1/invocations');
    const buildName = output(created, 'BuildName')!;
    expect(buildName).toMatch(new RegExp(`^${created.StackName}-Build-[0-9A-Z]{12}$`));
    expect(output(created, 'BuildArn')).toBe(`arn:aws:codebuild:${REGION}:${ACCOUNT}:project/${buildName}`);
    expect(output(created, 'PipelineArn')).toBe(`arn:aws:codepipeline:${REGION}:${ACCOUNT}:h-pipeline`);
    expect((await deleteStack(created)).StackStatus).toBe('DELETE_COMPLETE');
  });

  test('Fn::If choosing AWS::NoValue inside a list removes the element', async () => {
    const statement = (sid: string) => ({ Sid: sid, Effect: 'Allow', Action: 'ssm:GetParameter', Resource: '*' });
    const template = {
      Parameters: { Tests: { Type: 'String' } },
      Conditions: { HasTests: { 'Fn::Equals': [{ Ref: 'Tests' }, 'true'] } },
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } } },
        // A None left in the statements makes IAM answer MalformedPolicyDocument.
        Policy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'p',
            Roles: [{ Ref: 'Role' }],
            PolicyDocument: { Version: '2012-10-17', Statement: [statement('Always'), { 'Fn::If': ['HasTests', statement('Tests'), { Ref: 'AWS::NoValue' }] }] },
          },
        },
      },
      Outputs: {
        Joined: { Value: { 'Fn::Join': [',', ['a', { 'Fn::If': ['HasTests', 'tests', { Ref: 'AWS::NoValue' }] }, { Ref: 'AWS::NoValue' }, 'z']] } },
      },
    };
    const without = await createStack('novalue', template, { Tests: 'false' });
    const withTests = await createStack('novalue', template, { Tests: 'true' });

    expect(without.StackStatus).toBe('CREATE_COMPLETE');
    expect(output(without, 'Joined')).toBe('a,z');
    expect(withTests.StackStatus).toBe('CREATE_COMPLETE');
    expect(output(withTests, 'Joined')).toBe('a,tests,z');
  });

  test('an update with the same template and Number parameter is "No updates are to be performed."', async () => {
    const template = {
      Parameters: { KeepReleases: { Type: 'Number' }, Name: { Type: 'String' } },
      Resources: { Settings: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { 'Fn::Sub': '${Name}:${KeepReleases}' } } } },
    };
    const created = await createStack('number', template, { KeepReleases: '2', Name: 'a' });
    expect(created.Parameters).toContainEqual({ ParameterKey: 'KeepReleases', ParameterValue: '2' });

    await expect(updateStack(created, template, { KeepReleases: '2', Name: 'a' }))
      .rejects.toMatchObject({ name: 'ValidationError', message: 'No updates are to be performed.' });
    expect((await updateStack(created, template, { KeepReleases: '3', Name: 'a' })).StackStatus).toBe('UPDATE_COMPLETE');
  });

  test('a managed policy is detached and deleted with its stack, so its role can be deleted', async () => {
    const created = await createStack('managed-policy', {
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } } },
        Overflow: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, Roles: [{ Ref: 'Role' }] },
        },
      },
    });
    expect(created.StackStatus).toBe('CREATE_COMPLETE');

    // moto alone answers DeleteConflict: "Cannot delete entity, must detach all policies first."
    expect((await deleteStack(created)).StackStatus).toBe('DELETE_COMPLETE');
  });

  test('updating a resource moto cannot update keeps it in the stack: Refs to it still resolve', async () => {
    const template = {
      Parameters: { EndpointName: { Type: 'String' } },
      // A Ref (moto does not see parameters inside Fn::Sub as changing a resource).
      Resources: { Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: { 'Fn::Join': ['-', [{ Ref: 'EndpointName' }, 'inference']] } } } },
      Outputs: { ApiId: { Value: { Ref: 'Api' } } },
    };
    const created = await createStack('no-update', template, { EndpointName: 'churn-dev' });
    const apiId = output(created, 'ApiId');
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);

    const updated = await updateStack(created, template, { EndpointName: 'churn-test' });

    expect(updated.StackStatus).toBe('UPDATE_COMPLETE');
    expect(output(updated, 'ApiId')).toBe(apiId);
  });

  test('a generated ECR repository name is lower case', async () => {
    const created = await createStack('ECR', {
      Resources: { ImageRepository: { Type: 'AWS::ECR::Repository', Properties: {} } },
      Outputs: { Name: { Value: { Ref: 'ImageRepository' } } },
    });

    expect(created.StackStatus).toBe('CREATE_COMPLETE');
    // The stack name (h-ECR-...) has upper case: so would the repository's, unpatched.
    expect(output(created, 'Name')).toMatch(new RegExp(`^${created.StackName!.toLowerCase()}-imagerepository-[0-9a-z]{12}$`));
  });

  test('CreateStacks of one name at once make one stack (the others AlreadyExists), and describes meanwhile answer CREATE_IN_PROGRESS', async () => {
    // Enough resources that creating them takes a while: moto alone stored two stacks of one name here.
    const parameters = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`P${i}`, { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: `v${i}` } }]));
    const template = JSON.stringify({ Resources: parameters, Outputs: { Last: { Value: { Ref: 'P119' } } } });
    const StackName = uniqueName('race');
    let creating = true;
    const describing = (async () => {
      const seen: string[] = [];
      while (creating) {
        try {
          const stack = (await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks![0];
          seen.push(stack.StackStatus === 'CREATE_COMPLETE' ? 'CREATE_COMPLETE' : `${stack.StackStatus} ${stack.Outputs ? 'with' : 'without'} outputs`);
        } catch (err) {
          seen.push(/does not exist/.test((err as Error).message) ? 'missing' : `failed: ${(err as Error).message}`);
        }
      }
      return new Set(seen);
    })();

    const create = () => cfn.send(new CreateStackCommand({ StackName, TemplateBody: template }));
    const creates = await Promise.allSettled([create(), create(), create(), create()]);
    creating = false;

    expect(creates.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
    expect(creates.filter((c) => c.status === 'rejected').map((c) => (c as PromiseRejectedResult).reason))
      .toEqual(Array(3).fill(expect.objectContaining({ name: 'AlreadyExistsException', message: `Stack [${StackName}] already exists` })));
    const listed = (await cfn.send(new ListStacksCommand({}))).StackSummaries!.filter((s) => s.StackName === StackName);
    expect(listed).toHaveLength(1);
    for (const state of await describing) {
      expect(['missing', 'CREATE_IN_PROGRESS without outputs', 'CREATE_COMPLETE']).toContain(state);
    }
  });
});

/** What the launcher recorded of the stack's Custom::MlopsReleaseCleanup requests. */
async function releaseCleanups(endpoint: string, stackId: string): Promise<unknown[]> {
  const response = await fetch(`${endpoint}/_mlops/cloudformation/release-cleanups?stackId=${encodeURIComponent(stackId)}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { requests: unknown[] }).requests;
}

describe('SageMaker monitoring patches (drift detection needs them)', () => {
  const sm = sageMaker(process.env.MOTO_ENDPOINT!);
  const definition = (name: string, endpointName: string): CreateDataQualityJobDefinitionCommandInput => ({
    JobDefinitionName: name,
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/monitor`,
    DataQualityAppSpecification: { ImageUri: '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer' },
    DataQualityJobInput: { EndpointInput: { EndpointName: endpointName, LocalPath: '/opt/ml/processing/input/endpoint' } },
    DataQualityJobOutputConfig: { MonitoringOutputs: [{ S3Output: { S3Uri: 's3://m/reports', LocalPath: '/opt/ml/processing/output' } }] },
    JobResources: { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 20 } },
  });
  const scheduleConfig = (jobDefinition: string, expression = 'cron(0 * ? * * *)') => ({
    MonitoringJobDefinitionName: jobDefinition,
    MonitoringType: 'DataQuality' as const,
    ScheduleConfig: { ScheduleExpression: expression },
  });

  test('creating a data-quality job definition under an existing name is ResourceInUse', async () => {
    const name = uniqueName('dq');
    await sm.send(new CreateDataQualityJobDefinitionCommand(definition(name, 'ep')));
    await expect(sm.send(new CreateDataQualityJobDefinitionCommand(definition(name, 'ep')))).rejects.toMatchObject({ name: 'ResourceInUse' });
  });

  test('a monitoring schedule is created, described, updated, listed by endpoint and deleted', async () => {
    const endpointName = uniqueName('mon-ep');
    const first = uniqueName('dq');
    const second = uniqueName('dq');
    await sm.send(new CreateDataQualityJobDefinitionCommand(definition(first, endpointName)));
    await sm.send(new CreateDataQualityJobDefinitionCommand(definition(second, endpointName)));
    const name = uniqueName('schedule');

    const create = () => sm.send(new CreateMonitoringScheduleCommand({
      MonitoringScheduleName: name,
      MonitoringScheduleConfig: scheduleConfig(first),
    }));
    expect((await create()).MonitoringScheduleArn).toBe(arn('monitoring-schedule', name));
    await expect(create()).rejects.toMatchObject({ name: 'ResourceInUse' });

    await sm.send(new UpdateMonitoringScheduleCommand({ MonitoringScheduleName: name, MonitoringScheduleConfig: scheduleConfig(second, 'cron(0 0 ? * * *)') }));
    const described = await sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name }));
    expect(described).toMatchObject({
      MonitoringScheduleStatus: 'Scheduled',
      EndpointName: endpointName,
      MonitoringScheduleConfig: { MonitoringJobDefinitionName: second, ScheduleConfig: { ScheduleExpression: 'cron(0 0 ? * * *)' } },
    });
    const listed = await sm.send(new ListMonitoringSchedulesCommand({ EndpointName: endpointName }));
    expect(listed.MonitoringScheduleSummaries?.map((s) => s.MonitoringScheduleName)).toEqual([name]);

    await sm.send(new DeleteMonitoringScheduleCommand({ MonitoringScheduleName: name }));
    for (const call of [
      () => sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name })),
      () => sm.send(new DeleteMonitoringScheduleCommand({ MonitoringScheduleName: name })),
      () => sm.send(new UpdateMonitoringScheduleCommand({ MonitoringScheduleName: name, MonitoringScheduleConfig: scheduleConfig(first) })),
    ]) {
      await expect(call()).rejects.toMatchObject({ name: 'ResourceNotFound' });
    }
  });

  test('a model-quality schedule monitors its model-quality definition\'s endpoint', async () => {
    const endpointName = uniqueName('mq-ep');
    const jobDefinition = uniqueName('mq');
    await sm.send(new CreateModelQualityJobDefinitionCommand({
      JobDefinitionName: jobDefinition,
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/monitor`,
      ModelQualityAppSpecification: { ImageUri: '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer', ProblemType: 'BinaryClassification' },
      ModelQualityJobInput: {
        EndpointInput: { EndpointName: endpointName, LocalPath: '/opt/ml/processing/input/endpoint', ProbabilityAttribute: '0', StartTimeOffset: '-P2D', EndTimeOffset: '-P1D' },
        GroundTruthS3Input: { S3Uri: 's3://m/ground-truth' },
      },
      ModelQualityJobOutputConfig: { MonitoringOutputs: [{ S3Output: { S3Uri: 's3://m/model-quality-reports', LocalPath: '/opt/ml/processing/output' } }] },
      JobResources: { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 20 } },
    }));
    const name = uniqueName('mq-schedule');
    await sm.send(new CreateMonitoringScheduleCommand({
      MonitoringScheduleName: name,
      MonitoringScheduleConfig: { ...scheduleConfig(jobDefinition), MonitoringType: 'ModelQuality' },
    }));

    // moto's own model-quality definitions, with the launcher's schedules (before, EndpointName was missing).
    expect(await sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name }))).toMatchObject({
      EndpointName: endpointName,
      MonitoringType: 'ModelQuality',
    });
    const listed = await sm.send(new ListMonitoringSchedulesCommand({ EndpointName: endpointName }));
    expect(listed.MonitoringScheduleSummaries?.map((s) => [s.MonitoringScheduleName, s.MonitoringType])).toEqual([[name, 'ModelQuality']]);
    await sm.send(new DeleteMonitoringScheduleCommand({ MonitoringScheduleName: name }));
  });
});
