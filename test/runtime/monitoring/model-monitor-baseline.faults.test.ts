import 'aws-sdk-client-mock-jest';
import { CreateProcessingJobCommand, DescribeProcessingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { awsError, monitoringSpec } from './monitoring-fixtures';
import { baselineJobName } from '../../../src/contract/monitoring-naming';
import { continueBaseline, startBaseline } from '../../../src/runtime/model-monitor-baseline';
import { mockedClients } from '../../harness/mocked-clients';

const { sagemaker } = mockedClients({ sagemaker: SageMakerClient });
const client = new SageMakerClient({ region: 'us-east-1' });
const spec = monitoringSpec();
const JOB = baselineJobName(spec.namePrefix, 'exec-1');
const STATE = { jobName: JOB, outputUri: `s3://churn-monitoring/prod/baselines/${JOB}` };
const missing = () => awsError('ValidationException', `Could not find requested job with name ${JOB}`);

describe('startBaseline', () => {
  test('creates the suggest-baseline job with the analyzer contract and reports it in progress', async () => {
    sagemaker.on(DescribeProcessingJobCommand).rejects(missing());
    sagemaker.on(CreateProcessingJobCommand).resolves({ ProcessingJobArn: 'arn' });

    const outcome = await startBaseline(spec, 'exec-1', client);

    expect(outcome).toEqual({ kind: 'in-progress', state: STATE, message: expect.stringContaining(JOB) });
    expect(sagemaker).toHaveReceivedCommandWith(CreateProcessingJobCommand, {
      ProcessingJobName: JOB,
      AppSpecification: { ImageUri: '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer' },
      Environment: {
        dataset_format: '{"csv":{"header":true,"output_columns_position":"START"}}',
        dataset_source: '/opt/ml/processing/input/baseline_dataset_input',
        output_path: '/opt/ml/processing/output',
        publish_cloudwatch_metrics: 'Disabled',
      },
    });
    const input = sagemaker.commandCalls(CreateProcessingJobCommand)[0].args[0].input;
    expect(input.ProcessingInputs![0].S3Input).toMatchObject({ S3Uri: spec.baselineDatasetUri, LocalPath: '/opt/ml/processing/input/baseline_dataset_input' });
    expect(input.ProcessingOutputConfig!.Outputs![0].S3Output).toMatchObject({ S3Uri: STATE.outputUri, LocalPath: '/opt/ml/processing/output' });
    expect(input.ProcessingResources!.ClusterConfig).toMatchObject({ InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 20 });
  });

  test('a CSV without a header row says so', async () => {
    sagemaker.on(DescribeProcessingJobCommand).rejects(missing());
    sagemaker.on(CreateProcessingJobCommand).resolves({});
    await startBaseline(monitoringSpec({ baselineDatasetFormat: { kind: 'csv', header: false } }), 'exec-1', client);
    expect(JSON.parse(sagemaker.commandCalls(CreateProcessingJobCommand)[0].args[0].input.Environment!.dataset_format)).toEqual({
      csv: { header: false, output_columns_position: 'START' },
    });
  });

  test('JSON Lines datasets are announced as json lines', async () => {
    sagemaker.on(DescribeProcessingJobCommand).rejects(missing());
    sagemaker.on(CreateProcessingJobCommand).resolves({});
    await startBaseline(monitoringSpec({ baselineDatasetFormat: { kind: 'jsonLines' } }), 'exec-1', client);
    expect(sagemaker.commandCalls(CreateProcessingJobCommand)[0].args[0].input.Environment!.dataset_format).toBe('{"json":{"lines":true}}');
  });

  test('a KMS key encrypts the volumes and the output', async () => {
    sagemaker.on(DescribeProcessingJobCommand).rejects(missing());
    sagemaker.on(CreateProcessingJobCommand).resolves({});
    const kmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/abc';
    await startBaseline(monitoringSpec({ kmsKeyArn }), 'exec-1', client);
    const input = sagemaker.commandCalls(CreateProcessingJobCommand)[0].args[0].input;
    expect(input.ProcessingOutputConfig!.KmsKeyId).toBe(kmsKeyArn);
    expect(input.ProcessingResources!.ClusterConfig!.VolumeKmsKeyId).toBe(kmsKeyArn);
  });

  test('a retried job finds its running job and does not start another', async () => {
    sagemaker.on(DescribeProcessingJobCommand).resolves({ ProcessingJobName: JOB, ProcessingJobStatus: 'InProgress' });
    const outcome = await startBaseline(spec, 'exec-1', client);
    expect(outcome.kind).toBe('in-progress');
    expect(sagemaker).not.toHaveReceivedCommand(CreateProcessingJobCommand);
  });

  test('ResourceInUse on create (a concurrent attempt made the job) follows that job', async () => {
    sagemaker.on(DescribeProcessingJobCommand)
      .rejectsOnce(missing())
      .resolves({ ProcessingJobName: JOB, ProcessingJobStatus: 'InProgress' });
    sagemaker.on(CreateProcessingJobCommand).rejects(awsError('ResourceInUse', `Job name ${JOB} is already in use`));
    const outcome = await startBaseline(spec, 'exec-1', client);
    expect(outcome).toMatchObject({ kind: 'in-progress', state: STATE });
    expect(sagemaker).toHaveReceivedCommandTimes(DescribeProcessingJobCommand, 2);
  });

  test('throttling on create is thrown for the handler to retry', async () => {
    sagemaker.on(DescribeProcessingJobCommand).rejects(missing());
    sagemaker.on(CreateProcessingJobCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(startBaseline(spec, 'exec-1', client)).rejects.toThrow('Rate exceeded');
  });

  test('another validation error is thrown, not taken for an existing job', async () => {
    sagemaker.on(DescribeProcessingJobCommand).rejects(missing());
    sagemaker.on(CreateProcessingJobCommand).rejects(awsError('ValidationException', 'Role is not authorized'));
    await expect(startBaseline(spec, 'exec-1', client)).rejects.toThrow('Role is not authorized');
  });
});

describe('continueBaseline', () => {
  test('Completed gives the statistics and constraints where SageMaker uploaded them', async () => {
    sagemaker.on(DescribeProcessingJobCommand).resolves({
      ProcessingJobStatus: 'Completed',
      ProcessingOutputConfig: { Outputs: [{ OutputName: 'monitoring_output', S3Output: { S3Uri: `${STATE.outputUri}/`, LocalPath: '/x', S3UploadMode: 'EndOfJob' } }] },
    });
    expect(await continueBaseline(STATE, client)).toEqual({
      kind: 'succeeded',
      message: expect.any(String),
      baseline: { jobName: JOB, statisticsUri: `${STATE.outputUri}/statistics.json`, constraintsUri: `${STATE.outputUri}/constraints.json` },
    });
  });

  test('Failed carries SageMaker\'s FailureReason', async () => {
    sagemaker.on(DescribeProcessingJobCommand).resolves({ ProcessingJobStatus: 'Failed', FailureReason: 'AlgorithmError: no header row in the dataset' });
    expect(await continueBaseline(STATE, client)).toEqual({
      kind: 'failed',
      message: `Baseline job ${JOB} is Failed: AlgorithmError: no header row in the dataset`,
    });
  });

  test('Stopped is a failure; Stopping is still in progress', async () => {
    sagemaker.on(DescribeProcessingJobCommand).resolvesOnce({ ProcessingJobStatus: 'Stopping' }).resolves({ ProcessingJobStatus: 'Stopped' });
    expect((await continueBaseline(STATE, client)).kind).toBe('in-progress');
    expect(await continueBaseline(STATE, client)).toEqual({ kind: 'failed', message: `Baseline job ${JOB} is Stopped` });
  });

  test('throttling while polling is "check again", not a failed release', async () => {
    sagemaker.on(DescribeProcessingJobCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    expect(await continueBaseline(STATE, client)).toMatchObject({ kind: 'in-progress', state: STATE, message: expect.stringContaining('Rate exceeded') });
  });

  test('an access error while polling is thrown', async () => {
    sagemaker.on(DescribeProcessingJobCommand).rejects(awsError('AccessDeniedException', 'not allowed'));
    await expect(continueBaseline(STATE, client)).rejects.toThrow('not allowed');
  });

  test('a job that disappeared fails the baseline', async () => {
    sagemaker.on(DescribeProcessingJobCommand).rejects(missing());
    expect(await continueBaseline(STATE, client)).toEqual({ kind: 'failed', message: `Baseline job ${JOB} no longer exists` });
  });
});
