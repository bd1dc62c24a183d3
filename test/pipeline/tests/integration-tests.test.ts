import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { pipelineWithTests } from './tests-fixtures';
import { IntegrationTests, TestRequest } from '../../../src/pipeline/tests/integration-tests';
import { expectCfnLintClean } from '../../harness/cfn-lint';
import { expectNagClean } from '../../harness/nag';

const SCORE: TestRequest = {
  name: 'score high',
  body: '{"features":[1,2,3]}',
  expect: { status: 200, bodyContains: ['score'], jsonPath: [{ path: '$.predictions[0].score', min: 0.5, max: 1 }], maxLatency: Duration.seconds(1) },
};
const BUILD_SPEC = codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['python -m pytest tests/'] } } });

describe('IntegrationTests.requests', () => {
  const { stack } = pipelineWithTests([
    { name: 'dev', tests: IntegrationTests.requests([SCORE, { body: 'a,b', contentType: 'text/csv' }]) },
    { name: 'prod', tests: IntegrationTests.requests([SCORE]) },
  ]);
  const template = Template.fromStack(stack);

  test('each Test-<env> stage has one Lambda invoke action on the one shared test function, with small user parameters', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    const stages = template.findResources('AWS::CodePipeline::Pipeline');
    const pipeline = Object.values(stages)[0] as any;
    const testStages = pipeline.Properties.Stages.filter((s: any) => s.Name.startsWith('Test-'));
    expect(testStages.map((s: any) => s.Name)).toEqual(['Test-dev', 'Test-prod']);
    const action = testStages[0].Actions[0];
    expect(action).toMatchObject({ Name: 'Test', ActionTypeId: { Category: 'Invoke', Provider: 'Lambda' } });
    const params = stack.resolve(action.Configuration.UserParameters);
    const text = JSON.stringify(params);
    expect(text).toContain('#{Deploy-dev.EndpointName}');
    expect(text).toContain('#{Deploy-dev.EndpointConfigName}');
    expect(text).toContain('#{Deploy-dev.PreviousEndpointConfigName}');
    expect(text).toContain('\\"environment\\":\\"dev\\"');
    expect(text).not.toContain('features');
  });

  test('each environment\'s requests are JSON in an SSM parameter of their own, with defaults filled in', () => {
    template.resourceCountIs('AWS::SSM::Parameter', 2);
    const parameters = Object.values(template.findResources('AWS::SSM::Parameter')).map((p: any) => JSON.parse(p.Properties.Value));
    expect(parameters[0]).toEqual({
      requests: [
        { name: 'score high', body: '{"features":[1,2,3]}', contentType: 'application/json', status: 200, bodyContains: ['score'], jsonPath: [{ path: '$.predictions[0].score', min: 0.5, max: 1 }], maxLatencyMs: 1000 },
        { name: '#2', body: 'a,b', contentType: 'text/csv', status: 200 },
      ],
    });
  });

  test('the function runs on arm64 with JSON logs in its own log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: Match.anyValue() }),
      Handler: 'index.handler',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('the function may invoke, describe and update only its environments\' endpoints, onto their release configs only', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => JSON.stringify(p.Properties.Roles).includes('TestsRole'));
    expect(policies).toHaveLength(1);
    const statements = stack.resolve((policies[0] as any).Properties.PolicyDocument.Statement);
    const text = JSON.stringify(statements);
    const sagemaker = statements.filter((s: any) => JSON.stringify(s.Action).includes('sagemaker:'));
    expect(sagemaker).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['sagemaker:InvokeEndpoint', 'sagemaker:DescribeEndpoint'], Resource: sm('endpoint/churn-dev') },
      { Effect: 'Allow', Action: 'sagemaker:UpdateEndpoint', Resource: [sm('endpoint/churn-dev'), sm('endpoint-config/churn-dev-*')] },
      { Effect: 'Allow', Action: ['sagemaker:InvokeEndpoint', 'sagemaker:DescribeEndpoint'], Resource: sm('endpoint/churn-prod') },
    ]));
    expect(text).not.toMatch(/sagemaker:\*|:endpoint\/\*"/);
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'], Resource: '*' },
    ]));
    expect(text).toMatch(/ssm:GetParameter/);
  });

  test('the stack is cfn-lint clean and has no unacknowledged cdk-nag finding', () => {
    expectCfnLintClean(template.toJSON());
    expectNagClean(stack);
  });
});

describe('IntegrationTests.codeBuild', () => {
  test('an inline build spec: a project with the endpoint variables, no privileged mode, the pipeline key, retained logs', () => {
    const { stack } = pipelineWithTests([{ name: 'dev', tests: IntegrationTests.codeBuild({ buildSpec: BUILD_SPEC, environmentVariables: { SUITE: { value: 'smoke' } } }) }]);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: Match.objectLike({
        Type: 'ARM_CONTAINER',
        ComputeType: 'BUILD_GENERAL1_SMALL',
        PrivilegedMode: false,
        EnvironmentVariables: Match.arrayWith([
          { Name: 'SUITE', Type: 'PLAINTEXT', Value: 'smoke' },
          { Name: 'ENDPOINT_NAME', Type: 'PLAINTEXT', Value: 'churn-dev' },
          { Name: 'AWS_REGION', Type: 'PLAINTEXT', Value: 'us-east-1' },
        ]),
      }),
      EncryptionKey: Match.anyValue(),
      LogsConfig: { CloudWatchLogs: Match.objectLike({ Status: 'ENABLED' }) },
      TimeoutInMinutes: 30,
    });
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as any;
    const test = pipeline.Properties.Stages.find((s: any) => s.Name === 'Test-dev').Actions[0];
    expect(test).toMatchObject({ Name: 'Test', ActionTypeId: { Category: 'Build', Provider: 'CodeBuild' }, InputArtifacts: [{ Name: 'TestSuite_dev' }] });
    expect(JSON.parse(test.Configuration.EnvironmentVariables)).toEqual([
      { name: 'ENDPOINT_NAME', type: 'PLAINTEXT', value: '#{Deploy-dev.EndpointName}' },
      { name: 'ENDPOINT_CONFIG_NAME', type: 'PLAINTEXT', value: '#{Deploy-dev.EndpointConfigName}' },
      { name: 'PREVIOUS_ENDPOINT_CONFIG_NAME', type: 'PLAINTEXT', value: '#{Deploy-dev.PreviousEndpointConfigName}' },
    ]);
    // The inline spec still needs a zip input: a placeholder asset, read by a source action.
    const source = pipeline.Properties.Stages[0].Actions.find((a: any) => a.Name === 'TestSuite-dev');
    expect(source).toMatchObject({ ActionTypeId: { Provider: 'S3' }, OutputArtifacts: [{ Name: 'TestSuite_dev' }] });
    expect(source.Configuration.PollForSourceChanges).toBe(false);
  });

  test('the project\'s role may invoke only its environment\'s endpoint', () => {
    const { stack } = pipelineWithTests([{ name: 'dev', tests: IntegrationTests.codeBuild({ buildSpec: BUILD_SPEC }) }]);
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .filter((p: any) => JSON.stringify(p.Properties.Roles).includes('TestsdevProjectRole'))
      .flatMap((p: any) => stack.resolve(p.Properties.PolicyDocument.Statement));
    const sagemaker = statements.filter((s: any) => JSON.stringify(s.Action).includes('sagemaker'));
    expect(sagemaker).toEqual([{ Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint', Resource: sm('endpoint/churn-dev') }]);
  });

  test('a test suite zip in S3 becomes the build\'s input through a source action', () => {
    const { stack } = pipelineWithTests([{
      name: 'dev',
      tests: IntegrationTests.codeBuild({
        buildSpec: BUILD_SPEC,
        source: { bucket: s3.Bucket.fromBucketName(newScope(), 'Suites', 'team-tests'), key: 'churn/tests.zip' },
        timeout: Duration.minutes(10),
      }),
    }]);
    const template = Template.fromStack(stack);
    const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as any;
    const source = pipeline.Properties.Stages[0].Actions.find((a: any) => a.Name === 'TestSuite-dev');
    expect(source.Configuration).toMatchObject({ S3Bucket: 'team-tests', S3ObjectKey: 'churn/tests.zip' });
    template.hasResourceProperties('AWS::CodeBuild::Project', { TimeoutInMinutes: 10 });
  });

  test('a stack with a CodeBuild test stage is cfn-lint clean and has no unacknowledged cdk-nag finding', () => {
    const { stack } = pipelineWithTests([{ name: 'dev', tests: IntegrationTests.codeBuild({ buildSpec: BUILD_SPEC }) }]);
    expectCfnLintClean(Template.fromStack(stack).toJSON());
    expectNagClean(stack);
  });
});

describe('validation', () => {
  test('no requests', () => {
    expect(() => IntegrationTests.requests([])).toThrow(/tests\.requests: must hold at least one request/);
  });

  test('every problem is reported at once, each naming the field', () => {
    let error: Error | undefined;
    try {
      IntegrationTests.requests([
        { body: '{}' },
        {
          name: 'bad',
          body: '',
          contentType: 'json',
          accept: 'nope',
          expect: {
            status: 42,
            bodyContains: [''],
            jsonPath: [{ path: 'x' }, { path: '$.a', min: 2, max: 1 }, { path: '$.b', equalsJson: 'high' }, { path: '$.c[x]' }, { path: '$.d', equalsJson: '1', min: 0 }],
            maxLatency: Duration.millis(0),
          },
        },
        { name: 'bad', body: '{}' },
      ]);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain('tests.requests[1].body: must not be empty');
    expect(error?.message).toContain('tests.requests[1].contentType: "json" is not a MIME type');
    expect(error?.message).toContain('tests.requests[1].accept: "nope" is not a MIME type');
    expect(error?.message).toContain('tests.requests[1].expect.status: must be a whole number from 100 to 599, got 42');
    expect(error?.message).toContain('tests.requests[1].expect.bodyContains[0]: must not be empty');
    expect(error?.message).toContain('tests.requests[1].expect.jsonPath[0].path: "x" is not a JSON path starting with "$"');
    expect(error?.message).toContain('tests.requests[1].expect.jsonPath[1].min: 2 is more than max 1');
    expect(error?.message).toContain('tests.requests[1].expect.jsonPath[2].equalsJson: "high" is not JSON text');
    expect(error?.message).toContain('tests.requests[1].expect.jsonPath[3].path: "$.c[x]" has an unsupported step at position 3');
    expect(error?.message).toContain('tests.requests[1].expect.jsonPath[4]: set either equalsJson or min/max, not both');
    expect(error?.message).toContain('tests.requests[1].expect.maxLatency: must be more than 0 ms');
    expect(error?.message).toContain('tests.requests[2].name: "bad" is already the name of tests.requests[1]');
    expect(error?.message).not.toContain('tests.requests[0]');
  });

  test('requests too large for an SSM parameter', () => {
    expect(() => IntegrationTests.requests([{ body: 'x'.repeat(5000) }])).toThrow(/tests\.requests: take \d+ characters as JSON, more than the 4096 an SSM parameter holds/);
  });

  test('a non-finite bound', () => {
    expect(() => IntegrationTests.requests([{ body: '{}', expect: { jsonPath: [{ path: '$', max: NaN }] } }])).toThrow(/tests\.requests\[0\]\.expect\.jsonPath\[0\]\.max: must be a finite number/);
  });

  test('codeBuild: reserved variables, a bad key and a bad timeout', () => {
    expect(() => IntegrationTests.codeBuild({
      buildSpec: BUILD_SPEC,
      source: { bucket: s3.Bucket.fromBucketName(newScope(), 'B', 'team-tests'), key: '/tests.zip' },
      environmentVariables: { ENDPOINT_NAME: { value: 'x' } },
      timeout: Duration.minutes(1),
    })).toThrow(/tests\.source\.key: "\/tests\.zip" must be a non-empty S3 key[\s\S]*tests\.environmentVariables\.ENDPOINT_NAME: is set by the Test stage itself[\s\S]*tests\.timeout: must be whole minutes from 5 to 2160, got 1/);
  });
});

/** A SageMaker ARN in the test stack's account and region, as the template holds it. */
function sm(resource: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:111111111111:${resource}`]] };
}

function newScope() {
  return pipelineWithTests([]).stack;
}
