import { App, Stack } from 'aws-cdk-lib';
import type { EnvironmentMonitoringSpec } from '../../../src/contract/deploy-settings';
import { monitoringPermissions } from '../../../src/pipeline/deploy/monitoring-permissions';
import { modelQualitySpec, monitoringSpec } from '../../runtime/monitoring/monitoring-fixtures';

/** The Monitor step's statements for a monitoring spec, as CloudFormation will see them. */
function statements(modelQuality: boolean): any[] {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const { endpointName: _e, kmsKeyArn: _k, tags: _t, ...fields } = monitoringSpec({ modelQuality: modelQuality ? modelQualitySpec() : undefined });
  const monitoring: EnvironmentMonitoringSpec = fields;
  return monitoringPermissions(stack, monitoring).map((s) => stack.resolve(s.toStatementJson()));
}

const arn = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:111111111111:${resource}`]] });

describe('monitoringPermissions with model-quality monitoring', () => {
  test('adds its baseline jobs, its definitions and its schedule, by name', () => {
    expect(statements(true)).toEqual(expect.arrayContaining([
      {
        Effect: 'Allow',
        Action: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:AddTags'],
        Resource: arn('processing-job/churn-prod-mon-mq-baselining-*'),
      },
      {
        Effect: 'Allow',
        Action: [
          'sagemaker:CreateModelQualityJobDefinition',
          'sagemaker:DescribeModelQualityJobDefinition',
          'sagemaker:DeleteModelQualityJobDefinition',
          'sagemaker:AddTags',
        ],
        Resource: arn('model-quality-job-definition/churn-prod-mon-mq-*'),
      },
      {
        Effect: 'Allow',
        Action: ['sagemaker:CreateMonitoringSchedule', 'sagemaker:UpdateMonitoringSchedule', 'sagemaker:DescribeMonitoringSchedule', 'sagemaker:AddTags'],
        Resource: arn('monitoring-schedule/churn-prod-mon-model-quality'),
      },
      { Effect: 'Allow', Action: 'sagemaker:ListModelQualityJobDefinitions', Resource: '*' },
    ]));
  });

  test('keeps every data-quality statement as it is without model quality', () => {
    const dataQualityOnly = statements(false);
    expect(statements(true)).toEqual(expect.arrayContaining(dataQualityOnly));
    expect(statements(true)).toHaveLength(dataQualityOnly.length + 4);
  });

  test('without model quality, nothing of it is allowed', () => {
    const text = JSON.stringify(statements(false));
    expect(text).not.toMatch(/ModelQuality|model-quality|mq-/);
  });

  test('the data-quality baseline jobs\' wildcard does not reach the model-quality ones (and the other way round)', () => {
    const jobs = statements(true).filter((s) => [s.Action].flat().includes('sagemaker:CreateProcessingJob')).map((s) => JSON.stringify(s.Resource));
    expect(jobs).toEqual([
      expect.stringContaining('processing-job/churn-prod-mon-baseline-*'),
      expect.stringContaining('processing-job/churn-prod-mon-mq-baselining-*'),
    ]);
  });
});
