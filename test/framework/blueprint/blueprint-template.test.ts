import { readFileSync } from 'fs';
import * as path from 'path';
import { evaluateTemplate } from './cfn-evaluator';
import { PipelineRequest } from '../../../src/config/pipeline-request';
import { BLUEPRINT_DIRECTORY, blueprintFileName } from '../../../src/framework/blueprint/blueprint-files';
import { blueprintStackInput } from '../../../src/blueprint/blueprint-input';
import {
  blueprintShapeOf, blueprintShapes, environmentParameters, OUTPUTS, parseShape, STAND_IN,
} from '../../../src/blueprint/blueprint-parameters';
import { blueprintTemplate } from '../../../src/framework/blueprint/blueprint-template';
import { ProvisionSettings } from '../../../src/contract/provision-settings';
import { PROJECT_ROOT } from '../../harness/moto-server';

/* eslint-disable @typescript-eslint/no-explicit-any */

const REGION = 'us-east-1';
const ACCOUNT = '111111111111';
const SETTINGS: ProvisionSettings = {
  stackPrefix: 'mlops-',
  assetsBucket: 'mlops-assets',
  cloudFormationRoleArn: `arn:aws:iam::${ACCOUNT}:role/mlops-cloudformation`,
  topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:mlops`,
  blueprintUrls: Object.fromEntries(blueprintShapes().map((s) => [s, `https://example.com/${s}.json`])),
  sharedHandlers: {
    deploy: { functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:deploy`, roleArn: `arn:aws:iam::${ACCOUNT}:role/deploy` },
    test: { functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:test`, roleArn: `arn:aws:iam::${ACCOUNT}:role/test` },
    share: { functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:share`, roleArn: `arn:aws:iam::${ACCOUNT}:role/share` },
    cleanup: { serviceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:cleanup`, roleArn: `arn:aws:iam::${ACCOUNT}:role/cleanup` },
  },
};

/** A shipped blueprint, as `npx projen blueprints` built it. */
function shipped(shape: string): any {
  return JSON.parse(readFileSync(path.join(PROJECT_ROOT, BLUEPRINT_DIRECTORY, blueprintFileName(shape)), 'utf-8'));
}

/** Every literal string in `node`, but for the logical IDs Ref and GetAtt name. */
function literals(node: any, found: string[] = []): string[] {
  if (typeof node === 'string') {
    found.push(node);
  } else if (Array.isArray(node)) {
    node.forEach((item) => literals(item, found));
  } else if (node && typeof node === 'object' && !('Ref' in node) && !('Fn::GetAtt' in node)) {
    for (const [key, value] of Object.entries(node)) {
      // Fn::If names its condition first.
      literals(key === 'Fn::If' ? (value as any[]).slice(1) : value, found);
    }
  }
  return found;
}

/** The resources the blueprint of `request` makes, evaluated with the request's parameters. */
function evaluated(request: PipelineRequest) {
  const input = blueprintStackInput(request, SETTINGS, REGION);
  const parameters = Object.fromEntries(input.parameters.map((p) => [p.ParameterKey, p.ParameterValue]));
  return evaluateTemplate(shipped(input.shape), { parameters, region: REGION, account: ACCOUNT });
}

const DRIFT = /ProcessingJob|DataQuality|ModelQuality|MonitoringSchedule|MLOps\/ModelMonitor|cloudwatch\.amazonaws\.com|Monitor-/;

describe('blueprint shapes', () => {
  test('are a prebuilt or built image, 1 to 4 environments, the last an endpoint or a batch environment', () => {
    expect(blueprintShapes()).toHaveLength(16);
    expect(parseShape('prebuilt-2-batch')).toEqual({ buildsImage: false, environments: 2, batch: true });
    expect(parseShape('container-3')).toEqual({ buildsImage: true, environments: 3, batch: false });
    expect(() => parseShape('prebuilt-2-batchy')).toThrow(/Not a blueprint shape/);
  });

  test('a request whose last environment is a batch environment needs a batch shape', () => {
    const input = { input: 'in/', output: 'out/' };
    expect(blueprintShapeOf({ image: { framework: 'xgboost' }, environments: [{}, { batch: input }] })).toBe('prebuilt-2-batch');
    expect(blueprintShapeOf({ image: { containerSource: 'c.zip' }, environments: [{ batch: input }] })).toBe('container-1-batch');
    expect(blueprintShapeOf({ image: { uri: 'x' }, environments: [{}, {}] })).toBe('prebuilt-2');
  });
});

describe.each(blueprintShapes())('the shipped %s blueprint', (shape) => {
  const template = shipped(shape);
  const { environments, batch } = parseShape(shape);

  test('holds no stand-in name in any literal string', () => {
    const properties = Object.values<any>(template.Resources).map((r) => r.Properties);
    const outputs = Object.values<any>(template.Outputs).map((o) => o.Value);
    const leftovers = literals([properties, outputs]).filter((text) => /standin|zzmodel|zzenv|zzpipeline/.test(text));
    expect(leftovers).toEqual([]);
  });

  test('carries no Lambda code: its handlers are the framework\'s, and so is the drift-metrics publisher', () => {
    const types = Object.values<any>(template.Resources).map((r) => r.Type);
    expect(types).not.toContain('AWS::Lambda::Function');
    expect(types).not.toContain('AWS::SQS::Queue');
    expect(JSON.stringify(template)).not.toMatch(/ProcessingJobStatus|cdk-[a-z0-9]+-assets-/);
  });

  test('refuses drift detection without data capture on each endpoint slot, and outputs each slot as its kind', () => {
    const endpointSlots = batch ? environments - 1 : environments;
    expect(Object.keys(template.Rules ?? {})).toEqual(Array.from({ length: endpointSlots }, (_, i) => `Env${i + 1}MonitoringNeedsCapture`));
    for (let slot = 1; slot <= environments; slot++) {
      const out = OUTPUTS.environment(slot);
      const isBatch = batch && slot === environments;
      const expected = isBatch ? [out.name, out.batchOutput] : [out.name, out.endpointName, out.inferenceUrl];
      expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(expected));
      expect(template.Outputs).not.toHaveProperty(isBatch ? out.inferenceUrl : out.batchOutput);
      expect(template.Parameters).toHaveProperty(isBatch ? environmentParameters(slot).batch : environmentParameters(slot).baselineDataset);
    }
  });
});

describe('drift detection in a blueprint', () => {
  const request = (monitored: boolean[]): PipelineRequest => ({
    name: 'churn',
    artifact: 'churn/model.tar.gz',
    image: { framework: 'xgboost', version: '1.7-1' },
    environments: monitored.map((on, i) => ({ name: `e${i + 1}`, ...(on ? { monitoring: { baselineDataset: 'churn/train.csv' } } : {}) })),
  });

  test('is absent from a slot that does not monitor: no role, alarm, stage, statement or clean-up prefix', () => {
    const resources = evaluated(request([false, false]));
    expect(JSON.stringify(resources)).not.toMatch(DRIFT);
    const cleanup = Object.values(resources).find((r) => r.Type === 'Custom::MlopsReleaseCleanup')!;
    expect(cleanup.Properties.Environments.map((e: any) => Object.keys(e))).toEqual([
      ['endpointName', 'releasePrefix', 'variantName'],
      ['endpointName', 'releasePrefix', 'variantName'],
    ]);
  });

  test('of one slot names only that slot\'s schedule, and turns its capture on', () => {
    const resources = evaluated(request([false, true]));
    const text = JSON.stringify(resources);
    expect(text).toContain('churn-e2-data-quality');
    expect(text).not.toContain('churn-e1-data-quality');
    expect(text).not.toMatch(/churn-e1-(baseline|dq|mq|model-quality)/);
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.Namespace === 'MLOps/ModelMonitor');
    expect(alarms.map((a) => a.Properties.AlarmName).sort()).toEqual(['churn-e2-data-quality-failures', 'churn-e2-data-quality-violations']);
    const specs = Object.values(resources).filter((r) => r.Type === 'AWS::SSM::Parameter').map((r) => r.Properties.Value)
      .filter((v: string) => v.startsWith('{"endpointName"')).map((v: string) => JSON.parse(v));
    expect(specs.find((s) => s.endpointName === 'churn-e1')).not.toHaveProperty('dataCapture');
    expect(specs.find((s) => s.endpointName === 'churn-e2')).toMatchObject({ dataCapture: { samplingPercentage: 100 }, monitoring: { namePrefix: 'churn-e2' } });
  });

  test('a template that still holds a stand-in after its names are replaced is refused', () => {
    const synthesized = {
      Resources: {
        Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: `${STAND_IN.modelName.slice(0, 20)} alerts` } },
        Pipeline: { Type: 'AWS::CodePipeline::Pipeline', Properties: { Stages: [] } },
        Role: { Type: 'AWS::IAM::Role', Properties: {} },
      },
    };
    expect(() => blueprintTemplate(synthesized, 'prebuilt-1-batch')).toThrow(/stand-in names left in Topic: zzmodelstandin/);
  });
});
