import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ByomPipeline, EnvironmentProps, TrafficShift } from '../../../src';
import { expectCfnLintClean } from '../../harness/cfn-lint';
import { expectNagClean } from '../../harness/nag';
import { basicProps, newStack, specOf } from '../fixtures';

function pipelineWith(stack: Stack, environments: EnvironmentProps[]): ByomPipeline {
  return new ByomPipeline(stack, 'Churn', basicProps(stack, { environments }));
}


describe('serverless environments', () => {
  test('carry memory and concurrency to the deploy spec and no instance settings', () => {
    const stack = newStack();
    const pipeline = pipelineWith(stack, [{ name: 'staging', serverless: { memorySizeMb: 2048, maxConcurrency: 5, provisionedConcurrency: 2 } }]);
    const env = pipeline.environments[0];
    expect(env.instanceType).toBeUndefined();
    expect(env.instanceCount).toBeUndefined();
    const spec = specOf(pipeline, 'staging');
    expect(spec.serverless).toEqual({ memorySizeMb: 2048, maxConcurrency: 5, provisionedConcurrency: 2 });
    expect(spec.instanceType).toBeUndefined();
    expect(spec.imageUri).toMatch(/sagemaker-xgboost:1\.7-1$/);
  });

  test.each([
    [{ memorySizeMb: 1000, maxConcurrency: 5 }, /environments\[0\]\.serverless\.memorySizeMb: must be one of 1024, 2048, 3072, 4096, 5120, 6144, got 1000/],
    [{ memorySizeMb: 1024, maxConcurrency: 0 }, /environments\[0\]\.serverless\.maxConcurrency: must be a whole number from 1 to 200, got 0/],
    [{ memorySizeMb: 1024, maxConcurrency: 201 }, /environments\[0\]\.serverless\.maxConcurrency: must be a whole number from 1 to 200, got 201/],
    [{ memorySizeMb: 1024, maxConcurrency: 5, provisionedConcurrency: 6 }, /environments\[0\]\.serverless\.provisionedConcurrency: must be a whole number from 1 to 5, got 6/],
  ])('rejects serverless settings SageMaker would refuse: %j', (serverless, pattern) => {
    const stack = newStack();
    expect(() => pipelineWith(stack, [{ name: 'dev', serverless }])).toThrow(pattern);
  });

  test('rejects instance settings, data capture and a KMS key together with serverless, naming each', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    expect(() => pipelineWith(stack, [{
      name: 'dev',
      serverless: { memorySizeMb: 1024, maxConcurrency: 1 },
      instanceType: 'ml.m5.large',
      instanceCount: 2,
      dataCapture: {},
      kmsKey: key,
    }])).toThrow(/instanceType: cannot be set together with serverless[\s\S]*instanceCount: cannot[\s\S]*dataCapture: cannot[\s\S]*kmsKey: cannot/);
  });
});

describe('blue/green releases and their alarms', () => {
  test('by default later releases move all traffic at once, bake five minutes and roll back on both alarms', () => {
    const stack = newStack();
    const pipeline = pipelineWith(stack, [{ name: 'prod' }]);
    expect(specOf(pipeline, 'prod').deployment).toEqual({
      type: 'ALL_AT_ONCE',
      bakeSeconds: 300,
      rollbackAlarms: ['churn-prod-model-5xx-errors', 'churn-prod-model-latency'],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-prod-model-5xx-errors',
      Namespace: 'AWS/SageMaker',
      MetricName: 'Invocation5XXErrors',
      Dimensions: Match.arrayWith([{ Name: 'EndpointName', Value: 'churn-prod' }, { Name: 'VariantName', Value: 'AllTraffic' }]),
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 2,
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-prod-model-latency', MetricName: 'ModelLatency', Threshold: 2_000_000 });
  });

  test('canary and linear shifts and alarm thresholds reach the spec and the alarms', () => {
    const stack = newStack();
    const pipeline = pipelineWith(stack, [
      { name: 'staging', trafficShift: TrafficShift.linear(25, Duration.minutes(2)) },
      {
        name: 'prod',
        trafficShift: TrafficShift.canary(10, Duration.minutes(10)),
        rollbackAlarms: { maxErrorsPerMinute: 5, maxModelLatency: Duration.millis(500), evaluationMinutes: 3 },
      },
    ]);
    expect(specOf(pipeline, 'staging').deployment).toMatchObject({ type: 'LINEAR', stepPercent: 25, waitSeconds: 120 });
    expect(specOf(pipeline, 'prod').deployment).toMatchObject({ type: 'CANARY', stepPercent: 10, waitSeconds: 600 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-prod-model-5xx-errors', Threshold: 5, EvaluationPeriods: 3 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-prod-model-latency', Threshold: 500_000 });
  });

  test('serverless environments get the alarms but no blue/green settings', () => {
    const stack = newStack();
    const pipeline = pipelineWith(stack, [{ name: 'staging', serverless: { memorySizeMb: 1024, maxConcurrency: 2 } }]);
    expect(specOf(pipeline, 'staging').deployment).toBeUndefined();
    expect(pipeline.environments[0].errorsAlarm?.alarmName).toBeDefined();
  });

  test('the deploy function may read the rollback alarms it hands to SageMaker', () => {
    const stack = newStack();
    pipelineWith(stack, [{ name: 'prod' }]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'cloudwatch:DescribeAlarms',
          Resource: Match.arrayWith([{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':alarm:churn-prod-model-5xx-errors$')])] }]),
        })]),
      },
    });
  });

  test('metric helpers name the endpoint and variant with sensible statistics', () => {
    const stack = newStack();
    const [env] = pipelineWith(stack, [{ name: 'prod' }]).environments;
    expect(env.metricInvocations()).toMatchObject({ metricName: 'Invocations', statistic: 'Sum', namespace: 'AWS/SageMaker', dimensions: { EndpointName: 'churn-prod', VariantName: 'AllTraffic' } });
    expect(env.metricModelLatency({ statistic: 'p99' })).toMatchObject({ metricName: 'ModelLatency', statistic: 'p99' });
    expect(env.metricModelErrors()).toMatchObject({ metricName: 'Invocation5XXErrors', statistic: 'Sum' });
  });

  test.each([
    [{ trafficShift: TrafficShift.canary(0, Duration.minutes(1)) }, /environments\[0\]\.trafficShift: the step must be a whole percentage from 1 to 99, got 0/],
    [{ trafficShift: TrafficShift.linear(10, Duration.hours(2)) }, /environments\[0\]\.trafficShift: the wait between steps must be at most 1 hour, got 2 hours/],
    [{ trafficShift: TrafficShift.allAtOnce(Duration.hours(3)) }, /environments\[0\]\.trafficShift: the bake time must be at most 1 hour/],
    [{ serverless: { memorySizeMb: 1024, maxConcurrency: 1 }, trafficShift: TrafficShift.allAtOnce() }, /environments\[0\]\.trafficShift: cannot be set together with serverless/],
    [{ rollbackAlarms: { maxErrorsPerMinute: 0 } }, /environments\[0\]\.rollbackAlarms\.maxErrorsPerMinute: must be more than 0, got 0/],
    [{ rollbackAlarms: { evaluationMinutes: 0 } }, /environments\[0\]\.rollbackAlarms\.evaluationMinutes: must be a whole number from 1 to 60, got 0/],
  ])('rejects %j, naming the prop', (env, pattern) => {
    const stack = newStack();
    expect(() => pipelineWith(stack, [{ name: 'dev', ...(env as Partial<EnvironmentProps>) }])).toThrow(pattern);
  });
});

describe('autoscaling', () => {
  test('bounds default to the instance count and reach the deploy spec with the target and cooldowns', () => {
    const stack = newStack();
    const pipeline = pipelineWith(stack, [{
      name: 'prod',
      instanceCount: 2,
      autoScaling: { maxInstances: 8, targetInvocationsPerInstance: 500, scaleInCooldown: Duration.minutes(10) },
    }]);
    expect(pipeline.environments[0].autoScaled).toBe(true);
    expect(specOf(pipeline, 'prod').autoScaling).toEqual({
      minInstances: 2,
      maxInstances: 8,
      targetInvocationsPerInstance: 500,
      scaleInCooldownSeconds: 600,
    });
  });

  test('the deploy function may register only targets tagged with its endpoint, and change only those, with target-tracking alarms named after them', () => {
    const stack = newStack();
    pipelineWith(stack, [{ name: 'prod', autoScaling: { maxInstances: 4, targetInvocationsPerInstance: 100 } }]);
    const variants = { 'application-autoscaling:service-namespace': 'sagemaker', 'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount' };
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'application-autoscaling:RegisterScalableTarget',
            Resource: '*',
            Condition: { StringEquals: { ...variants, 'aws:RequestTag/mlops:endpoint': 'churn-prod' } },
          }),
          Match.objectLike({
            Action: ['application-autoscaling:DeregisterScalableTarget', 'application-autoscaling:PutScalingPolicy'],
            Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':scalable-target/\\*$')])] },
            Condition: { StringEquals: { ...variants, 'aws:ResourceTag/mlops:endpoint': 'churn-prod' } },
          }),
          Match.objectLike({
            Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
            Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('alarm:TargetTracking-endpoint/churn-prod/\\*$')])] },
          }),
          Match.objectLike({
            Action: 'iam:CreateServiceLinkedRole',
            Condition: { StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
          }),
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('ChurnDeployRole') }],
    });
  });

  test.each([
    [{ instanceCount: 3, autoScaling: { maxInstances: 2, targetInvocationsPerInstance: 10 } }, /environments\[0\]\.autoScaling\.maxInstances: must be at least instanceCount and minInstances \(3\), got 2/],
    [{ instanceCount: 1, autoScaling: { minInstances: 2, maxInstances: 4, targetInvocationsPerInstance: 10 } }, /environments\[0\]\.autoScaling\.minInstances: must be at most instanceCount \(1\): the endpoint starts with instanceCount instances, got 2/],
    [{ autoScaling: { maxInstances: 101, targetInvocationsPerInstance: 10 } }, /environments\[0\]\.autoScaling\.maxInstances: must be a whole number from 1 to 100, got 101/],
    [{ autoScaling: { maxInstances: 2, targetInvocationsPerInstance: 0 } }, /environments\[0\]\.autoScaling\.targetInvocationsPerInstance: must be at least 1, got 0/],
    [{ serverless: { memorySizeMb: 1024, maxConcurrency: 1 }, autoScaling: { maxInstances: 2, targetInvocationsPerInstance: 1 } }, /environments\[0\]\.autoScaling: cannot be set together with serverless/],
  ])('rejects %j, naming the prop', (env, pattern) => {
    const stack = newStack();
    expect(() => pipelineWith(stack, [{ name: 'dev', ...env }])).toThrow(pattern);
  });
});

describe('data capture', () => {
  test('defaults to every request, under the environment\'s prefix in the artifact bucket, which SageMaker may write to', () => {
    const stack = newStack();
    const pipeline = pipelineWith(stack, [{ name: 'prod', dataCapture: {} }]);
    const spec = specOf(pipeline, 'prod');
    expect(spec.dataCapture.samplingPercentage).toBe(100);
    expect(JSON.stringify(spec.dataCapture.destinationS3Uri)).toContain('/data-capture/churn-prod/');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', Match.arrayWith(['/data-capture/churn-prod/*'])] },
        })]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('ChurnEnvprodSageMakerRole') }],
    });
  });

  test('goes to the bucket, prefix and sampling percentage given', () => {
    const stack = newStack();
    const capture = new s3.Bucket(stack, 'Capture', { enforceSSL: true });
    const pipeline = pipelineWith(stack, [{ name: 'prod', dataCapture: { bucket: capture, prefix: 'churn/', samplingPercentage: 20 } }]);
    const spec = specOf(pipeline, 'prod');
    expect(spec.dataCapture.samplingPercentage).toBe(20);
    expect(JSON.stringify(spec.dataCapture.destinationS3Uri)).toMatch(/Capture.*churn\//);
  });

  test.each([
    [{ samplingPercentage: 0 }, /environments\[0\]\.dataCapture\.samplingPercentage: must be a whole number from 1 to 100, got 0/],
    [{ prefix: '../other/' }, /environments\[0\]\.dataCapture\.prefix: "\.\.\/other\/" must not have "\." or "\.\." segments/],
    [{ prefix: '/abs/' }, /environments\[0\]\.dataCapture\.prefix: "\/abs\/" must not start with "\/"/],
  ])('rejects %j, naming the prop', (dataCapture, pattern) => {
    const stack = newStack();
    expect(() => pipelineWith(stack, [{ name: 'dev', dataCapture }])).toThrow(pattern);
  });
});

describe('KMS key', () => {
  test('encrypts the volumes and captured data; the deploy function may create grants on it and SageMaker may use it', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'EndpointKey', { enableKeyRotation: true });
    const pipeline = pipelineWith(stack, [{ name: 'prod', kmsKey: key, dataCapture: { samplingPercentage: 10 } }]);
    const spec = specOf(pipeline, 'prod');
    expect(JSON.stringify(spec.kmsKeyArn)).toMatch(/EndpointKey.*Arn/);
    expect(pipeline.environments[0].kmsKey).toBe(key);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['kms:CreateGrant', 'kms:DescribeKey'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('EndpointKey'), 'Arn'] },
        })]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('ChurnDeployRole') }],
    });
  });
});

test('a pipeline with a serverless staging and a captured, KMS-encrypted, autoscaled prod is cfn-lint and cdk-nag clean', () => {
  const stack = newStack();
  const key = new kms.Key(stack, 'EndpointKey', { enableKeyRotation: true });
  pipelineWith(stack, [
    { name: 'dev', trafficShift: TrafficShift.canary(10, Duration.minutes(5)) },
    { name: 'staging', serverless: { memorySizeMb: 2048, maxConcurrency: 5 } },
    { name: 'prod', instanceCount: 2, kmsKey: key, dataCapture: { samplingPercentage: 20 }, autoScaling: { maxInstances: 8, targetInvocationsPerInstance: 500 } },
  ]);
  expectCfnLintClean(Template.fromStack(stack).toJSON());
  expectNagClean(stack);
});

describe('VPC', () => {
  test('places the model in the VPC\'s private subnets with a new outbound-only security group', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const pipeline = pipelineWith(stack, [{ name: 'prod', vpc }]);
    const spec = specOf(pipeline, 'prod');
    expect(spec.vpcConfig.subnets).toHaveLength(2);
    expect(JSON.stringify(spec.vpcConfig.securityGroupIds)).toMatch(/ChurnEnvprodSecurityGroup/);
    expect(pipeline.environments[0].connections).toBeDefined();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ec2:CreateNetworkInterface']), Resource: '*' })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('ChurnEnvprodSageMakerRole') }],
    });
  });

  test('uses the subnets and security groups given', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const pipeline = pipelineWith(stack, [{ name: 'prod', vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [sg] }]);
    expect(JSON.stringify(specOf(pipeline, 'prod').vpcConfig.securityGroupIds)).toMatch(/Sg[0-9A-F]+/);
  });

  test.each([
    [{ subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }, /environments\[0\]\.subnets: needs vpc to be set/],
    [{ serverless: { memorySizeMb: 1024, maxConcurrency: 1 }, vpc: 'VPC' }, /environments\[0\]\.vpc: cannot be set together with serverless/],
  ])('rejects %j, naming the prop', (env, pattern) => {
    const stack = newStack();
    const props = { ...(env as any) };
    if (props.vpc === 'VPC') props.vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    expect(() => pipelineWith(stack, [{ name: 'dev', ...props }])).toThrow(pattern);
  });
});
