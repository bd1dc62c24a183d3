import 'aws-sdk-client-mock-jest';
import {
  CreateDataQualityJobDefinitionCommand,
  CreateModelQualityJobDefinitionCommand,
  CreateMonitoringScheduleCommand,
  CreateProcessingJobCommand,
  DeleteDataQualityJobDefinitionCommand,
  DeleteModelQualityJobDefinitionCommand,
  DeleteMonitoringScheduleCommand,
  DescribeModelQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeProcessingJobCommand,
  ListDataQualityJobDefinitionsCommand,
  ListModelQualityJobDefinitionsCommand,
  SageMakerClient,
  UpdateMonitoringScheduleCommand,
} from '@aws-sdk/client-sagemaker';
import { awsError, modelQualitySpec, monitoringSpec } from './monitoring-fixtures';
import {
  dataQualityDefinitionName,
  modelQualityBaselineJobName,
  modelQualityDefinitionName,
  modelQualityScheduleName,
} from '../../../src/contract/monitoring-naming';
import { baselineJobRequest, continueBaseline, startBaseline } from '../../../src/runtime/model-monitor-baseline';
import { deleteSchedule, ensureSchedule, modelQualityDefinition } from '../../../src/runtime/monitoring-schedule';
import { mockedClients } from '../../harness/mocked-clients';

/**
 * Model-quality baselines, job definitions and schedules when AWS answers
 * what moto cannot: the exact requests, Pending schedules, throttling, and
 * definitions that cannot go yet.
 */
const { sagemaker } = mockedClients({ sagemaker: SageMakerClient });
const client = new SageMakerClient({ region: 'us-east-1' });
const spec = monitoringSpec({ modelQuality: modelQualitySpec() });
const JOB = modelQualityBaselineJobName(spec.namePrefix, 'exec-1');
const OUTPUT = `s3://churn-monitoring/prod/baselines/${JOB}`;
const SCHEDULE = modelQualityScheduleName(spec.namePrefix);
const BASELINE = { jobName: JOB, statisticsUri: `${OUTPUT}/statistics.json`, constraintsUri: `${OUTPUT}/constraints.json` };
const DEFINITION = modelQualityDefinitionName(spec.namePrefix, BASELINE.constraintsUri);
const OLD_DEFINITION = modelQualityDefinitionName(spec.namePrefix, 's3://m/b0/constraints.json');
const notFound = (what: string) => awsError('ResourceNotFound', `${what} not found`);

function definitionsListed(names: string[]): void {
  sagemaker.on(ListModelQualityJobDefinitionsCommand).resolves({
    JobDefinitionSummaries: names.map((n) => ({ MonitoringJobDefinitionName: n, MonitoringJobDefinitionArn: 'a', CreationTime: new Date(), EndpointName: 'churn-prod' })),
  });
}

function serving(definition: string, status: 'Pending' | 'Scheduled' = 'Scheduled') {
  sagemaker.on(DescribeMonitoringScheduleCommand).resolves({
    MonitoringScheduleName: SCHEDULE,
    MonitoringScheduleStatus: status,
    MonitoringType: 'ModelQuality',
    MonitoringScheduleConfig: { MonitoringJobDefinitionName: definition, MonitoringType: 'ModelQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } },
  });
}

beforeEach(() => {
  sagemaker.on(DescribeModelQualityJobDefinitionCommand).rejects(notFound('Model quality job definition'));
  sagemaker.on(CreateModelQualityJobDefinitionCommand).resolves({});
  sagemaker.on(DescribeMonitoringScheduleCommand).rejects(notFound('Monitoring schedule'));
  sagemaker.on(CreateMonitoringScheduleCommand).resolves({});
  sagemaker.on(UpdateMonitoringScheduleCommand).resolves({});
  definitionsListed([]);
});

describe('model-quality baseline job', () => {
  test('runs the analyzer on the labelled dataset with the model-quality variables, into its own folder', () => {
    const request = baselineJobRequest(spec, JOB, 'model-quality');
    expect(request.Environment).toEqual({
      analysis_type: 'MODEL_QUALITY',
      problem_type: 'BinaryClassification',
      ground_truth_attribute: 'label',
      inference_attribute: 'prediction',
      probability_attribute: 'probability',
      probability_threshold_attribute: '0.5',
      // The dataset is a CSV with a header row, whatever the data-quality dataset is.
      dataset_format: '{"csv":{"header":true,"output_columns_position":"START"}}',
      dataset_source: '/opt/ml/processing/input/baseline_dataset_input',
      output_path: '/opt/ml/processing/output',
      publish_cloudwatch_metrics: 'Disabled',
    });
    expect(request.ProcessingInputs![0].S3Input!.S3Uri).toBe('s3://churn-data/model-quality/validation-scored.csv');
    expect(request.ProcessingOutputConfig!.Outputs![0].S3Output!.S3Uri).toBe(OUTPUT);
    expect(request.AppSpecification).toEqual({ ImageUri: spec.imageUri });
  });

  test('a regression baseline names only the columns it has', () => {
    const regression = monitoringSpec({
      baselineDatasetFormat: { kind: 'jsonLines' },
      modelQuality: modelQualitySpec({ problemType: 'Regression', baselineColumns: { groundTruth: 'price', inference: 'predicted_price' }, probabilityThreshold: undefined }),
    });
    expect(baselineJobRequest(regression, JOB, 'model-quality').Environment).toEqual(expect.objectContaining({
      problem_type: 'Regression',
      ground_truth_attribute: 'price',
      inference_attribute: 'predicted_price',
      dataset_format: '{"csv":{"header":true,"output_columns_position":"START"}}',
    }));
    const variables = Object.keys(baselineJobRequest(regression, JOB, 'model-quality').Environment!);
    expect(variables).not.toContain('probability_attribute');
    expect(variables).not.toContain('probability_threshold_attribute');
  });

  test('the data-quality request is unchanged by a model-quality spec', () => {
    const dataQuality = baselineJobRequest(spec, 'b', 'data-quality');
    expect(dataQuality).toEqual(baselineJobRequest(monitoringSpec(), 'b'));
    expect(dataQuality.Environment).not.toHaveProperty('analysis_type');
  });

  test('is started under its own name and reported in progress', async () => {
    sagemaker.on(DescribeProcessingJobCommand).rejects(awsError('ValidationException', `Could not find requested job with name ${JOB}`));
    sagemaker.on(CreateProcessingJobCommand).resolves({});
    expect(await startBaseline(spec, 'exec-1', client, 'model-quality')).toEqual({
      kind: 'in-progress',
      state: { jobName: JOB, outputUri: OUTPUT },
      message: `Started baseline job ${JOB} on s3://churn-data/model-quality/validation-scored.csv`,
    });
    expect(sagemaker).toHaveReceivedCommandWith(CreateProcessingJobCommand, { ProcessingJobName: JOB });
  });

  test('a Failed job carries SageMaker\'s reason', async () => {
    sagemaker.on(DescribeProcessingJobCommand).resolves({ ProcessingJobStatus: 'Failed', FailureReason: 'AlgorithmError: column label not found' });
    expect(await continueBaseline({ jobName: JOB, outputUri: OUTPUT }, client)).toEqual({
      kind: 'failed',
      message: `Baseline job ${JOB} is Failed: AlgorithmError: column label not found`,
    });
  });

  test('an environment without model quality has no model-quality baseline to start, and calls nothing', async () => {
    await expect(startBaseline(monitoringSpec(), 'exec-1', client, 'model-quality')).rejects.toThrow('Drift detection on churn-prod does not monitor model quality');
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

describe('model-quality job definition', () => {
  test('points at the baseline\'s constraints, the captured predictions and the ground truth', () => {
    const definition = modelQualityDefinition(spec, BASELINE);
    expect(definition).toMatchObject({
      JobDefinitionName: DEFINITION,
      ModelQualityBaselineConfig: { ConstraintsResource: { S3Uri: BASELINE.constraintsUri } },
      ModelQualityAppSpecification: { ImageUri: spec.imageUri, ProblemType: 'BinaryClassification', Environment: { publish_cloudwatch_metrics: 'Enabled' } },
      ModelQualityJobInput: {
        EndpointInput: {
          EndpointName: 'churn-prod',
          LocalPath: '/opt/ml/processing/input/endpoint',
          ProbabilityAttribute: '0',
          ProbabilityThresholdAttribute: 0.5,
          StartTimeOffset: '-P2D',
          EndTimeOffset: '-P1D',
        },
        GroundTruthS3Input: { S3Uri: 's3://churn-ground-truth/prod' },
      },
      ModelQualityJobOutputConfig: { MonitoringOutputs: [{ S3Output: { S3Uri: 's3://churn-monitoring/prod/model-quality-reports' } }] },
      RoleArn: spec.roleArn,
      Tags: [{ Key: 'mlops:pipeline', Value: 'churn' }],
    });
    // The API takes constraints only.
    expect(definition.ModelQualityBaselineConfig).not.toHaveProperty('StatisticsResource');
    expect(definition.ModelQualityJobInput!.EndpointInput!.InferenceAttribute).toBeUndefined();
  });

  test('an hourly schedule\'s runs are capped at 1800 s (the ground-truth merge shares the hour); a daily one keeps the configured runtime', () => {
    expect(modelQualityDefinition(spec, BASELINE).StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1800 });
    expect(modelQualityDefinition({ ...spec, schedule: 'daily' }, BASELINE).StoppingCondition).toEqual({ MaxRuntimeInSeconds: 7200 });
  });

  test('a KMS key encrypts the volumes and the reports', () => {
    const kmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/abc';
    const definition = modelQualityDefinition({ ...spec, kmsKeyArn }, BASELINE);
    expect(definition.ModelQualityJobOutputConfig!.KmsKeyId).toBe(kmsKeyArn);
    expect(definition.JobResources!.ClusterConfig!.VolumeKmsKeyId).toBe(kmsKeyArn);
  });
});

describe('ensureSchedule for model quality', () => {
  test('first baseline: creates the model-quality definition and a ModelQuality schedule on it, touching nothing of data quality', async () => {
    expect(await ensureSchedule(spec, BASELINE, client, 'model-quality')).toMatchObject({ kind: 'created', scheduleName: SCHEDULE });
    expect(sagemaker).toHaveReceivedCommandWith(CreateModelQualityJobDefinitionCommand, { JobDefinitionName: DEFINITION });
    expect(sagemaker).toHaveReceivedCommandWith(CreateMonitoringScheduleCommand, {
      MonitoringScheduleName: SCHEDULE,
      MonitoringScheduleConfig: { MonitoringJobDefinitionName: DEFINITION, MonitoringType: 'ModelQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } },
    });
    expect(sagemaker).not.toHaveReceivedCommand(CreateDataQualityJobDefinitionCommand);
    expect(sagemaker).not.toHaveReceivedCommand(ListDataQualityJobDefinitionsCommand);
    expect(sagemaker).not.toHaveReceivedCommand(DeleteDataQualityJobDefinitionCommand);
  });

  test('a new baseline moves the schedule and deletes the old model-quality definition, not another environment\'s', async () => {
    serving(OLD_DEFINITION);
    const neighbour = modelQualityDefinitionName(`${spec.namePrefix}-eu`, 's3://m/b0/constraints.json');
    definitionsListed([OLD_DEFINITION, DEFINITION, neighbour]);
    sagemaker.on(DeleteModelQualityJobDefinitionCommand).resolves({});

    expect(await ensureSchedule(spec, BASELINE, client, 'model-quality')).toMatchObject({ kind: 'updated', cleanup: { removed: [OLD_DEFINITION], failed: [] } });

    expect(sagemaker).toHaveReceivedCommandWith(UpdateMonitoringScheduleCommand, {
      MonitoringScheduleName: SCHEDULE,
      MonitoringScheduleConfig: expect.objectContaining({ MonitoringJobDefinitionName: DEFINITION, MonitoringType: 'ModelQuality' }),
    });
    expect(sagemaker).toHaveReceivedCommandWith(ListModelQualityJobDefinitionsCommand, { NameContains: `${spec.namePrefix}-mq` });
    expect(sagemaker).toHaveReceivedCommandTimes(DeleteModelQualityJobDefinitionCommand, 1);
  });

  test('a data-quality definition listed by a loose NameContains is never taken for a model-quality one', async () => {
    serving(OLD_DEFINITION);
    definitionsListed([dataQualityDefinitionName(spec.namePrefix, 's3://m/s.json', 's3://m/c.json')]);
    expect(await ensureSchedule(spec, BASELINE, client, 'model-quality')).toMatchObject({ cleanup: { removed: [], failed: [] } });
    expect(sagemaker).not.toHaveReceivedCommand(DeleteModelQualityJobDefinitionCommand);
  });

  test('a Pending schedule is busy: not updated yet', async () => {
    serving(OLD_DEFINITION, 'Pending');
    expect(await ensureSchedule(spec, BASELINE, client, 'model-quality')).toEqual({
      kind: 'busy',
      scheduleName: SCHEDULE,
      message: `Monitoring schedule ${SCHEDULE} is Pending; updating it once it settles`,
    });
    expect(sagemaker).not.toHaveReceivedCommand(UpdateMonitoringScheduleCommand);
  });

  test('a retry finds the definition and the schedule in place and changes nothing', async () => {
    sagemaker.on(DescribeModelQualityJobDefinitionCommand).resolves({ JobDefinitionName: DEFINITION });
    serving(DEFINITION);
    expect(await ensureSchedule(spec, BASELINE, client, 'model-quality')).toMatchObject({ kind: 'unchanged' });
    expect(sagemaker).not.toHaveReceivedCommand(CreateModelQualityJobDefinitionCommand);
    expect(sagemaker).not.toHaveReceivedCommand(UpdateMonitoringScheduleCommand);
  });

  test('a definition made by a concurrent attempt (ResourceInUse) is fine', async () => {
    sagemaker.on(CreateModelQualityJobDefinitionCommand).rejects(awsError('ResourceInUse', `Model Quality Job Definition with name ${DEFINITION} already exists`));
    expect(await ensureSchedule(spec, BASELINE, client, 'model-quality')).toMatchObject({ kind: 'created' });
  });

  test('throttling is thrown for the handler to retry; a refused definition is thrown before any schedule call', async () => {
    sagemaker.on(DescribeModelQualityJobDefinitionCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(ensureSchedule(spec, BASELINE, client, 'model-quality')).rejects.toThrow('Rate exceeded');

    sagemaker.on(DescribeModelQualityJobDefinitionCommand).rejects(notFound('Model quality job definition'));
    sagemaker.on(CreateModelQualityJobDefinitionCommand).rejects(awsError('ValidationException', 'Role cannot be assumed'));
    await expect(ensureSchedule(spec, BASELINE, client, 'model-quality')).rejects.toThrow('Role cannot be assumed');
    expect(sagemaker).not.toHaveReceivedCommand(DescribeMonitoringScheduleCommand);
  });

  test('an old definition that cannot be deleted yet is reported, not fatal', async () => {
    serving(OLD_DEFINITION);
    definitionsListed([OLD_DEFINITION]);
    sagemaker.on(DeleteModelQualityJobDefinitionCommand).rejects(awsError('ResourceInUse', 'in use by a running job'));
    expect(await ensureSchedule(spec, BASELINE, client, 'model-quality')).toMatchObject({
      kind: 'updated',
      cleanup: { removed: [], failed: [{ name: OLD_DEFINITION, reason: 'in use by a running job' }] },
    });
  });

  test('an environment without model quality gets no model-quality schedule, and calls nothing', async () => {
    await expect(ensureSchedule(monitoringSpec(), BASELINE, client, 'model-quality')).rejects.toThrow('does not monitor model quality');
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

describe('deleteSchedule for model quality', () => {
  test('deletes the model-quality schedule and every model-quality definition of the environment', async () => {
    sagemaker.on(DeleteMonitoringScheduleCommand).resolves({});
    definitionsListed([DEFINITION]);
    sagemaker.on(DeleteModelQualityJobDefinitionCommand).resolves({});
    expect(await deleteSchedule(spec, client, 'model-quality')).toEqual({ scheduleDeleted: true, cleanup: { removed: [DEFINITION], failed: [] } });
    expect(sagemaker).toHaveReceivedCommandWith(DeleteMonitoringScheduleCommand, { MonitoringScheduleName: SCHEDULE });
    expect(sagemaker).not.toHaveReceivedCommand(ListDataQualityJobDefinitionsCommand);
  });

  test('an environment that never monitored model quality has nothing to delete', async () => {
    sagemaker.on(DeleteMonitoringScheduleCommand).rejects(awsError('ResourceNotFound', `Monitoring schedule ${SCHEDULE} does not exist`));
    expect(await deleteSchedule({ namePrefix: spec.namePrefix }, client, 'model-quality')).toEqual({ scheduleDeleted: false, cleanup: { removed: [], failed: [] } });
  });
});
