import { PipelineRequest } from '../../../src/config/pipeline-request';
import { BlueprintInputError, blueprintStackInput } from '../../../src/blueprint/blueprint-input';
import { blueprintShapes, PARAMETERS } from '../../../src/blueprint/blueprint-parameters';
import { ProvisionSettings } from '../../../src/contract/provision-settings';

const REGION = 'us-east-1';
const handler = (name: string) => ({ functionArn: `arn:aws:lambda:${REGION}:111111111111:function:${name}`, roleArn: `arn:aws:iam::111111111111:role/${name}` });
const SETTINGS: ProvisionSettings = {
  stackPrefix: 'mlops-',
  assetsBucket: 'mlops-assets',
  cloudFormationRoleArn: 'arn:aws:iam::111111111111:role/mlops-cloudformation',
  topicArn: `arn:aws:sns:${REGION}:111111111111:mlops`,
  blueprintUrls: Object.fromEntries(blueprintShapes().map((s) => [s, `https://example.com/${s}.json`])),
  sharedHandlers: {
    deploy: handler('deploy'),
    test: handler('test'),
    share: handler('share'),
    cleanup: { serviceToken: handler('cleanup-provider').functionArn, roleArn: handler('cleanup').roleArn },
  },
};

function parameters(request: PipelineRequest, region = REGION): Record<string, string> {
  return Object.fromEntries(blueprintStackInput(request, SETTINGS, region).parameters.map((p) => [p.ParameterKey, p.ParameterValue]));
}

const base = { name: 'churn', artifact: 'churn/model.tar.gz', image: { framework: 'xgboost', version: '1.7-1' } };

describe('the blueprint input of a batch environment', () => {
  const request: PipelineRequest = {
    ...base,
    environments: [
      { name: 'dev' },
      {
        name: 'scoring',
        instanceType: 'ml.c5.xlarge',
        batch: { input: 'scoring/in/', output: 'scoring/out/', splitType: 'None', check: { bodyContains: ['score'], jsonPath: [{ path: '$.score', equalsJson: '1' }] } },
      },
    ],
  };

  test('is the batch shape, with the slot\'s instances, prefixes and the deploy spec\'s batch member', () => {
    expect(blueprintStackInput(request, SETTINGS, REGION).shape).toBe('prebuilt-2-batch');
    const values = parameters(request);
    expect(values).toMatchObject({
      Env2Variant: '"instanceType":"ml.c5.xlarge","initialInstanceCount":1',
      Env2BatchInput: 'scoring/in/',
      Env2BatchOutput: 'scoring/out/',
    });
    expect(JSON.parse(values.Env2Batch)).toEqual({
      inputS3Uri: 's3://mlops-assets/scoring/in/',
      outputS3Uri: 's3://mlops-assets/scoring/out/',
      contentType: 'text/csv',
      splitType: 'None',
      check: { minObjects: 1, expectations: { bodyContains: ['score'], jsonPath: [{ path: '$.score', equals: '1' }] } },
    });
    // Nothing about an endpoint for the batch slot.
    expect(Object.keys(values).filter((k) => k.startsWith('Env2') && /Tests|Capture|Baseline|Monitoring/.test(k))).toEqual([]);
  });

  test('of a pipeline with no endpoint sends no test handler or share function: its template has none', () => {
    const values = parameters({ ...base, environments: [{ name: 'scoring', batch: { input: 'in/', output: 'out/' } }] });
    expect(values).not.toHaveProperty(PARAMETERS.testFunctionArn);
    expect(values).not.toHaveProperty(PARAMETERS.testRoleArn);
    expect(values).not.toHaveProperty(PARAMETERS.shareFunctionArn);
    expect(values).toMatchObject({ [PARAMETERS.shareRoleArn]: handler('share').roleArn, [PARAMETERS.deployFunctionArn]: handler('deploy').functionArn });
  });

  test('anywhere but last is an error the schema should have caught', () => {
    const misplaced: PipelineRequest = { ...base, environments: [{ name: 'scoring', batch: { input: 'in/', output: 'out/' } }, { name: 'prod' }] };
    expect(() => blueprintStackInput(misplaced, SETTINGS, REGION)).toThrow(/environments\[0\] is a batch environment but not the last/);
  });
});

describe('the blueprint input of drift detection', () => {
  test('turns data capture on with it (all requests unless said otherwise) and names its schedule, jobs and definitions after the endpoint', () => {
    const values = parameters({
      ...base,
      environments: [
        { name: 'dev', monitoring: { baselineDataset: 'churn/train.csv' } },
        { name: 'prod', dataCapture: { samplingPercentage: 25 }, monitoring: { baselineDataset: 'churn/sample.jsonl', datasetFormat: 'jsonLines', frequency: 'daily', violationsThreshold: 3 } },
      ],
    });
    expect(values).toMatchObject({
      Env1CaptureSampling: '100',
      Env1BaselineDataset: 'churn/train.csv',
      Env1DatasetFormat: 'csv',
      Env1MonitoringFrequency: 'hourly',
      Env1MonitoringInstanceType: 'ml.m5.xlarge',
      Env1MonitoringInstanceCount: '1',
      Env1ViolationsThreshold: '1',
      Env1MonitoringSchedule: 'churn-dev-data-quality',
      Env1BaselineJobPrefix: 'churn-dev-baseline',
      Env1DataQualityPrefix: 'churn-dev-dq',
      Env1ModelQualitySchedule: 'churn-dev-model-quality',
      Env1ModelQualityPrefix: 'churn-dev-mq',
      Env2CaptureSampling: '25',
      Env2DatasetFormat: 'jsonLines',
      Env2MonitoringFrequency: 'daily',
      Env2ViolationsThreshold: '3',
    });
  });

  test('is off with an empty dataset, the other values at their defaults', () => {
    expect(parameters({ ...base, environments: [{ name: 'dev' }] })).toMatchObject({ Env1BaselineDataset: '', Env1CaptureSampling: '', Env1DatasetFormat: 'csv' });
  });

  test('in a region without a known analyzer image is refused before anything is made, naming the environment', () => {
    const request: PipelineRequest = { ...base, image: { uri: '111111111111.dkr.ecr.us-east-1.amazonaws.com/churn:v1' }, environments: [{ name: 'dev' }, { name: 'prod', monitoring: { baselineDataset: 'churn/train.csv' } }] };
    const input = () => blueprintStackInput(request, SETTINGS, 'xx-nowhere-1');
    expect(input).toThrow(BlueprintInputError);
    expect(input).toThrow(/environments\[1\]\.monitoring: needs SageMaker's Model Monitor analyzer image: .*not known in region "xx-nowhere-1"/);
  });
});
