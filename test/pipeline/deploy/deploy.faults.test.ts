import 'aws-sdk-client-mock-jest';
import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CodePipelineClient, PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  ListEndpointConfigsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { codePipelineEvent, deploySpec, envSpec, job, MODEL_BUCKET, RELEASE_BUCKET } from './deploy-fixtures';
import { scriptFirstRelease } from './first-release-world';
import { releaseId, releaseName } from '../../../src/contract/naming';
import { handler, loadDeploySpec, readDeploySettings, runDeployJob } from '../../../src/runtime/handlers/deploy.lambda';
import { awsError } from '../../fixtures/aws-error';
import { clientsIn, mockedClients } from '../../harness/mocked-clients';

const { sagemaker, s3, codepipeline, ssm, autoscaling } = mockedClients({
  sagemaker: SageMakerClient, s3: S3Client, codepipeline: CodePipelineClient, ssm: SSMClient, autoscaling: ApplicationAutoScalingClient,
});
const clients = clientsIn({ sagemaker: SageMakerClient, s3: S3Client, autoscaling: ApplicationAutoScalingClient });

const EXEC = 'exec-1111';
const SETTINGS = { pipelineName: 'churn-mlops', artifact: deploySpec().artifact, environmentParameters: { dev: '/spec/dev' } };
const RELEASE = releaseName('churn-dev', releaseId(EXEC));

const notFound = () => awsError('NotFound', 'Not Found', 404);
const validation = (message: string) => awsError('ValidationException', message);

beforeEach(() => {
  ssm.on(GetParameterCommand, { Name: '/spec/dev' }).resolves({ Parameter: { Value: JSON.stringify(envSpec()) } });
  scriptFirstRelease(s3, sagemaker);
});

describe('deploy handler: first release', () => {
  test('copies the exact artifact version, creates the release model, config and endpoint, and asks to be called back', async () => {
    const outcome = await runDeployJob(job(EXEC, { artifactVersion: 'v7' }), deploySpec(), clients);

    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      Bucket: RELEASE_BUCKET,
      Key: `releases/churn-dev/${RELEASE}/model.tar.gz`,
      CopySource: `${MODEL_BUCKET}/churn/model.tar.gz?versionId=v7`,
    });
    expect(sagemaker).toHaveReceivedCommandWith(CreateModelCommand, {
      ModelName: RELEASE,
      PrimaryContainer: { Image: envSpec().imageUri, ModelDataUrl: `s3://${RELEASE_BUCKET}/releases/churn-dev/${RELEASE}/model.tar.gz` },
    });
    expect(sagemaker).toHaveReceivedCommandWith(CreateEndpointConfigCommand, {
      EndpointConfigName: RELEASE,
      ProductionVariants: [expect.objectContaining({ VariantName: 'AllTraffic', ModelName: RELEASE, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 })],
    });
    expect(sagemaker).toHaveReceivedCommandWith(CreateEndpointCommand, { EndpointName: 'churn-dev', EndpointConfigName: RELEASE });
    expect(outcome.kind).toBe('in-progress');
    expect(JSON.parse((outcome as any).continuationToken)).toEqual({ phase: 'awaiting-endpoint', release: RELEASE });
  });

  test('keeps waiting while the endpoint is Creating, and succeeds with output variables once it serves the release', async () => {
    const token = JSON.stringify({ phase: 'awaiting-endpoint', release: RELEASE });
    sagemaker.on(DescribeEndpointCommand).resolvesOnce({ EndpointStatus: 'Creating', EndpointConfigName: RELEASE })
      .resolves({ EndpointStatus: 'InService', EndpointConfigName: RELEASE });

    const waiting = await runDeployJob(job(EXEC, { continuationToken: token }), deploySpec(), clients);
    expect(waiting).toMatchObject({ kind: 'in-progress', continuationToken: token });

    const done = await runDeployJob(job(EXEC, { continuationToken: token }), deploySpec(), clients);
    expect(done).toMatchObject({
      kind: 'succeeded',
      outputVariables: { EndpointName: 'churn-dev', EndpointConfigName: RELEASE, ModelName: RELEASE, PreviousEndpointConfigName: 'none' },
    });
    expect(sagemaker).not.toHaveReceivedCommand(CreateEndpointCommand);
  });

  test('fails with SageMaker\'s FailureReason when the new endpoint ends Failed', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Failed', EndpointConfigName: RELEASE, FailureReason: 'Model download failed' });
    const outcome = await runDeployJob(job(EXEC, { continuationToken: JSON.stringify({ phase: 'awaiting-endpoint', release: RELEASE }) }), deploySpec(), clients);
    expect(outcome).toEqual({ kind: 'failed', message: expect.stringMatching(/Deploy to dev failed: Endpoint churn-dev is Failed after release .*: Model download failed/) });
  });

  test('fails without creating anything when the artifact is missing, naming its location', async () => {
    s3.on(HeadObjectCommand, { Bucket: MODEL_BUCKET }).rejects(notFound());
    const outcome = await runDeployJob(job(EXEC, { artifactVersion: 'v9' }), deploySpec(), clients);
    expect(outcome).toEqual({ kind: 'failed', message: 'Deploy to dev failed: Model artifact s3://team-models/churn/model.tar.gz (version v9) does not exist or cannot be read' });
    expect(sagemaker).not.toHaveReceivedCommand(CreateModelCommand);
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
  });

  test('copies artifacts over 5 GiB in parts', async () => {
    s3.on(HeadObjectCommand, { Bucket: MODEL_BUCKET }).resolves({ ContentLength: 6 * 1024 ** 3 });
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
    s3.on(UploadPartCopyCommand).resolves({ CopyPartResult: { ETag: '"e"' } });
    s3.on(CompleteMultipartUploadCommand).resolves({});
    await runDeployJob(job(EXEC), deploySpec(), clients);
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(s3).toHaveReceivedCommandTimes(UploadPartCopyCommand, 12);
    expect(s3).toHaveReceivedCommandWith(UploadPartCopyCommand, { PartNumber: 12, CopySourceRange: `bytes=${11 * 512 * 1024 ** 2}-${6 * 1024 ** 3 - 1}` });
    expect(s3).toHaveReceivedCommandWith(CompleteMultipartUploadCommand, { UploadId: 'up-1', MultipartUpload: { Parts: expect.arrayContaining([{ PartNumber: 1, ETag: '"e"' }]) } });
  });

  test('deletes a Failed endpoint that never served before creating it again', async () => {
    sagemaker.on(DescribeEndpointCommand).resolvesOnce({ EndpointStatus: 'Failed', EndpointConfigName: 'churn-dev-rold0000000', FailureReason: 'bad' });
    sagemaker.on(DeleteEndpointCommand).resolves({});
    const first = await runDeployJob(job(EXEC), deploySpec(), clients);
    expect(sagemaker).toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'churn-dev' });
    expect(first).toMatchObject({ kind: 'in-progress' });
    const token = (first as any).continuationToken;
    expect(JSON.parse(token).phase).toBe('awaiting-deletion');

    // Describe now says the endpoint is gone: create it.
    const second = await runDeployJob(job(EXEC, { continuationToken: token }), deploySpec(), clients);
    expect(sagemaker).toHaveReceivedCommandWith(CreateEndpointCommand, { EndpointName: 'churn-dev', EndpointConfigName: RELEASE });
    expect(JSON.parse((second as any).continuationToken).phase).toBe('awaiting-endpoint');
  });
});

describe('deploy handler: endpoint configs', () => {
  test('a serverless environment gets a serverless variant and no instances', async () => {
    const serverless = envSpec({ instanceType: undefined, initialInstanceCount: undefined, serverless: { memorySizeMb: 2048, maxConcurrency: 5 } });
    await runDeployJob(job(EXEC), deploySpec({ dev: serverless }), clients);
    const call = sagemaker.commandCalls(CreateEndpointConfigCommand)[0].args[0].input;
    expect(call.ProductionVariants).toEqual([{
      VariantName: 'AllTraffic',
      ModelName: RELEASE,
      ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5, ProvisionedConcurrency: undefined },
    }]);
    expect(call.DataCaptureConfig).toBeUndefined();
  });

  test('a built container passed by the pipeline replaces the image in the spec', async () => {
    const built = '111111111111.dkr.ecr.us-east-1.amazonaws.com/churn@sha256:' + 'b'.repeat(64);
    await runDeployJob({ ...job(EXEC), userParameters: { ...job(EXEC).userParameters, imageUri: built } }, deploySpec(), clients);
    expect(sagemaker).toHaveReceivedCommandWith(CreateModelCommand, { PrimaryContainer: expect.objectContaining({ Image: built }) });
  });

  test('a VPC environment\'s subnets and security groups reach the model', async () => {
    const inVpc = envSpec({ vpcConfig: { subnets: ['subnet-1', 'subnet-2'], securityGroupIds: ['sg-1'] } });
    await runDeployJob(job(EXEC), deploySpec({ dev: inVpc }), clients);
    expect(sagemaker).toHaveReceivedCommandWith(CreateModelCommand, { VpcConfig: { Subnets: ['subnet-1', 'subnet-2'], SecurityGroupIds: ['sg-1'] } });
  });

  test('data capture and the KMS key reach the endpoint config', async () => {
    const captured = envSpec({
      kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
      dataCapture: { samplingPercentage: 20, destinationS3Uri: 's3://capture/churn-dev/' },
    });
    await runDeployJob(job(EXEC), deploySpec({ dev: captured }), clients);
    expect(sagemaker).toHaveReceivedCommandWith(CreateEndpointConfigCommand, {
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 20,
        DestinationS3Uri: 's3://capture/churn-dev/',
        KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      },
    });
  });
});

describe('deploy handler: blue/green updates', () => {
  const SERVING = releaseName('churn-dev', releaseId('exec-0000'));
  const alarms = ['churn-dev-model-5xx-errors', 'churn-dev-model-latency'];

  beforeEach(() => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: SERVING });
  });

  test('a canary update moves a share of capacity, waits, and rolls back on the environment\'s alarms', async () => {
    const canary = envSpec({ deployment: { type: 'CANARY', stepPercent: 10, waitSeconds: 600, bakeSeconds: 300, rollbackAlarms: alarms } });
    await runDeployJob(job(EXEC), deploySpec({ dev: canary }), clients);
    expect(sagemaker).toHaveReceivedCommandWith(UpdateEndpointCommand, {
      EndpointName: 'churn-dev',
      EndpointConfigName: RELEASE,
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 600, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 }, LinearStepSize: undefined },
          TerminationWaitInSeconds: 300,
        },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: alarms[0] }, { AlarmName: alarms[1] }] },
      },
    });
  });

  test('a linear update moves equal steps', async () => {
    const linear = envSpec({ deployment: { type: 'LINEAR', stepPercent: 25, waitSeconds: 120, bakeSeconds: 60, rollbackAlarms: alarms } });
    await runDeployJob(job(EXEC), deploySpec({ dev: linear }), clients);
    const input = sagemaker.commandCalls(UpdateEndpointCommand)[0].args[0].input;
    expect(input.DeploymentConfig?.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration).toEqual({
      Type: 'LINEAR', WaitIntervalInSeconds: 120, CanarySize: undefined, LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 25 },
    });
  });

  test('an all-at-once update has no step and waits only for the bake time', async () => {
    const allAtOnce = envSpec({ deployment: { type: 'ALL_AT_ONCE', bakeSeconds: 300, rollbackAlarms: alarms } });
    await runDeployJob(job(EXEC), deploySpec({ dev: allAtOnce }), clients);
    const input = sagemaker.commandCalls(UpdateEndpointCommand)[0].args[0].input;
    expect(input.DeploymentConfig?.BlueGreenUpdatePolicy).toEqual({
      TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0, CanarySize: undefined, LinearStepSize: undefined },
      TerminationWaitInSeconds: 300,
    });
  });

  test('an environment without blue/green settings (serverless) is updated without a deployment config', async () => {
    await runDeployJob(job(EXEC), deploySpec(), clients);
    expect(sagemaker.commandCalls(UpdateEndpointCommand)[0].args[0].input.DeploymentConfig).toBeUndefined();
  });
});

describe('deploy handler: autoscaled environments', () => {
  const SERVING = releaseName('churn-dev', releaseId('exec-0000'));
  const scaled = envSpec({ initialInstanceCount: 2, autoScaling: { minInstances: 2, maxInstances: 8, targetInvocationsPerInstance: 500 } });
  const resourceId = 'endpoint/churn-dev/variant/AllTraffic';

  beforeEach(() => {
    // What the previous release left: the variant registered.
    autoscaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [{ ServiceNamespace: 'sagemaker', ResourceId: resourceId } as any] });
    autoscaling.on(DeregisterScalableTargetCommand).resolves({});
    autoscaling.on(RegisterScalableTargetCommand).resolves({});
    autoscaling.on(PutScalingPolicyCommand).resolves({});
  });

  test('an update keeps the instance count scaling reached and takes the variant out of scaling first', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({
      EndpointStatus: 'InService',
      EndpointConfigName: SERVING,
      ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 5 }],
    });
    const order: string[] = [];
    autoscaling.on(DeregisterScalableTargetCommand).callsFake(() => {
      order.push('deregister');
      return {};
    });
    sagemaker.on(UpdateEndpointCommand).callsFake(() => {
      order.push('update');
      return {};
    });
    await runDeployJob(job(EXEC), deploySpec({ dev: scaled }), clients);
    expect(sagemaker).toHaveReceivedCommandWith(CreateEndpointConfigCommand, {
      ProductionVariants: [expect.objectContaining({ InitialInstanceCount: 5 })],
    });
    expect(autoscaling).toHaveReceivedCommandWith(DeregisterScalableTargetCommand, { ResourceId: resourceId, ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' });
    expect(order).toEqual(['deregister', 'update']);
  });

  test('a count scaling left outside the new bounds is brought within them', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({
      EndpointStatus: 'InService',
      EndpointConfigName: SERVING,
      ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 12 }],
    });
    await runDeployJob(job(EXEC), deploySpec({ dev: scaled }), clients);
    expect(sagemaker).toHaveReceivedCommandWith(CreateEndpointConfigCommand, {
      ProductionVariants: [expect.objectContaining({ InitialInstanceCount: 8 })],
    });
  });

  test('a finished release registers the variant with its bounds, tagged with its endpoint, and its target-tracking policy', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: RELEASE });
    const outcome = await runDeployJob(job(EXEC, { continuationToken: JSON.stringify({ phase: 'awaiting-endpoint', release: RELEASE }) }), deploySpec({ dev: scaled }), clients);
    expect(outcome.kind).toBe('succeeded');
    // The deploy role may change only targets that carry the endpoint's tag.
    expect(autoscaling).toHaveReceivedCommandWith(RegisterScalableTargetCommand, { ResourceId: resourceId, MinCapacity: 2, MaxCapacity: 8, Tags: { 'mlops:endpoint': 'churn-dev' } });
    expect(autoscaling).toHaveReceivedCommandWith(PutScalingPolicyCommand, {
      PolicyName: 'churn-dev-invocations',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: expect.objectContaining({
        TargetValue: 500,
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
      }),
    });
  });

  test('a rolled-back update puts the serving config back under scaling before failing', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: SERVING, FailureReason: 'bad' });
    const outcome = await runDeployJob(job(EXEC, { continuationToken: JSON.stringify({ phase: 'awaiting-endpoint', release: RELEASE, previousConfig: SERVING }) }), deploySpec({ dev: scaled }), clients);
    expect(outcome.kind).toBe('failed');
    expect(autoscaling).toHaveReceivedCommandWith(RegisterScalableTargetCommand, { ResourceId: resourceId });
  });

  test('a variant that was never registered is fine to take out of scaling, and is not asked to deregister (IAM would refuse it: no tag)', async () => {
    autoscaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: SERVING });
    const outcome = await runDeployJob(job(EXEC), deploySpec({ dev: scaled }), clients);
    expect(outcome.kind).toBe('in-progress');
    expect(autoscaling).toHaveReceivedCommandWith(DescribeScalableTargetsCommand, { ServiceNamespace: 'sagemaker', ResourceIds: [resourceId] });
    expect(autoscaling).not.toHaveReceivedCommand(DeregisterScalableTargetCommand);
  });

  test('a variant deregistered between the look and the call is fine too', async () => {
    autoscaling.on(DeregisterScalableTargetCommand).rejects(awsError('ObjectNotFoundException', 'No scalable target registered'));
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: SERVING });
    const outcome = await runDeployJob(job(EXEC), deploySpec({ dev: scaled }), clients);
    expect(outcome.kind).toBe('in-progress');
  });

  test('an environment without autoscaling never calls Application Auto Scaling', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: RELEASE });
    await runDeployJob(job(EXEC, { continuationToken: JSON.stringify({ phase: 'awaiting-endpoint', release: RELEASE }) }), deploySpec(), clients);
    expect(autoscaling.calls()).toHaveLength(0);
  });
});

describe('deploy handler: later releases', () => {
  const SERVING = releaseName('churn-dev', releaseId('exec-0000'));

  test('updates the serving endpoint in place and remembers the previous config', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: SERVING });
    const outcome = await runDeployJob(job(EXEC), deploySpec(), clients);
    expect(sagemaker).toHaveReceivedCommandWith(UpdateEndpointCommand, { EndpointName: 'churn-dev', EndpointConfigName: RELEASE });
    expect(sagemaker).not.toHaveReceivedCommand(CreateEndpointCommand);
    expect(JSON.parse((outcome as any).continuationToken)).toEqual({ phase: 'awaiting-endpoint', release: RELEASE, previousConfig: SERVING });
  });

  test('a failed update leaves the last good config serving, fails with the reason, and deletes nothing', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: SERVING, FailureReason: 'Health check failed' });
    const outcome = await runDeployJob(job(EXEC, { continuationToken: JSON.stringify({ phase: 'awaiting-endpoint', release: RELEASE, previousConfig: SERVING }) }), deploySpec(), clients);
    expect(outcome).toEqual({
      kind: 'failed',
      message: `Deploy to dev failed: Release ${RELEASE} failed and was rolled back; endpoint churn-dev still serves ${SERVING}: Health check failed`,
    });
    expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointConfigCommand);
    expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointCommand);
  });

  test('waits instead of failing when the endpoint is busy with another change (ResourceInUse)', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: SERVING });
    sagemaker.on(UpdateEndpointCommand).rejectsOnce(awsError('ResourceInUse', 'Endpoint is being updated')).resolves({});
    const first = await runDeployJob(job(EXEC), deploySpec(), clients);
    const state = JSON.parse((first as any).continuationToken);
    expect(state).toEqual({ phase: 'awaiting-idle', release: RELEASE, previousConfig: SERVING });

    const second = await runDeployJob(job(EXEC, { continuationToken: (first as any).continuationToken }), deploySpec(), clients);
    expect(sagemaker).toHaveReceivedCommandTimes(UpdateEndpointCommand, 2);
    expect(JSON.parse((second as any).continuationToken).phase).toBe('awaiting-endpoint');
  });

  test('waits while the endpoint is Updating for someone else before rolling out', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Updating', EndpointConfigName: SERVING });
    const outcome = await runDeployJob(job(EXEC), deploySpec(), clients);
    expect(JSON.parse((outcome as any).continuationToken).phase).toBe('awaiting-idle');
    expect(sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
  });

  test('removes releases older than keepReleases once the new one serves, never the serving one', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: RELEASE });
    const older = ['exec-a', 'exec-b', 'exec-c'].map((e) => releaseName('churn-dev', releaseId(e)));
    sagemaker.on(ListEndpointConfigsCommand).resolves({
      EndpointConfigs: [
        { EndpointConfigName: RELEASE, EndpointConfigArn: 'a', CreationTime: new Date(1000) },
        { EndpointConfigName: older[0], EndpointConfigArn: 'a', CreationTime: new Date(900) },
        { EndpointConfigName: older[1], EndpointConfigArn: 'a', CreationTime: new Date(800) },
        { EndpointConfigName: older[2], EndpointConfigArn: 'a', CreationTime: new Date(700) },
        // Another environment whose prefix starts the same way is never touched.
        { EndpointConfigName: releaseName('churn-dev-eu', releaseId('x')), EndpointConfigArn: 'a', CreationTime: new Date(1) },
      ],
    });
    sagemaker.on(DeleteEndpointConfigCommand).resolves({});
    sagemaker.on(DeleteModelCommand).resolves({});
    const outcome = await runDeployJob(job(EXEC, { continuationToken: JSON.stringify({ phase: 'awaiting-endpoint', release: RELEASE }) }), deploySpec(), clients);
    expect(outcome.kind).toBe('succeeded');
    expect(sagemaker).toHaveReceivedCommandTimes(DeleteEndpointConfigCommand, 1);
    expect(sagemaker).toHaveReceivedCommandWith(DeleteEndpointConfigCommand, { EndpointConfigName: older[2] });
    expect(sagemaker).toHaveReceivedCommandWith(DeleteModelCommand, { ModelName: older[2] });
    expect(outcome.message).toContain(`removed old releases ${older[2]}`);
  });

  test('a clean-up that fails does not fail the release', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: RELEASE });
    const stale = ['exec-a', 'exec-b', 'exec-c'].map((e, i) => ({ EndpointConfigName: releaseName('churn-dev', releaseId(e)), EndpointConfigArn: 'a', CreationTime: new Date(900 - i) }));
    sagemaker.on(ListEndpointConfigsCommand).resolves({ EndpointConfigs: stale });
    sagemaker.on(DeleteEndpointConfigCommand).rejects(awsError('AccessDeniedException', 'no'));
    const outcome = await runDeployJob(job(EXEC, { continuationToken: JSON.stringify({ phase: 'awaiting-endpoint', release: RELEASE }) }), deploySpec(), clients);
    expect(outcome.kind).toBe('succeeded');
    expect(outcome.message).toMatch(/could not remove .* \(no\); the next release tries again/);
  });
});

describe('deploy handler: retries and throttling', () => {
  test('a CodePipeline retry of the same execution reuses the release and succeeds without a second rollout', async () => {
    s3.on(HeadObjectCommand, { Bucket: RELEASE_BUCKET }).resolves({ ContentLength: 1024 });
    sagemaker.on(CreateModelCommand).rejects(validation(`Cannot create already existing model "arn:aws:sagemaker:us-east-1:123456789012:model/${RELEASE}".`));
    sagemaker.on(CreateEndpointConfigCommand).rejects(validation(`Cannot create already existing endpoint configuration "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${RELEASE}".`));
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: RELEASE });

    const outcome = await runDeployJob(job(EXEC, { id: 'job-retry' }), deploySpec(), clients);
    expect(outcome.kind).toBe('succeeded');
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(sagemaker).not.toHaveReceivedCommand(UpdateEndpointCommand);
    expect(sagemaker).not.toHaveReceivedCommand(CreateEndpointCommand);
  });

  test('throttling before anything exists hands back a "starting" token, and the next call starts the same release', async () => {
    sagemaker.on(CreateModelCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).resolves({});
    const first = await runDeployJob(job(EXEC), deploySpec(), clients);
    expect(first).toMatchObject({ kind: 'in-progress', continuationToken: JSON.stringify({ phase: 'starting' }) });

    const second = await runDeployJob(job(EXEC, { continuationToken: (first as any).continuationToken }), deploySpec(), clients);
    expect(sagemaker).toHaveReceivedCommandWith(CreateEndpointCommand, { EndpointConfigName: RELEASE });
    expect(second.kind).toBe('in-progress');
  });

  test('throttling while waiting hands back the same continuation token', async () => {
    const token = JSON.stringify({ phase: 'awaiting-endpoint', release: RELEASE });
    sagemaker.on(DescribeEndpointCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    expect(await runDeployJob(job(EXEC, { continuationToken: token }), deploySpec(), clients)).toMatchObject({ kind: 'in-progress', continuationToken: token });
  });

  test('a time-out talking to SageMaker is retried, not failed', async () => {
    sagemaker.on(CreateModelCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    expect((await runDeployJob(job(EXEC), deploySpec(), clients)).kind).toBe('in-progress');
  });

  test('an error that will not pass by retrying fails the job with its name and message', async () => {
    sagemaker.on(CreateModelCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform sagemaker:CreateModel'));
    expect(await runDeployJob(job(EXEC), deploySpec(), clients)).toEqual({
      kind: 'failed',
      message: 'AccessDeniedException: not authorized to perform sagemaker:CreateModel',
    });
  });
});

describe('deploy handler: job configuration', () => {
  test('an environment the pipeline does not have fails, listing the ones it has', async () => {
    expect(await runDeployJob(job(EXEC, { environment: 'qa' }), deploySpec(), clients)).toEqual({
      kind: 'failed',
      message: 'Environment "qa" is not one of this pipeline\'s (dev)',
    });
  });

  test('a missing execution id fails, naming the parameter', async () => {
    const bad = { ...job(EXEC), userParameters: { environment: 'dev' } };
    expect(await runDeployJob(bad, deploySpec(), clients)).toEqual({ kind: 'failed', message: 'UserParameters.executionId must be a non-empty string' });
  });

  test('a continuation token it did not write is rejected (the handler then fails the job)', async () => {
    await expect(runDeployJob(job(EXEC, { continuationToken: 'not json' }), deploySpec(), clients)).rejects.toThrow(/continuation token is not one this handler wrote/);
  });

  test('readDeploySettings names the variable when it is missing or not JSON', () => {
    expect(() => readDeploySettings({})).toThrow(/no MLOPS_DEPLOY_SPEC environment variable/);
    expect(() => readDeploySettings({ MLOPS_DEPLOY_SPEC: '{' })).toThrow(/MLOPS_DEPLOY_SPEC is not valid JSON/);
    expect(readDeploySettings({ MLOPS_DEPLOY_SPEC: JSON.stringify(SETTINGS) }).environmentParameters.dev).toBe('/spec/dev');
  });

  test('loadDeploySpec reads only the job\'s environment from its SSM parameter', async () => {
    const spec = await loadDeploySpec(SETTINGS, 'dev', new SSMClient({ region: 'us-east-1' }));
    expect(spec).toEqual(deploySpec());
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
  });

  test('loadDeploySpec rejects an unknown environment and a parameter that is not JSON, naming them', async () => {
    const client = new SSMClient({ region: 'us-east-1' });
    await expect(loadDeploySpec(SETTINGS, 'qa', client)).rejects.toThrow('Environment "qa" is not one of this pipeline\'s (dev)');
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'oops' } });
    await expect(loadDeploySpec(SETTINGS, 'dev', client)).rejects.toThrow('The deploy spec of environment "dev" in SSM parameter /spec/dev is not valid JSON');
  });
});

describe('deploy handler: reporting to CodePipeline', () => {
  beforeEach(() => {
    process.env.MLOPS_DEPLOY_SPEC = JSON.stringify(SETTINGS);
    codepipeline.on(PutJobSuccessResultCommand).resolves({});
    codepipeline.on(PutJobFailureResultCommand).resolves({});
  });
  afterEach(() => {
    delete process.env.MLOPS_DEPLOY_SPEC;
  });

  test('an in-progress step is a success result carrying the continuation token', async () => {
    await handler(codePipelineEvent({ environment: 'dev', executionId: EXEC, artifactVersion: '' }));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, {
      jobId: 'job-1',
      continuationToken: JSON.stringify({ phase: 'awaiting-endpoint', release: RELEASE }),
    });
  });

  test('a finished release reports output variables and no continuation token', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: RELEASE });
    await handler(codePipelineEvent({ environment: 'dev', executionId: EXEC }, JSON.stringify({ phase: 'awaiting-endpoint', release: RELEASE, previousConfig: 'churn-dev-rold' })));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, {
      jobId: 'job-1',
      continuationToken: undefined,
      outputVariables: { EndpointName: 'churn-dev', EndpointConfigName: RELEASE, ModelName: RELEASE, PreviousEndpointConfigName: 'churn-dev-rold' },
    });
  });

  test('a failure is reported with its message', async () => {
    await handler(codePipelineEvent({ environment: 'qa', executionId: EXEC }));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobFailureResultCommand, {
      jobId: 'job-1',
      failureDetails: { type: 'JobFailed', message: expect.stringContaining('Environment "qa"') },
    });
  });

  test('UserParameters that are not a JSON object fail the job instead of timing it out', async () => {
    await handler(codePipelineEvent('[1,2]'));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobFailureResultCommand, {
      failureDetails: { type: 'JobFailed', message: 'The action\'s UserParameters are not a JSON object' },
    });
  });

  test('a throttled read of the environment\'s spec asks CodePipeline to call again', async () => {
    ssm.on(GetParameterCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await handler(codePipelineEvent({ environment: 'dev', executionId: EXEC }));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { continuationToken: JSON.stringify({ phase: 'starting' }) });
  });

  test('an event that is not a CodePipeline job is rejected loudly', async () => {
    await expect(handler({} as any)).rejects.toThrow(/not a CodePipeline job/);
    expect(codepipeline).not.toHaveReceivedCommand(PutJobFailureResultCommand);
  });
});
