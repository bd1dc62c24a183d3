import { App, DefaultStackSynthesizer, Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { evaluateTemplate } from './cfn-evaluator';
import {
  BatchSplitType, ByomPipeline, DatasetFormat, DriftCheckFrequency, EnvironmentProps, Framework, IntegrationTests, ModelArtifact, ModelImage,
} from '../../../src';
import { EnvironmentRequest, MonitoringRequest, PipelineRequest } from '../../../src/config/pipeline-request';
import { buildBlueprintStack } from '../../../src/framework/blueprint/blueprint-builder';
import { blueprintStackInput } from '../../../src/blueprint/blueprint-input';
import { blueprintShapes } from '../../../src/blueprint/blueprint-parameters';
import { blueprintTemplate } from '../../../src/framework/blueprint/blueprint-template';
import { ProvisionSettings } from '../../../src/contract/provision-settings';
import { useSharedHandlers } from '../../../src/pipeline/shared/handler-function';

/* eslint-disable @typescript-eslint/no-explicit-any */

const REGION = 'us-east-1';
const ACCOUNT = '111111111111';
const fn = (name: string) => ({ functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mlops-${name}`, roleArn: `arn:aws:iam::${ACCOUNT}:role/mlops-${name}` });
const SETTINGS: ProvisionSettings = {
  stackPrefix: 'mlops-',
  assetsBucket: 'mlops-assets',
  cloudFormationRoleArn: `arn:aws:iam::${ACCOUNT}:role/mlops-cloudformation`,
  topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:mlops`,
  blueprintUrls: Object.fromEntries(blueprintShapes().map((s) => [s, `https://example.com/${s}.json`])),
  sharedHandlers: {
    deploy: fn('deploy'),
    test: fn('test'),
    share: fn('share'),
    cleanup: { serviceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mlops-cleanup-provider`, roleArn: fn('cleanup').roleArn },
  },
};

/** The request, and the same pipeline written as ByomPipeline props. */
const TWO_ENVIRONMENTS: PipelineRequest = {
  name: 'churn',
  artifact: 'models/churn/model.tar.gz',
  image: { framework: 'xgboost', version: '1.7-1' },
  keepReleases: 3,
  notifications: { emails: ['ml@example.com', 'oncall@example.com'] },
  environments: [
    {
      name: 'dev',
      instanceType: 'ml.m5.xlarge',
      instanceCount: 2,
      autoScaling: { maxInstances: 4, targetInvocationsPerInstance: 300 },
      dataCapture: { samplingPercentage: 20 },
      tests: [
        { body: '1,2,3', contentType: 'text/csv', expect: { status: 200, bodyContains: ['0.'], maxLatencyMs: 900 } },
        { name: 'json', body: '{"x":1}', expect: { jsonPath: [{ path: '$.score', min: 0, max: 1 }] } },
      ],
    },
    { name: 'prod', approval: true, serverless: { memorySizeMb: 2048, maxConcurrency: 5 } },
  ],
};

function directProps(request: PipelineRequest, assets: s3.IBucket): EnvironmentProps[] {
  return request.environments.map((env) => ({
    name: env.name,
    instanceType: env.instanceType,
    instanceCount: env.instanceCount,
    serverless: env.serverless,
    autoScaling: env.autoScaling,
    dataCapture: env.dataCapture && { samplingPercentage: env.dataCapture.samplingPercentage },
    approval: env.approval,
    tests: env.tests && IntegrationTests.requests(env.tests.map((t) => ({
      name: t.name,
      body: t.body,
      contentType: t.contentType,
      accept: t.accept,
      expect: t.expect && {
        status: t.expect.status,
        bodyContains: t.expect.bodyContains,
        jsonPath: t.expect.jsonPath,
        maxLatency: t.expect.maxLatencyMs === undefined ? undefined : Duration.millis(t.expect.maxLatencyMs),
      },
    }))),
    monitoring: env.monitoring && directMonitoring(env.monitoring, assets),
    batch: env.batch && directBatch(env.batch, assets),
  }));
}

function directMonitoring(monitoring: MonitoringRequest, assets: s3.IBucket): EnvironmentProps['monitoring'] {
  const formats = { csv: DatasetFormat.csv(), csvNoHeader: DatasetFormat.csv({ header: false }), jsonLines: DatasetFormat.jsonLines() };
  return {
    baselineDataset: { bucket: assets, prefix: monitoring.baselineDataset },
    datasetFormat: monitoring.datasetFormat && formats[monitoring.datasetFormat],
    frequency: monitoring.frequency && (monitoring.frequency === 'daily' ? DriftCheckFrequency.DAILY : DriftCheckFrequency.HOURLY),
    instanceType: monitoring.instanceType,
    instanceCount: monitoring.instanceCount,
    violationsThreshold: monitoring.violationsThreshold,
  };
}

function directBatch(batch: NonNullable<EnvironmentRequest['batch']>, assets: s3.IBucket): EnvironmentProps['batch'] {
  return {
    input: { bucket: assets, prefix: batch.input },
    output: { bucket: assets, prefix: batch.output },
    contentType: batch.contentType,
    splitType: batch.splitType && Object.values(BatchSplitType).find((t) => t === batch.splitType),
    accept: batch.accept,
    maxPayloadMb: batch.maxPayloadMb,
    maxConcurrentTransforms: batch.maxConcurrentTransforms,
    check: batch.check,
  };
}

/** The pipeline a directly constructed ByomPipeline makes, using the framework's shared handlers. */
function directPipeline(request: PipelineRequest, image: (stack: Stack, assets: s3.IBucket) => ModelImage) {
  const app = new App();
  // In the account and region of the shared functions' ARNs, as the framework's pipelines are.
  const stack = new Stack(app, 'Direct', {
    env: { account: ACCOUNT, region: REGION },
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
  });
  useSharedHandlers(stack, SETTINGS.sharedHandlers);
  const assets = s3.Bucket.fromBucketName(stack, 'Assets', SETTINGS.assetsBucket);
  // As in the blueprint: the framework's assets bucket sends its events to EventBridge already.
  assets.enableEventBridgeNotification = () => undefined;
  new ByomPipeline(stack, 'Pipeline', {
    modelName: request.name,
    pipelineName: `${SETTINGS.stackPrefix}${request.name}`,
    artifact: ModelArtifact.fromBucket(assets, request.artifact),
    image: image(stack, assets),
    keepReleases: request.keepReleases,
    notifications: { emails: request.notifications?.emails },
    environments: directProps(request, assets),
  });
  const template = app.synth().getStackByName(stack.stackName).template;
  return view(evaluateTemplate(template, { parameters: {}, region: REGION, account: ACCOUNT }));
}

/** The pipeline the blueprint makes from the request's parameters. */
function provisionedPipeline(request: PipelineRequest) {
  const input = blueprintStackInput(request, SETTINGS, REGION);
  const app = new App();
  const stack = buildBlueprintStack(app, input.shape);
  const template = blueprintTemplate(app.synth().getStackByName(stack.stackName).template, input.shape);
  const parameters = Object.fromEntries(input.parameters.map((p) => [p.ParameterKey, p.ParameterValue]));
  return view(evaluateTemplate(template, { parameters, region: REGION, account: ACCOUNT }));
}

/**
 * Policy statements about drift detection and batch transforms, and about the
 * assets bucket (a batch environment's data, a baseline dataset, the
 * artifact). The blueprint keeps some other statements whatever the request
 * (an environment's scaling permissions, say), so only these are compared.
 */
const DRIFT_OR_BATCH = /ProcessingJob|DataQuality|ModelQuality|MonitoringSchedule|TransformJob|cloudwatch\.amazonaws\.com|mlops-assets|\/monitoring\/|model-monitor|data-metric/;

/**
 * What makes the pipeline: its stages and actions, its settings and specs,
 * its rules, alarms, APIs and subscriptions, and the policy statements
 * about drift detection, batch transforms and the assets bucket.
 */
function view(resources: { [id: string]: { Type: string; Properties: any } }) {
  const of = (type: string) => Object.values(resources).filter((r) => r.Type === type).map((r) => r.Properties);
  const [pipeline] = of('AWS::CodePipeline::Pipeline');
  const parseJson = (value: string) => {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  };
  const sorted = <T>(items: T[]) => items.map((i) => JSON.stringify(i)).sort().map((i) => JSON.parse(i));
  const statements = Object.values(resources).flatMap((r) => {
    const document = r.Type === 'AWS::KMS::Key' ? r.Properties.KeyPolicy : r.Properties.PolicyDocument;
    return document ? [document.Statement].flat() : [];
  });
  return {
    pipelineName: pipeline.Name,
    stages: pipeline.Stages.map((stage: any) => ({
      name: stage.Name,
      actions: stage.Actions.map((action: any) => ({
        name: action.Name,
        type: action.ActionTypeId,
        namespace: action.Namespace,
        configuration: {
          ...action.Configuration,
          UserParameters: action.Configuration?.UserParameters && parseJson(action.Configuration.UserParameters),
        },
      })),
    })),
    parameters: sorted(of('AWS::SSM::Parameter').map((p) => parseJson(p.Value))),
    cleanup: of('Custom::MlopsReleaseCleanup'),
    rules: sorted(of('AWS::Events::Rule').map((r) => ({ pattern: r.EventPattern, targets: r.Targets.map((t: any) => t.InputTransformer ?? null) }))),
    alarms: sorted(of('AWS::CloudWatch::Alarm').map((a) => ({
      // Numbers from parameters evaluate to strings here; CloudFormation reads them as numbers.
      name: a.AlarmName,
      metric: a.MetricName,
      dimensions: a.Dimensions,
      period: Number(a.Period),
      threshold: Number(a.Threshold),
      description: a.AlarmDescription,
    }))),
    apis: sorted(of('AWS::ApiGateway::RestApi').map((a) => a.Name)),
    subscriptions: sorted(of('AWS::SNS::Subscription').map((s) => s.Endpoint)),
    // A topic's statements are numbered (Sid) in the order they were added, and the blueprint adds every slot's.
    statements: sorted(statements
      .filter((statement) => DRIFT_OR_BATCH.test(JSON.stringify(statement)))
      .map(({ Sid: _sid, ...statement }) => statement)),
  };
}

describe('the blueprint and a directly constructed ByomPipeline', () => {
  test('make the same pipeline for a request with two environments, tests, scaling, data capture, serverless and approval', () => {
    const direct = directPipeline(TWO_ENVIRONMENTS, () => ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'));
    const provisioned = provisionedPipeline(TWO_ENVIRONMENTS);
    expect(provisioned).toEqual(direct);
    // The comparison covers what it claims to: both environments, their stages and specs.
    expect(direct.stages.map((s: any) => s.name)).toEqual(['Source', 'Deploy-dev', 'Test-dev', 'Share-dev', 'Approve-prod', 'Deploy-prod', 'Share-prod']);
    expect(direct.subscriptions).toEqual(['ml@example.com', 'oncall@example.com']);
  });

  test('make the same pipeline for a container source, one environment without tests, approval or scaling', () => {
    const request: PipelineRequest = {
      name: 'fraud-detector',
      artifact: 'models/fraud/model.tar.gz',
      image: { containerSource: 'containers/fraud.zip' },
      environments: [{ name: 'staging' }],
    };
    const direct = directPipeline(request, (_stack, assets) => ModelImage.fromContainerSource(assets, 'containers/fraud.zip'));
    const provisioned = provisionedPipeline(request);
    expect(provisioned).toEqual(direct);
    expect(direct.stages.map((s: any) => s.name)).toEqual(['Source', 'Build', 'Deploy-staging', 'Share-staging']);
  });

  test('make the same pipeline with an image URI and the longest names (hashed release prefixes)', () => {
    const request: PipelineRequest = {
      name: 'a'.repeat(40),
      artifact: 'm.tar.gz',
      image: { uri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/models/custom:v3` },
      environments: [{ name: 'b'.repeat(20), instanceCount: 3 }],
    };
    const direct = directPipeline(request, () => ModelImage.fromImageUri(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/models/custom:v3`));
    expect(provisionedPipeline(request)).toEqual(direct);
  });

  test('make the same pipeline for an unmonitored and a monitored endpoint followed by a batch environment (a batch shape)', () => {
    const request: PipelineRequest = {
      name: 'churn',
      artifact: 'models/churn/model.tar.gz',
      image: { framework: 'xgboost', version: '1.7-1' },
      environments: [
        { name: 'dev', tests: [{ body: '1,2,3' }] },
        {
          name: 'prod',
          approval: true,
          instanceCount: 2,
          dataCapture: { samplingPercentage: 30 },
          monitoring: {
            baselineDataset: 'data/churn/sample.jsonl',
            datasetFormat: 'jsonLines',
            frequency: 'daily',
            instanceType: 'ml.c5.2xlarge',
            instanceCount: 2,
            violationsThreshold: 5,
          },
        },
        {
          name: 'scoring',
          approval: true,
          instanceType: 'ml.c5.xlarge',
          instanceCount: 3,
          batch: {
            input: 'scoring/input/',
            output: 'scoring/output/',
            contentType: 'application/jsonlines',
            splitType: 'Line',
            accept: 'application/jsonlines',
            maxPayloadMb: 10,
            maxConcurrentTransforms: 4,
            check: { minObjects: 2, bodyContains: ['score'], jsonPath: [{ path: '$.score', min: 0, max: 1 }] },
          },
        },
      ],
    };
    expect(blueprintStackInput(request, SETTINGS, REGION).shape).toBe('prebuilt-3-batch');
    const direct = directPipeline(request, () => ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'));
    expect(provisionedPipeline(request)).toEqual(direct);
    // The comparison covers drift detection and the batch environment.
    expect(direct.stages.map((s: any) => s.name)).toEqual([
      'Source', 'Deploy-dev', 'Test-dev', 'Share-dev',
      'Approve-prod', 'Deploy-prod', 'Share-prod', 'Monitor-prod',
      'Approve-scoring', 'Deploy-scoring', 'Test-scoring',
    ]);
    expect(direct.alarms.filter((a: any) => a.metric === 'ConstraintViolations')).toEqual([
      expect.objectContaining({ name: 'churn-prod-data-quality-violations', period: 86400, threshold: 5 }),
    ]);
    const prodSpec = direct.parameters.find((p: any) => p.endpointName === 'churn-prod');
    expect(prodSpec).toMatchObject({
      dataCapture: { samplingPercentage: 30 },
      monitoring: { baselineDatasetFormat: { kind: 'jsonLines' }, schedule: 'daily', resources: { instanceType: 'ml.c5.2xlarge', instanceCount: 2 } },
    });
    const scoringSpec = direct.parameters.find((p: any) => p.endpointName === 'churn-scoring');
    expect(scoringSpec).toMatchObject({ instanceType: 'ml.c5.xlarge', initialInstanceCount: 3, batch: { inputS3Uri: 's3://mlops-assets/scoring/input/' } });
    expect(direct.statements.some((st: any) => JSON.stringify(st).includes('sagemaker:CreateTransformJob'))).toBe(true);
  });

  test('make the same pipeline for a monitored endpoint with every default (hourly CSV, all requests captured)', () => {
    const request: PipelineRequest = {
      name: 'fraud',
      artifact: 'models/fraud/model.tar.gz',
      image: { uri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/models/fraud:v1` },
      environments: [{ name: 'prod', monitoring: { baselineDataset: 'data/fraud/train.csv' } }],
    };
    const direct = directPipeline(request, () => ModelImage.fromImageUri(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/models/fraud:v1`));
    expect(provisionedPipeline(request)).toEqual(direct);
    expect(direct.parameters.find((p: any) => p.endpointName === 'fraud-prod')).toMatchObject({
      dataCapture: { samplingPercentage: 100 },
      monitoring: { baselineDatasetFormat: { kind: 'csv', header: true }, schedule: 'hourly' },
    });
    expect(direct.cleanup).toEqual([expect.objectContaining({ Environments: [expect.objectContaining({ monitoringPrefix: 'fraud-prod' })] })]);
  });

  test('make the same pipeline for a container source whose one environment is a batch environment with every default', () => {
    const request: PipelineRequest = {
      name: 'nightly',
      artifact: 'models/nightly/model.tar.gz',
      image: { containerSource: 'containers/nightly.zip' },
      environments: [{ name: 'scoring', batch: { input: 'nightly/in/', output: 'nightly/out/' } }],
    };
    expect(blueprintStackInput(request, SETTINGS, REGION).shape).toBe('container-1-batch');
    const direct = directPipeline(request, (_stack, assets) => ModelImage.fromContainerSource(assets, 'containers/nightly.zip'));
    expect(provisionedPipeline(request)).toEqual(direct);
    expect(direct.stages.map((s: any) => s.name)).toEqual(['Source', 'Build', 'Deploy-scoring', 'Test-scoring']);
    expect(direct.apis).toEqual([]);
  });
});
