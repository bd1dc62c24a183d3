import {
  baselineJobName,
  dataQualityDefinitionName,
  isDataQualityDefinitionName,
  monitoringScheduleName,
} from '../../../src/contract/monitoring-naming';

const LONG_PREFIX = 'a-very-long-model-name-for-churn-prediction-in-production-env';

describe('monitoring names', () => {
  test('a baseline job name is the same for a retried execution and new for a new one', () => {
    expect(baselineJobName('churn-prod', 'exec-1')).toBe(baselineJobName('churn-prod', 'exec-1'));
    expect(baselineJobName('churn-prod', 'exec-1')).not.toBe(baselineJobName('churn-prod', 'exec-2'));
    expect(baselineJobName('churn-prod', 'exec-1')).toMatch(/^churn-prod-baseline-r[0-9a-f]{10}$/);
  });

  test('names stay within 63 SageMaker characters for a long prefix, keeping their suffix', () => {
    const job = baselineJobName(LONG_PREFIX, 'exec-1');
    const definition = dataQualityDefinitionName(LONG_PREFIX, 's3://b/stats.json', 's3://b/constraints.json');
    for (const name of [job, definition, monitoringScheduleName(LONG_PREFIX)]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/);
    }
    expect(job).toMatch(/-r[0-9a-f]{10}$/);
    expect(isDataQualityDefinitionName(LONG_PREFIX, definition)).toBe(true);
  });

  test('a new baseline gets a new job definition name; the same baseline the same one', () => {
    const first = dataQualityDefinitionName('churn-prod', 's3://b/1/statistics.json', 's3://b/1/constraints.json');
    expect(dataQualityDefinitionName('churn-prod', 's3://b/1/statistics.json', 's3://b/1/constraints.json')).toBe(first);
    expect(dataQualityDefinitionName('churn-prod', 's3://b/2/statistics.json', 's3://b/2/constraints.json')).not.toBe(first);
  });

  test('a definition of a longer prefix is not taken for this prefix', () => {
    const other = dataQualityDefinitionName('churn-prod2', 's3://b/s', 's3://b/c');
    expect(isDataQualityDefinitionName('churn-prod', other)).toBe(false);
    expect(isDataQualityDefinitionName('churn-prod2', other)).toBe(true);
  });
});
