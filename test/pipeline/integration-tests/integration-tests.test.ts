import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { pipelineWithTests } from './tests-fixtures';
import { IntegrationTests, TestRequest } from '../../../src/pipeline/integration-tests/integration-tests';
import { expectCfnLintClean } from '../../harness/cfn-lint';
import { expectNagClean } from '../../harness/nag';

const SCORE: TestRequest = {
  name: 'score high',
  body: '{"features":[1,2,3]}',
  expect: { status: 200, bodyContains: ['score'], jsonPath: [{ path: '$.predictions[0].score', min: 0.5, max: 1 }], maxLatency: Duration.seconds(1) },
};
const AUTO_SCALING = {
  minInstances: 2, maxInstances: 8, targetInvocationsPerInstance: 500, scaleInCooldownSeconds: 300, scaleOutCooldownSeconds: 60,
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
    const statements = testHandlerStatements(stack);
    const text = JSON.stringify(statements);
    const sagemaker = statements.filter((s: any) => JSON.stringify(s.Action).includes('sagemaker:'));
    expect(sagemaker).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: 'sagemaker:DescribeEndpoint', Resource: sm('endpoint/churn-dev') },
      { Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint', Resource: sm('endpoint/churn-dev') },
      { Effect: 'Allow', Action: 'sagemaker:UpdateEndpoint', Resource: [sm('endpoint/churn-dev'), sm('endpoint-config/churn-dev-*')] },
      { Effect: 'Allow', Action: 'sagemaker:DescribeEndpoint', Resource: sm('endpoint/churn-prod') },
      { Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint', Resource: sm('endpoint/churn-prod') },
    ]));
    expect(sagemaker).toHaveLength(6);
    expect(text).not.toMatch(/sagemaker:\*|:endpoint\/\*"/);
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'], Resource: '*' },
    ]));
    expect(text).toMatch(/ssm:GetParameter/);
    // Neither environment autoscales: nothing to take out of scaling on a rollback.
    expect(text).not.toMatch(/application-autoscaling|codebuild:/);
    expect(userParameters(stack, 'Test-dev')).not.toHaveProperty('scaling');
  });

  test('the stack is cfn-lint clean and has no unacknowledged cdk-nag finding', () => {
    expectCfnLintClean(template.toJSON());
    expectNagClean(stack);
  });
});

describe('IntegrationTests.codeBuild', () => {
  describe('an inline build spec', () => {
    const { stack } = pipelineWithTests([{ name: 'dev', tests: IntegrationTests.codeBuild({ buildSpec: BUILD_SPEC, environmentVariables: { SUITE: { value: 'smoke' } } }) }]);
    const template = Template.fromStack(stack);

    test('the Test stage invokes the pipeline\'s test function, which starts the project with the release\'s variables', () => {
      const action = stageAction(stack, 'Test-dev');
      expect(action).toMatchObject({ Name: 'Test', ActionTypeId: { Category: 'Invoke', Provider: 'Lambda' } });
      expect(action.InputArtifacts).toBeUndefined();
      expect(userParameters(stack, 'Test-dev')).toEqual({
        environment: 'dev',
        endpointName: '#{Deploy-dev.EndpointName}',
        endpointConfigName: '#{Deploy-dev.EndpointConfigName}',
        previousConfig: '#{Deploy-dev.PreviousEndpointConfigName}',
        build: { projectName: `\${Ref:${projectId(template)}}` },
      });
      template.resourceCountIs('AWS::Lambda::Function', 1);
    });

    test('the project keeps its settings: endpoint variables, no privileged mode, the pipeline key, retained logs, bounded time', () => {
      template.hasResourceProperties('AWS::CodeBuild::Project', {
        Source: { Type: 'NO_SOURCE', BuildSpec: Match.stringLikeRegexp('pytest') },
        Artifacts: { Type: 'NO_ARTIFACTS' },
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
        QueuedTimeoutInMinutes: 60,
      });
      // The project's logs and the test function's, both kept a year.
      template.resourceCountIs('AWS::Logs::LogGroup', 2);
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    });

    test('an inline spec needs no source action and no placeholder zip', () => {
      const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as any;
      expect(pipeline.Properties.Stages[0].Actions.map((a: any) => a.Name)).toEqual(['ModelArtifact']);
    });

    test('the test function may start and follow builds of that project only, and describe and roll back the endpoint without invoking it', () => {
      const statements = testHandlerStatements(stack);
      expect(statements).toEqual(expect.arrayContaining([
        { Effect: 'Allow', Action: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'], Resource: { 'Fn::GetAtt': [projectId(template), 'Arn'] } },
        { Effect: 'Allow', Action: 'sagemaker:DescribeEndpoint', Resource: sm('endpoint/churn-dev') },
        { Effect: 'Allow', Action: 'sagemaker:UpdateEndpoint', Resource: [sm('endpoint/churn-dev'), sm('endpoint-config/churn-dev-*')] },
      ]));
      const text = JSON.stringify(statements);
      expect(text).not.toMatch(/sagemaker:InvokeEndpoint|ssm:|codebuild:\*|application-autoscaling/);
      template.resourceCountIs('AWS::SSM::Parameter', 0);
    });

    test('the project\'s role may invoke only its environment\'s endpoint', () => {
      const projectStatements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p: any) => JSON.stringify(p.Properties.Roles).includes('TestsdevProjectRole'))
        .flatMap((p: any) => stack.resolve(p.Properties.PolicyDocument.Statement));
      const sagemaker = projectStatements.filter((s: any) => JSON.stringify(s.Action).includes('sagemaker'));
      expect(sagemaker).toEqual([{ Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint', Resource: sm('endpoint/churn-dev') }]);
    });

    test('the stack is cfn-lint clean and has no unacknowledged cdk-nag finding', () => {
      expectCfnLintClean(template.toJSON());
      expectNagClean(stack);
    });
  });

  describe('a test suite zip in S3, on an autoscaled environment', () => {
    const { stack } = pipelineWithTests([{
      name: 'prod',
      tests: IntegrationTests.codeBuild({
        buildSpec: BUILD_SPEC,
        source: { bucket: s3.Bucket.fromBucketName(newScope(), 'Suites', 'team-tests'), key: 'churn/tests.zip' },
        timeout: Duration.minutes(10),
      }),
      autoScaling: AUTO_SCALING,
    }]);
    const template = Template.fromStack(stack);

    test('the project reads the zip; the Source stage pins the version every environment\'s build runs', () => {
      template.hasResourceProperties('AWS::CodeBuild::Project', { Source: Match.objectLike({ Type: 'S3', Location: 'team-tests/churn/tests.zip' }), TimeoutInMinutes: 10 });
      const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as any;
      const source = pipeline.Properties.Stages[0].Actions.find((a: any) => a.Name === 'TestSuite-prod');
      expect(source).toMatchObject({ ActionTypeId: { Provider: 'S3' }, Namespace: 'TestSuite-prod', Configuration: { S3Bucket: 'team-tests', S3ObjectKey: 'churn/tests.zip', PollForSourceChanges: false } });
      expect(userParameters(stack, 'Test-prod').build).toEqual({ projectName: `\${Ref:${projectId(template)}}`, sourceVersion: '#{TestSuite-prod.VersionId}' });
    });

    test('the job carries the environment\'s scaling, for a rollback to suspend and restore it, well within CodePipeline\'s 1000 characters', () => {
      expect(userParameters(stack, 'Test-prod').scaling).toEqual({ variantName: 'AllTraffic', autoScaling: AUTO_SCALING });
      // Tokens resolve to names of at most 255 characters (the project) at deploy time.
      const resolved = JSON.stringify(stack.resolve(stageAction(stack, 'Test-prod').Configuration.UserParameters));
      expect(resolved.length).toBeLessThan(1000 - 255);
    });

    test('the test function may take exactly that endpoint\'s variant out of scaling and register it again', () => {
      const statements = testHandlerStatements(stack);
      expect(statements).toEqual(expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: 'application-autoscaling:RegisterScalableTarget',
          Resource: '*',
          Condition: {
            StringEquals: {
              'application-autoscaling:service-namespace': 'sagemaker',
              'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount',
              'aws:RequestTag/mlops:endpoint': 'churn-prod',
            },
          },
        },
        {
          Effect: 'Allow',
          Action: ['application-autoscaling:DeregisterScalableTarget', 'application-autoscaling:PutScalingPolicy'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':application-autoscaling:us-east-1:111111111111:scalable-target/*']] },
          Condition: {
            StringEquals: {
              'application-autoscaling:service-namespace': 'sagemaker',
              'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount',
              'aws:ResourceTag/mlops:endpoint': 'churn-prod',
            },
          },
        },
        // Application Auto Scaling checks that the caller itself may read and resize the variant.
        { Effect: 'Allow', Action: ['sagemaker:UpdateEndpointWeightsAndCapacities', 'sagemaker:DescribeEndpoint'], Resource: sm('endpoint/churn-prod') },
        { Effect: 'Allow', Action: 'sagemaker:DescribeEndpointConfig', Resource: sm('endpoint-config/churn-prod-*') },
        {
          Effect: 'Allow',
          Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:111111111111:alarm:TargetTracking-endpoint/churn-prod/*']] },
        },
        {
          Effect: 'Allow',
          Action: 'iam:CreateServiceLinkedRole',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint']] },
          Condition: { StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
        },
      ]));
    });

    test('the stack is cfn-lint clean and has no unacknowledged cdk-nag finding', () => {
      expectCfnLintClean(template.toJSON());
      expectNagClean(stack);
    });
  });

  test('request tests on an autoscaled environment carry its scaling too; two scaled environments share one service-linked-role grant', () => {
    const { stack } = pipelineWithTests([
      { name: 'staging', tests: IntegrationTests.requests([SCORE]), autoScaling: AUTO_SCALING },
      { name: 'prod', tests: IntegrationTests.codeBuild({ buildSpec: BUILD_SPEC }), autoScaling: { minInstances: 1, maxInstances: 2, targetInvocationsPerInstance: 100 } },
    ]);
    expect(userParameters(stack, 'Test-staging').scaling).toEqual({ variantName: 'AllTraffic', autoScaling: AUTO_SCALING });
    expect(userParameters(stack, 'Test-prod').scaling).toEqual({ variantName: 'AllTraffic', autoScaling: { minInstances: 1, maxInstances: 2, targetInvocationsPerInstance: 100 } });
    const statements = testHandlerStatements(stack);
    expect(statements.filter((s: any) => s.Action === 'iam:CreateServiceLinkedRole')).toHaveLength(1);
    expect(statements.filter((s: any) => [s.Action].flat().includes('sagemaker:UpdateEndpointWeightsAndCapacities')).map((s: any) => s.Resource))
      .toEqual([sm('endpoint/churn-staging'), sm('endpoint/churn-prod')]);
  });
});

describe('validation', () => {
  test('no requests', () => {
    expect(() => IntegrationTests.requests([])).toThrow(/tests\.requests: must hold 1 to 20 tests \(leave tests out for none\), got 0/);
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
    expect(error?.message).toContain('tests.requests[1].expect.maxLatency: must be a whole number from 1 to 60000, got 0');
    expect(error?.message).toContain('tests.requests[2].name: "bad" is already the name of tests.requests[1]');
    expect(error?.message).not.toContain('tests.requests[0]');
  });

  test('requests too large for an SSM parameter', () => {
    expect(() => IntegrationTests.requests([{ body: 'x'.repeat(5000) }])).toThrow(/tests\.requests: take \d+ characters as JSON, more than the 4096 one CloudFormation or SSM parameter holds/);
  });

  test('a non-finite bound', () => {
    expect(() => IntegrationTests.requests([{ body: '{}', expect: { jsonPath: [{ path: '$', max: NaN }] } }])).toThrow(/tests\.requests\[0\]\.expect\.jsonPath\[0\]\.max: must be a number, got NaN \(not a JSON number\)/);
  });

  test('codeBuild: reserved variables, a bad key and a bad timeout', () => {
    expect(() => IntegrationTests.codeBuild({
      buildSpec: BUILD_SPEC,
      source: { bucket: s3.Bucket.fromBucketName(newScope(), 'B', 'team-tests'), key: '/tests.zip' },
      environmentVariables: { ENDPOINT_NAME: { value: 'x' } },
      timeout: Duration.minutes(1),
    })).toThrow(/tests\.source\.key: "\/tests\.zip" must be a non-empty S3 key[\s\S]*tests\.environmentVariables\.ENDPOINT_NAME: is set by the Test stage itself[\s\S]*tests\.timeout: must be whole minutes from 5 to 1200 \(the build and a rollback must fit in the Test action's 24 hours\), got 1/);
  });

  test('codeBuild: a build longer than 20 hours would not leave time for a rollback within the Test action\'s 24 hours', () => {
    expect(() => IntegrationTests.codeBuild({ buildSpec: BUILD_SPEC, timeout: Duration.hours(21) })).toThrow(/tests\.timeout: must be whole minutes from 5 to 1200 .*got 1260/);
    const { stack } = pipelineWithTests([{ name: 'dev', tests: IntegrationTests.codeBuild({ buildSpec: BUILD_SPEC, timeout: Duration.hours(20) }) }]);
    Template.fromStack(stack).hasResourceProperties('AWS::CodeBuild::Project', { TimeoutInMinutes: 1200 });
  });
});

/** A SageMaker ARN in the test stack's account and region, as the template holds it. */
function sm(resource: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:111111111111:${resource}`]] };
}

function newScope() {
  return pipelineWithTests([]).stack;
}

/** The statements of the test function's role, resolved. */
function testHandlerStatements(stack: Stack): any[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => JSON.stringify(p.Properties.Roles).includes('TestsRole'));
  expect(policies).toHaveLength(1);
  return stack.resolve((policies[0] as any).Properties.PolicyDocument.Statement);
}

/** The one action of a stage of the stack's pipeline. */
function stageAction(stack: Stack, stageName: string): any {
  const pipeline = Object.values(Template.fromStack(stack).findResources('AWS::CodePipeline::Pipeline'))[0] as any;
  return pipeline.Properties.Stages.find((s: any) => s.Name === stageName).Actions[0];
}

/** An action's UserParameters as JSON, with each deploy-time reference written `${Ref:<logical id>}`. */
function userParameters(stack: Stack, stageName: string): any {
  const resolved = stack.resolve(stageAction(stack, stageName).Configuration.UserParameters);
  const parts: unknown[] = typeof resolved === 'string' ? [resolved] : resolved['Fn::Join'][1];
  return JSON.parse(parts.map((part: any) => (typeof part === 'string' ? part : `\${Ref:${part.Ref}}`)).join(''));
}

/** The logical ID of the stack's one CodeBuild project. */
function projectId(template: Template): string {
  return Object.keys(template.findResources('AWS::CodeBuild::Project'))[0];
}
