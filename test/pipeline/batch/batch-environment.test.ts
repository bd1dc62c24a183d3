import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BatchSplitType, ByomPipeline, EnvironmentProps, IntegrationTests } from '../../../src';
import { expectCfnLintClean } from '../../harness/cfn-lint';
import { expectNagClean } from '../../harness/nag';
import { basicProps, modelBucket, newAgnosticStack, newStack, specOf } from '../fixtures';

function batchPipeline(stack = newStack(), batch: Partial<EnvironmentProps['batch']> = {}) {
  const data = modelBucket(stack, 'Data');
  const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack, {
    environments: [
      { name: 'dev' },
      {
        name: 'scoring',
        approval: true,
        instanceType: 'ml.c5.xlarge',
        instanceCount: 2,
        batch: {
          input: { bucket: data, prefix: 'scoring/input/' },
          output: { bucket: data, prefix: 'scoring/output/' },
          check: { minObjects: 3, jsonPath: [{ path: '$.score', min: 0, max: 1 }] },
          ...batch,
        },
      },
    ],
  }));
  return { stack, data, pipeline, template: Template.fromStack(stack) };
}

function stageNames(template: Template): string[] {
  const pipelines = template.findResources('AWS::CodePipeline::Pipeline');
  const pipeline = Object.values(pipelines)[0] as { Properties: { Stages: Array<{ Name: string }> } };
  return pipeline.Properties.Stages.map((s) => s.Name);
}

describe('a batch environment', () => {
  const { stack, template, pipeline } = batchPipeline();

  test('gets Approve, Deploy and a Test stage that checks the output, and no Share stage', () => {
    expect(stageNames(template)).toEqual(['Source', 'Deploy-dev', 'Share-dev', 'Approve-scoring', 'Deploy-scoring', 'Test-scoring']);
  });

  test('its Test stage runs the deploy function\'s output check on the Deploy stage\'s output folder', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([Match.objectLike({
        Name: 'Test-scoring',
        Actions: [Match.objectLike({
          Name: 'CheckOutput',
          Configuration: Match.objectLike({
            UserParameters: Match.serializedJson(Match.objectLike({ environment: 'scoring', step: 'check-output', outputUri: '#{Deploy-scoring.OutputUri}' })),
          }),
        })],
      })]),
    });
  });

  test('has no inference API, alarms or release record of its own', () => {
    const scoring = pipeline.environments[1];
    expect(scoring.isBatch).toBe(true);
    expect(scoring.api).toBeUndefined();
    expect(scoring.releaseParameter).toBeUndefined();
    expect(scoring.errorsAlarm).toBeUndefined();
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    expect(() => scoring.grantInvoke(new iam.AccountRootPrincipal())).toThrow(/batch environment: it has no inference API/);
  });

  test('writes its transform and check into the environment\'s deploy spec, sized by the environment\'s instances', () => {
    const spec = specOf(pipeline, 'scoring');
    expect(spec).toMatchObject({ instanceType: 'ml.c5.xlarge', initialInstanceCount: 2, releasePrefix: 'churn-scoring' });
    expect(spec.batch).toEqual({
      inputS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/scoring/input/']] },
      outputS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/scoring/output/']] },
      contentType: 'text/csv',
      splitType: 'Line',
      check: { minObjects: 3, expectations: { jsonPath: [{ path: '$.score', min: 0, max: 1 }] } },
    });
    expect(spec.deployment).toBeUndefined();
    expect(spec.dataCapture).toBeUndefined();
  });

  test('lets the deploy role start and describe only the environment\'s transform jobs, and no endpoint calls for it', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:AddTags'],
          Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':transform-job/churn-scoring-\\*$')])] },
        })]),
      },
    });
    const deployPolicy = JSON.stringify(Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('ChurnDeployRole'))![1]);
    expect(deployPolicy).toContain(':endpoint/churn-dev');
    expect(deployPolicy).not.toContain(':endpoint/churn-scoring');
    expect(deployPolicy).not.toContain(':endpoint-config/churn-scoring');
  });

  test('gives its SageMaker role read on the input prefix and write on the output prefix only', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toMatch(/"\/scoring\/input\/\*"/);
    expect(policies).toMatch(/"\/scoring\/output\/\*"/);
  });

  test('is cfn-lint clean and has no unacknowledged cdk-nag finding', () => {
    expectCfnLintClean(template.toJSON());
    expectNagClean(stack);
  });
});

describe('a batch environment in an environment-agnostic stack', () => {
  test('synthesizes clean too', () => {
    const { stack, template } = batchPipeline(newAgnosticStack());
    expectCfnLintClean(template.toJSON());
    expectNagClean(stack);
  });
});

describe('batch props are validated', () => {
  function build(env: Partial<EnvironmentProps>, batch: Partial<NonNullable<EnvironmentProps['batch']>> = {}): () => ByomPipeline {
    const stack = newStack();
    const data = modelBucket(stack, 'Data');
    return () => new ByomPipeline(stack, 'Churn', basicProps(stack, {
      environments: [{
        name: 'scoring',
        batch: { input: { bucket: data, prefix: 'in/' }, output: { bucket: data, prefix: 'out/' }, ...batch },
        ...env,
      }],
    }));
  }

  test.each([
    ['serverless', { serverless: { memorySizeMb: 2048, maxConcurrency: 2 } }],
    ['autoScaling', { autoScaling: { maxInstances: 2, targetInvocationsPerInstance: 10 } }],
    ['dataCapture', { dataCapture: {} }],
    ['tests', { tests: IntegrationTests.requests([{ body: '1' }]) }],
  ])('%s cannot be set on a batch environment', (field, env) => {
    expect(build(env as Partial<EnvironmentProps>)).toThrow(new RegExp(`environments\\[0\\]\\.${field}: cannot be set together with batch`));
  });

  test.each([
    ['output.prefix', { output: undefined }, /must end with "\/"/],
    ['output', { output: undefined, sameAsInput: true }, /"in\/results\/" and input "in\/" overlap \(one starts with the other\)/],
    ['contentType', { contentType: 'csv' }, /is not a MIME type/],
    ['maxPayloadMb', { maxPayloadMb: 101 }, /maxPayloadMb/],
    ['maxConcurrentTransforms', { maxConcurrentTransforms: 0 }, /maxConcurrentTransforms/],
    ['maxConcurrentTransforms', { maxConcurrentTransforms: 20 }, /20 parallel requests of up to 6 MB \(SageMaker's default when maxPayloadMb is left out\) exceed the 100 MB/],
    ['check.minObjects', { check: { minObjects: 0 } }, /check\.minObjects/],
    ['check.jsonPath[0].path', { check: { jsonPath: [{ path: 'score' }] } }, /check\.jsonPath\[0\]\.path/],
    ['check.bodyContains[0]', { check: { bodyContains: [''] } }, /must not be empty/],
  ])('a bad %s is refused, naming the field', (field, change, message) => {
    const { sameAsInput, ...batch } = change as Record<string, unknown>;
    const make = () => {
      const stack = newStack();
      const data = modelBucket(stack, 'Data');
      const output = sameAsInput ? { bucket: data, prefix: 'in/results/' } : { bucket: data, prefix: field === 'output.prefix' ? 'out' : 'out/' };
      return new ByomPipeline(stack, 'Churn', basicProps(stack, {
        environments: [{ name: 'scoring', batch: { input: { bucket: data, prefix: 'in/' }, ...batch, output } as NonNullable<EnvironmentProps['batch']> }],
      }));
    };
    expect(make).toThrow(new RegExp(`environments\\[0\\]\\.batch\\.${field.replace(/[.[\]]/g, (c) => `\\${c}`)}`));
    expect(make).toThrow(message);
  });

  test('a batch environment runs only on batch transform instance types', () => {
    expect(build({ instanceType: 'ml.c5.large' })).toThrow(/environments\[0\]\.instanceType: "ml\.c5\.large" is not a SageMaker batch transform instance type \(did you mean "ml\.c5\.xlarge"\?\)/);
    expect(build({ instanceType: 'ml.t2.medium' })).toThrow(/environments\[0\]\.instanceType: "ml\.t2\.medium" is not a SageMaker batch transform instance type/);
    expect(specOf(build({ instanceType: 'ml.m5.xlarge' })(), 'scoring')).toMatchObject({ instanceType: 'ml.m5.xlarge', batch: expect.anything() });
  });

  test('a batch environment in another region is refused', () => {
    expect(build({ region: 'eu-west-1' })).toThrow(/environments\[0\]\.batch: is not supported for an environment in another account or region/);
  });

  test('the split type, accept and limits reach the spec', () => {
    const { pipeline } = batchPipeline(newStack(), { splitType: BatchSplitType.NONE, accept: 'application/jsonlines', maxPayloadMb: 20, maxConcurrentTransforms: 4 });
    expect(specOf(pipeline, 'scoring').batch).toMatchObject({ splitType: 'None', accept: 'application/jsonlines', maxPayloadMb: 20, maxConcurrentTransforms: 4 });
  });
});
