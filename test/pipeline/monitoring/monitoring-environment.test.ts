import { Duration, Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ByomPipeline, DatasetFormat, DriftCheckFrequency, EnvironmentProps, ModelQualityProblemType, ModelQualityProps, MonitoringProps } from '../../../src';
import { expectCfnLintClean } from '../../harness/cfn-lint';
import { expectNagClean } from '../../harness/nag';
import { basicProps, modelBucket, newAgnosticStack, newStack, specOf } from '../fixtures';

function monitoredPipeline(stack = newStack(), monitoring: Partial<MonitoringProps> = {}, env: Partial<EnvironmentProps> = {}) {
  const data = modelBucket(stack, 'Data');
  const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack, {
    environments: [
      { name: 'dev' },
      { name: 'prod', approval: true, monitoring: { baselineDataset: { bucket: data, prefix: 'churn/train.csv' }, ...monitoring }, ...env },
    ],
  }));
  return { stack, pipeline, template: Template.fromStack(stack) };
}

function stageNames(template: Template): string[] {
  const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as { Properties: { Stages: Array<{ Name: string }> } };
  return pipeline.Properties.Stages.map((s) => s.Name);
}

describe('an environment with drift detection', () => {
  const { stack, pipeline, template } = monitoredPipeline();
  const prod = pipeline.environments[1];

  test('gets a Monitor stage after its Share stage, run by the deploy function', () => {
    expect(stageNames(template)).toEqual(['Source', 'Deploy-dev', 'Share-dev', 'Approve-prod', 'Deploy-prod', 'Share-prod', 'Monitor-prod']);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([Match.objectLike({
        Name: 'Monitor-prod',
        Actions: [Match.objectLike({
          Name: 'Monitor',
          Namespace: 'Monitor-prod',
          Configuration: Match.objectLike({ UserParameters: Match.serializedJson(Match.objectLike({ environment: 'prod', step: 'monitor' })) }),
        })],
      })]),
    });
  });

  test('turns data capture on for the endpoint (all requests by default)', () => {
    expect(specOf(pipeline, 'prod').dataCapture).toMatchObject({ samplingPercentage: 100 });
    expect(specOf(pipeline, 'dev').dataCapture).toBeUndefined();
  });

  test('tells the deploy handler the baseline dataset, format, schedule, job resources, role and region\'s analyzer image', () => {
    const spec = specOf(pipeline, 'prod').monitoring;
    expect(spec).toMatchObject({
      namePrefix: 'churn-prod',
      baselineDatasetFormat: { kind: 'csv', header: true },
      schedule: 'hourly',
      resources: { instanceType: 'ml.m5.xlarge', instanceCount: 1, volumeSizeGb: 20, maxRuntimeSeconds: 3600 },
      imageUri: '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer',
    });
    expect(JSON.stringify(spec.baselineDatasetUri)).toContain('/churn/train.csv');
    expect(JSON.stringify(spec.outputPrefix)).toContain('/monitoring/churn-prod/');
    expect(prod.monitoringScheduleName).toBe('churn-prod-data-quality');
    expect(prod.driftCheckFrequency).toBe(DriftCheckFrequency.HOURLY);
  });

  test('lets the deploy role manage only the environment\'s baseline jobs, job definitions and schedule, and pass only its monitoring role', () => {
    const deployPolicy = JSON.stringify(Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('ChurnDeployRole'))![1]);
    expect(deployPolicy).toContain(':processing-job/churn-prod-baseline-*');
    expect(deployPolicy).toContain(':data-quality-job-definition/churn-prod-dq-*');
    expect(deployPolicy).toContain(':monitoring-schedule/churn-prod-data-quality"');
    expect(deployPolicy).toContain(stack.resolve(prod.monitoringRole!.roleArn)['Fn::GetAtt'][0]);
    expect(deployPolicy).not.toContain('churn-dev-data-quality');
  });

  test('gives the monitoring role the dataset, the captured traffic and its own output prefix', () => {
    const roleId = stack.resolve(prod.monitoringRole!.roleArn)['Fn::GetAtt'][0];
    const policy = JSON.stringify(Object.values(template.findResources('AWS::IAM::Policy'))
      .find((p) => JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(roleId)));
    expect(policy).toContain('/churn/train.csv*');
    expect(policy).toContain('/data-capture/churn-prod/*');
    expect(policy).toContain('/monitoring/churn-prod/*');
    expect(policy).toContain('repository/sagemaker-model-monitor-analyzer');
  });

  test('raises a violations alarm and a failed-check alarm per hourly run, both emailing the pipeline\'s topic', () => {
    expect(prod.driftAlarm).toBeDefined();
    expect(prod.driftCheckFailedAlarm).toBeDefined();
    expect(pipeline.environments[0].driftAlarm).toBeUndefined();
    const topic = stack.resolve(pipeline.topic.topicArn);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-prod-data-quality-violations',
      Namespace: 'MLOps/ModelMonitor',
      MetricName: 'ConstraintViolations',
      Dimensions: [{ Name: 'MonitoringSchedule', Value: 'churn-prod-data-quality' }],
      Period: 3600,
      Threshold: 1,
      AlarmActions: [topic],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-prod-data-quality-failures',
      MetricName: 'MonitoringFailures',
      AlarmActions: [topic],
    });
  });

  test('a pipeline without drift detection has no violations function or rule', () => {
    const plain = newStack();
    new ByomPipeline(plain, 'Churn', basicProps(plain));
    expect(Object.keys(Template.fromStack(plain).findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { 'detail-type': ['SageMaker Processing Job State Change'] } },
    }))).toHaveLength(0);
    expect(JSON.stringify(Template.fromStack(plain).toJSON())).not.toContain('MLOps/ModelMonitor');
  });

  test('has the clean-up delete the schedule and its job definitions', () => {
    template.hasResourceProperties('Custom::MlopsReleaseCleanup', {
      Environments: Match.arrayWith([Match.objectLike({ endpointName: 'churn-prod', monitoringPrefix: 'churn-prod' })]),
    });
    const cleanupPolicy = JSON.stringify(Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('ChurnCleanupRole'))![1]);
    expect(cleanupPolicy).toContain(':monitoring-schedule/churn-prod-data-quality');
    expect(cleanupPolicy).toContain(':data-quality-job-definition/churn-prod-dq-*');
  });

  test('is cfn-lint clean and has no unacknowledged cdk-nag finding', () => {
    expectCfnLintClean(template.toJSON());
    expectNagClean(stack);
  });
});

describe('drift detection options', () => {
  test('daily checks, JSON Lines, bigger jobs and the environment\'s own capture reach the spec', () => {
    const { pipeline, template } = monitoredPipeline(newStack(), {
      violationsThreshold: 5,
      frequency: DriftCheckFrequency.DAILY,
      datasetFormat: DatasetFormat.jsonLines(),
      instanceType: 'ml.m5.2xlarge',
      instanceCount: 2,
      volumeSize: Size.gibibytes(50),
      maxRuntime: Duration.hours(3),
    }, { dataCapture: { samplingPercentage: 25 } });
    const spec = specOf(pipeline, 'prod');
    expect(spec.dataCapture).toMatchObject({ samplingPercentage: 25 });
    expect(spec.monitoring).toMatchObject({
      schedule: 'daily',
      baselineDatasetFormat: { kind: 'jsonLines' },
      resources: { instanceType: 'ml.m5.2xlarge', instanceCount: 2, volumeSizeGb: 50, maxRuntimeSeconds: 10800 },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-prod-data-quality-violations', Period: 86400, Threshold: 5 });
  });

  test('a CSV without a header says so', () => {
    const { pipeline } = monitoredPipeline(newStack(), { datasetFormat: DatasetFormat.csv({ header: false }) });
    expect(specOf(pipeline, 'prod').monitoring.baselineDatasetFormat).toEqual({ kind: 'csv', header: false });
  });

  test('an environment-agnostic stack looks the analyzer image up by region at deploy time, and synthesizes clean', () => {
    const { stack, pipeline, template } = monitoredPipeline(newAgnosticStack());
    expect(JSON.stringify(specOf(pipeline, 'prod').monitoring.imageUri)).toContain('MlopsModelMonitorRegistry');
    expect(template.toJSON().Mappings.MlopsModelMonitorRegistry['eu-west-1']).toEqual({ account: '468650794304' });
    expectCfnLintClean(template.toJSON());
    expectNagClean(stack);
  });

  test('a region without a known analyzer image is refused at synth, listing the known ones', () => {
    expect(() => monitoredPipeline(newStack({ account: '111111111111', region: 'ap-south-2' }))).toThrow(/analyzer image is not known in region "ap-south-2"; known regions: af-south-1/);
  });
});

describe('drift detection props are validated', () => {
  test.each([
    ['instanceType', { instanceType: 'm5.xlarge' }, /is not a SageMaker processing instance type/],
    ['instanceCount', { instanceCount: 0 }, /instanceCount/],
    ['volumeSize', { volumeSize: Size.mebibytes(512) }, /whole number of GiB/],
    ['maxRuntime', { maxRuntime: Duration.hours(2) }, /1 hour\(s\) for an hourly check/],
    ['violationsThreshold', { violationsThreshold: 0 }, /violationsThreshold/],
    ['baselineDataset.prefix', { baselineDataset: undefined }, /must not start with "\/"/],
  ])('a bad %s is refused, naming the field', (field, change, message) => {
    const make = () => {
      const stack = newStack();
      const data = modelBucket(stack, 'Data');
      const monitoring: Record<string, unknown> = { baselineDataset: { bucket: data, prefix: field === 'baselineDataset.prefix' ? '/train.csv' : 'train.csv' }, ...change };
      if (monitoring.baselineDataset === undefined) {
        monitoring.baselineDataset = { bucket: data, prefix: '/train.csv' };
      }
      return new ByomPipeline(stack, 'Churn', basicProps(stack, { environments: [{ name: 'prod', monitoring: monitoring as unknown as MonitoringProps }] }));
    };
    expect(make).toThrow(new RegExp(`environments\\[0\\]\\.monitoring\\.${field.replace(/\./g, '\\.')}`));
    expect(make).toThrow(message);
  });

  test('a daily check may run up to a day: 20 hours reach its job resources', () => {
    const { pipeline } = monitoredPipeline(newStack(), { frequency: DriftCheckFrequency.DAILY, maxRuntime: Duration.hours(20) });
    expect(specOf(pipeline, 'prod').monitoring).toMatchObject({ schedule: 'daily', resources: { maxRuntimeSeconds: 72000 } });
  });

  test('a serverless environment cannot detect drift', () => {
    expect(() => monitoredPipeline(newStack(), {}, { serverless: { memorySizeMb: 2048, maxConcurrency: 2 } }))
      .toThrow(/environments\[1\]\.monitoring: cannot be set together with serverless \(SageMaker cannot capture a serverless endpoint's traffic\)/);
  });

  test('an environment in another account cannot detect drift yet', () => {
    expect(() => monitoredPipeline(newStack(), {}, { account: '222222222222' }))
      .toThrow(/environments\[1\]\.monitoring: is not supported for an environment in another account or region/);
  });
});

describe('model-quality monitoring', () => {
  function withQuality(quality: Partial<ModelQualityProps> = {}) {
    const stack = newStack();
    const labels = modelBucket(stack, 'Labels');
    const modelQuality: ModelQualityProps = {
      problemType: ModelQualityProblemType.BINARY_CLASSIFICATION,
      baselineDataset: { bucket: labels, prefix: 'churn/validation-scored.csv' },
      groundTruthColumn: 'label',
      probabilityColumn: 'probability',
      endpointProbability: '0',
      probabilityThreshold: 0.5,
      groundTruth: { bucket: labels, prefix: 'churn/ground-truth/' },
      ...quality,
    };
    return monitoredPipeline(stack, { modelQuality });
  }

  test('tells the deploy handler the problem type, columns, threshold, labels and the analysed window', () => {
    const { pipeline } = withQuality();
    const spec = specOf(pipeline, 'prod').monitoring.modelQuality;
    expect(spec).toMatchObject({
      problemType: 'BinaryClassification',
      baselineColumns: { groundTruth: 'label', probability: 'probability' },
      endpointOutput: { probability: '0' },
      probabilityThreshold: 0.5,
      startTimeOffset: '-P2D',
      endTimeOffset: '-P1D',
    });
    expect(spec.baselineColumns.inference).toBeUndefined();
    expect(JSON.stringify(spec.groundTruthUri)).toContain('/churn/ground-truth/');
    expect(JSON.stringify(spec.baselineDatasetUri)).toContain('/churn/validation-scored.csv');
  });

  test('a prediction column reads the first column of the captured response unless told otherwise; offsets in hours when not whole days', () => {
    const { pipeline } = withQuality({ predictionColumn: 'prediction', probabilityColumn: undefined, endpointProbability: undefined, lookBack: Duration.hours(30), labelDelay: Duration.hours(6) });
    expect(specOf(pipeline, 'prod').monitoring.modelQuality).toMatchObject({
      baselineColumns: { inference: 'prediction' },
      endpointOutput: { inference: '0' },
      startTimeOffset: '-PT30H',
      endTimeOffset: '-PT6H',
    });
  });

  test('lets the monitoring role read the model-quality dataset and the labels, and the deploy role manage only its model-quality names', () => {
    const { stack, pipeline, template } = withQuality();
    const prod = pipeline.environments[1];
    const roleId = stack.resolve(prod.monitoringRole!.roleArn)['Fn::GetAtt'][0];
    const policy = JSON.stringify(Object.values(template.findResources('AWS::IAM::Policy'))
      .find((p) => JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(roleId)));
    expect(policy).toContain('/churn/validation-scored.csv*');
    expect(policy).toContain('/churn/ground-truth/*');
    const deployPolicy = JSON.stringify(Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('ChurnDeployRole'))![1]);
    expect(deployPolicy).toContain(':model-quality-job-definition/churn-prod-mq-*');
    expect(deployPolicy).toContain(':monitoring-schedule/churn-prod-model-quality"');
  });

  test('raises its own violations and failed-check alarms, emailing the pipeline\'s topic', () => {
    const { pipeline, template, stack } = withQuality();
    const prod = pipeline.environments[1];
    expect(prod.modelQualityScheduleName).toBe('churn-prod-model-quality');
    expect(prod.modelQualityAlarm).toBeDefined();
    expect(prod.modelQualityCheckFailedAlarm).toBeDefined();
    expect(pipeline.environments[0].modelQualityAlarm).toBeUndefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-prod-model-quality-violations',
      Dimensions: [{ Name: 'MonitoringSchedule', Value: 'churn-prod-model-quality' }],
      AlarmDescription: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('model-quality check of endpoint churn-prod')])] }),
      AlarmActions: [stack.resolve(pipeline.topic.topicArn)],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-prod-model-quality-failures' });
  });

  test('is cfn-lint clean and has no unacknowledged cdk-nag finding', () => {
    const { stack, template } = withQuality();
    expectCfnLintClean(template.toJSON());
    expectNagClean(stack);
  });

  test.each([
    ['predictionColumn', { problemType: ModelQualityProblemType.REGRESSION }, /must be set for Regression/],
    ['predictionColumn', { probabilityColumn: undefined }, /or probabilityColumn must be set/],
    ['probabilityThreshold', { probabilityThreshold: 1.5 }, /must be from 0 to 1, got 1.5/],
    ['lookBack', { lookBack: Duration.hours(12), labelDelay: Duration.days(1) }, /must be longer than labelDelay/],
    ['labelDelay', { labelDelay: Duration.minutes(90) }, /whole number of hours/],
    ['groundTruthColumn', { groundTruthColumn: '' }, /must be 1-256 characters/],
  ])('a bad %s is refused, naming the field', (field, change, message) => {
    const make = () => withQuality(change as Partial<ModelQualityProps>);
    expect(make).toThrow(new RegExp(`environments\\[1\\]\\.monitoring\\.modelQuality\\.${field}`));
    expect(make).toThrow(message);
  });
});
