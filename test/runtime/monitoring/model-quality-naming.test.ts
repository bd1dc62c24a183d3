import {
  baselineJobName,
  baselineJobPrefix,
  dataQualityDefinitionName,
  dataQualityDefinitionPrefix,
  isDataQualityDefinitionName,
  isModelQualityDefinitionName,
  modelQualityBaselineJobName,
  modelQualityBaselineJobPrefix,
  modelQualityDefinitionName,
  modelQualityDefinitionPrefix,
  modelQualityScheduleName,
  monitoringScheduleName,
} from '../../../src/contract/monitoring-naming';

const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;
const SHORT = 'churn-prod-mon';
/** 60 characters: every name made from it must be cut and hashed to fit. */
const LONG = `customer-churn-propensity-${'x'.repeat(20)}-production-eu`;
const CONSTRAINTS = (n: number) => `s3://churn-monitoring/prod/baselines/job-${n}/constraints.json`;

/** Every model-quality name of a prefix, for one execution and one baseline. */
function modelQualityNames(prefix: string, execution = 'exec-1', baseline = 1): string[] {
  return [
    modelQualityBaselineJobName(prefix, execution),
    modelQualityDefinitionName(prefix, CONSTRAINTS(baseline)),
    modelQualityScheduleName(prefix),
  ];
}

function dataQualityNames(prefix: string, execution = 'exec-1', baseline = 1): string[] {
  return [
    baselineJobName(prefix, execution),
    dataQualityDefinitionName(prefix, CONSTRAINTS(baseline).replace('constraints', 'statistics'), CONSTRAINTS(baseline)),
    monitoringScheduleName(prefix),
  ];
}

describe('model-quality names', () => {
  test('read as the environment\'s model-quality baseline jobs, definitions and schedule', () => {
    expect(modelQualityBaselineJobName(SHORT, 'exec-1')).toMatch(/^churn-prod-mon-mq-baselining-r[0-9a-f]{10}$/);
    expect(modelQualityDefinitionName(SHORT, CONSTRAINTS(1))).toMatch(/^churn-prod-mon-mq-b[0-9a-f]{10}$/);
    expect(modelQualityScheduleName(SHORT)).toBe('churn-prod-mon-model-quality');
  });

  test.each([['a short prefix', SHORT], ['a prefix long enough to be cut', LONG]])('stay SageMaker names of at most 63 characters for %s', (_, prefix) => {
    for (const name of modelQualityNames(prefix)) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(SAGEMAKER_NAME);
    }
    // Room is left for the suffixes: the prefixes leave 12 characters.
    expect(modelQualityBaselineJobPrefix(prefix).length).toBeLessThanOrEqual(51);
    expect(modelQualityDefinitionPrefix(prefix).length).toBeLessThanOrEqual(51);
  });

  test('are deterministic: the same execution and baseline give the same names, another ones give others', () => {
    expect(modelQualityNames(SHORT)).toEqual(modelQualityNames(SHORT));
    expect(modelQualityBaselineJobName(SHORT, 'exec-2')).not.toBe(modelQualityBaselineJobName(SHORT, 'exec-1'));
    expect(modelQualityDefinitionName(SHORT, CONSTRAINTS(2))).not.toBe(modelQualityDefinitionName(SHORT, CONSTRAINTS(1)));
  });

  test('share the release id of the data-quality baseline job of the same execution', () => {
    const releasePart = (name: string) => name.slice(name.lastIndexOf('-'));
    expect(releasePart(modelQualityBaselineJobName(SHORT, 'exec-1'))).toBe(releasePart(baselineJobName(SHORT, 'exec-1')));
  });

  test.each([['a short prefix', SHORT], ['a long prefix', LONG]])('never equal a data-quality name of the same environment (%s)', (_, prefix) => {
    const dataQuality = new Set(dataQualityNames(prefix));
    for (const name of modelQualityNames(prefix)) {
      expect(dataQuality.has(name)).toBe(false);
    }
    expect(modelQualityBaselineJobPrefix(prefix)).not.toBe(baselineJobPrefix(prefix));
    expect(modelQualityDefinitionPrefix(prefix)).not.toBe(dataQualityDefinitionPrefix(prefix));
  });

  test('never equal a data-quality name of an environment whose prefix ends in -mq', () => {
    // `<p>-mq` + `-baseline-r<id>` would be `<p>` + `-mq-baseline-r<id>`: hence `-mq-baselining-`.
    const neighbour = new Set(dataQualityNames(`${SHORT}-mq`));
    for (const name of modelQualityNames(SHORT)) {
      expect(neighbour.has(name)).toBe(false);
    }
  });

  test('a definition is recognised as the environment\'s model-quality one, and only so', () => {
    const own = modelQualityDefinitionName(SHORT, CONSTRAINTS(1));
    expect(isModelQualityDefinitionName(SHORT, own)).toBe(true);
    // Not a data-quality definition, of this environment or any.
    expect(isDataQualityDefinitionName(SHORT, own)).toBe(false);
    expect(isModelQualityDefinitionName(SHORT, dataQualityNames(SHORT)[1])).toBe(false);
    // Not another environment's, though NameContains would list it.
    expect(isModelQualityDefinitionName(SHORT, modelQualityDefinitionName(`${SHORT}-eu`, CONSTRAINTS(1)))).toBe(false);
    expect(isModelQualityDefinitionName(`${SHORT}-eu`, own)).toBe(false);
    expect(isModelQualityDefinitionName(SHORT, `${own}0`)).toBe(false);
  });

  test('the data-quality names are as before', () => {
    // Definitions already in accounts are found again by the same names.
    expect(dataQualityDefinitionName(SHORT, 's3://m/b1/statistics.json', 's3://m/b1/constraints.json')).toBe('churn-prod-mon-dq-b3a47dc829d');
  });
});
