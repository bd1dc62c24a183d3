import { messageAt, problemsOf, validRequest } from './fixtures';
import { validatePipelineRequest } from '../../src/config/validate';

/** In the valid request, environments[2] ("prod") is instance-backed with data capture, and environments[1] ("staging") is serverless. */
const MONITORING = 'environments[2].monitoring';

function monitoringMessageAt(change: (monitoring: Record<string, any>) => void, path: string): string {
  return messageAt((r) => {
    r.environments[2].monitoring = { baselineDataset: 'churn/train.csv' };
    change(r.environments[2].monitoring);
  }, path);
}

describe('monitoring', () => {
  test('with every field is accepted unchanged', () => {
    const request = validRequest();
    request.environments[2].monitoring = {
      baselineDataset: 'churn/train.jsonl',
      datasetFormat: 'jsonLines',
      frequency: 'daily',
      instanceType: 'ml.c5.2xlarge',
      instanceCount: 2,
      violationsThreshold: 5,
    };
    expect(validatePipelineRequest(request)).toEqual({ ok: true, value: request });
  });

  test('with only the baseline dataset is accepted, with or without data capture', () => {
    const request = validRequest();
    request.environments[2].monitoring = { baselineDataset: 'churn/train.csv' };
    request.environments[0].monitoring = { baselineDataset: 'churn/train.csv' };
    expect(validatePipelineRequest(request)).toEqual({ ok: true, value: request });
  });

  test('baselineDataset is required and follows the key rules', () => {
    expect(monitoringMessageAt((m) => { delete m.baselineDataset; }, `${MONITORING}.baselineDataset`)).toBe('is required');
    expect(monitoringMessageAt((m) => { m.baselineDataset = '/train.csv'; }, `${MONITORING}.baselineDataset`)).toContain('must not start with "/"');
    expect(monitoringMessageAt((m) => { m.baselineDataset = 'a/../train.csv'; }, `${MONITORING}.baselineDataset`)).toContain('must not have "." or ".." segments');
  });

  test('datasetFormat is csv, csvNoHeader or jsonLines', () => {
    expect(monitoringMessageAt((m) => { m.datasetFormat = 'parquet'; }, `${MONITORING}.datasetFormat`)).toBe('"parquet" is not one of csv, csvNoHeader, jsonLines');
  });

  test('frequency is hourly or daily', () => {
    expect(monitoringMessageAt((m) => { m.frequency = 'weekly'; }, `${MONITORING}.frequency`)).toBe('"weekly" is not one of hourly, daily');
  });

  test.each(['m5.xlarge', 'ml.m5', 'ML.M5.XLARGE', 'ml.m5.xlarge ', `ml.${'m'.repeat(60)}.xlarge`])('instanceType %p is not a processing instance type', (instanceType) => {
    expect(monitoringMessageAt((m) => { m.instanceType = instanceType; }, `${MONITORING}.instanceType`))
      .toMatch(/ is not a SageMaker processing instance type like "ml.m5.xlarge" \(ml.<family>.<size>\)$/);
  });

  test('instanceType is a string', () => {
    expect(monitoringMessageAt((m) => { m.instanceType = 5; }, `${MONITORING}.instanceType`))
      .toBe('must be a SageMaker processing instance type (a string like "ml.m5.xlarge"), got a number');
  });

  test('instanceCount is 1 to 100', () => {
    expect(monitoringMessageAt((m) => { m.instanceCount = 0; }, `${MONITORING}.instanceCount`)).toBe('must be a whole number from 1 to 100, got 0');
    expect(monitoringMessageAt((m) => { m.instanceCount = 101; }, `${MONITORING}.instanceCount`)).toBe('must be a whole number from 1 to 100, got 101');
  });

  test('violationsThreshold is 1 to 1000000', () => {
    expect(monitoringMessageAt((m) => { m.violationsThreshold = 0; }, `${MONITORING}.violationsThreshold`)).toBe('must be a whole number from 1 to 1000000, got 0');
    expect(monitoringMessageAt((m) => { m.violationsThreshold = 1_000_001; }, `${MONITORING}.violationsThreshold`))
      .toBe('must be a whole number from 1 to 1000000, got 1000001');
  });

  test('is an object with known keys only', () => {
    expect(monitoringMessageAt((m) => { m.schedule = 'hourly'; }, `${MONITORING}.schedule`))
      .toBe('is not a known field (expected baselineDataset, datasetFormat, frequency, instanceType, instanceCount, violationsThreshold)');
    expect(messageAt((r) => { r.environments[2].monitoring = true; }, MONITORING)).toBe('must be an object, got a boolean');
  });

  test('cannot be set on a serverless environment, reported at monitoring only', () => {
    const request = validRequest();
    request.environments[1].monitoring = { baselineDataset: 'churn/train.csv' };
    expect(problemsOf(validatePipelineRequest(request))).toEqual([
      { path: 'environments[1].monitoring', message: 'cannot be set together with serverless (SageMaker cannot capture a serverless endpoint\'s traffic)' },
    ]);
  });
});
