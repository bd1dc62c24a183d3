import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InferenceApi, InferenceApiAuth } from '../../../src/pipeline/share/inference-api';
import { ShareHandler } from '../../../src/pipeline/share/share-handler';
import { SHARE_SETTINGS_VARIABLE } from '../../../src/contract/share-settings';
import { expectCfnLintClean } from '../../harness/cfn-lint';
import { expectNagClean } from '../../harness/nag';
import { newStack } from '../fixtures';

/** What ByomPipeline tells the share handler about an environment's API. */
function target(api: InferenceApi) {
  return {
    endpointName: api.endpointName,
    releaseParameter: api.releaseParameter!,
    api: { restApiId: api.restApi.restApiId, restApiName: api.restApi.restApiName, stageName: 'v1' },
  };
}

/** A pipeline's share pieces for two environments, as ByomPipeline wires them. */
function shareStack(stack: Stack = newStack()) {
  const handler = new ShareHandler(stack, 'Share', { pipelineName: 'churn-mlops', logRetention: logs.RetentionDays.ONE_YEAR });
  const dev = new InferenceApi(stack, 'DevApi', { endpointName: 'churn-dev' });
  const prod = new InferenceApi(stack, 'ProdApi', { endpointName: 'churn-prod', auth: InferenceApiAuth.apiKey() });
  handler.addEnvironment('dev', target(dev));
  handler.addEnvironment('prod', target(prod));
  return { stack, handler, dev, prod };
}

describe('ShareHandler', () => {
  test('is an arm64 function with its own role, its own log group and JSON logs', () => {
    const { stack } = shareStack();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('ShareLogs') } },
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('ShareRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('knows each environment\'s endpoint and release parameter', () => {
    const { stack } = shareStack();
    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as any;
    const settings = stack.resolve(fn.Properties.Environment.Variables[SHARE_SETTINGS_VARIABLE]);
    const text = JSON.stringify(settings);
    expect(text).toContain('\\"dev\\":{\\"endpointName\\":\\"churn-dev\\",\\"parameterName\\":\\"');
    expect(text).toContain('\\"prod\\":{\\"endpointName\\":\\"churn-prod\\"');
    expect(text).toMatch(/"Ref":"DevApiRelease[0-9A-F]+"/);
  });

  test('may read and write only its environments\' release parameters, describe only their endpoints, and report job results', () => {
    const { stack } = shareStack();
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ShareRole') }] } });
    const statements = Object.values(policies).flatMap((p: any) => stack.resolve(p.Properties.PolicyDocument.Statement));
    const byAction = (action: string) => statements.filter((s: any) => [s.Action].flat().includes(action));
    expect(byAction('ssm:PutParameter').map((s: any) => JSON.stringify(s.Resource))).toEqual([
      expect.stringMatching(/:parameter\/.*DevApiRelease/),
      expect.stringMatching(/:parameter\/.*ProdApiRelease/),
    ]);
    expect(byAction('sagemaker:DescribeEndpoint').map((s: any) => JSON.stringify(s.Resource))).toEqual([
      expect.stringContaining(':sagemaker:us-east-1:111111111111:endpoint/churn-dev"'),
      expect.stringContaining(':sagemaker:us-east-1:111111111111:endpoint/churn-prod"'),
    ]);
    // Making an API live: a PATCH on that API's v1 stage, nothing else.
    expect(byAction('apigateway:PATCH').map((s: any) => JSON.stringify(s.Resource))).toEqual([
      expect.stringMatching(/:apigateway:us-east-1::\/restapis\/",\{"Ref":"DevApi[0-9A-F]+"\},"\/stages\/v1"/),
      expect.stringMatching(/:apigateway:us-east-1::\/restapis\/",\{"Ref":"ProdApi[0-9A-F]+"\},"\/stages\/v1"/),
    ]);
    expect(byAction('codepipeline:PutJobSuccessResult')).toEqual([expect.objectContaining({ Resource: '*' })]);
    const actionsGranted = new Set(statements.flatMap((s: any) => [s.Action].flat()));
    expect([...actionsGranted].sort()).toEqual([
      'apigateway:PATCH', 'codepipeline:PutJobFailureResult', 'codepipeline:PutJobSuccessResult',
      'logs:CreateLogStream', 'logs:PutLogEvents',
      'sagemaker:DescribeEndpoint', 'ssm:GetParameter', 'ssm:PutParameter',
    ]);
  });

  test('shareAction builds a Lambda invoke action that reads the release from the Deploy action\'s variables', () => {
    const { stack, handler } = shareStack();
    const bucket = new s3.Bucket(stack, 'Source', { versioned: true });
    const pipeline = new codepipeline.Pipeline(stack, 'Pipeline', { pipelineType: codepipeline.PipelineType.V2 });
    pipeline.addStage({
      stageName: 'Source',
      actions: [new actions.S3SourceAction({ actionName: 'Model', bucket, bucketKey: 'm.tar.gz', output: new codepipeline.Artifact('M'), trigger: actions.S3Trigger.NONE })],
    });
    pipeline.addStage({ stageName: 'Share-dev', actions: [handler.shareAction('dev', { imageUri: 'img:1' })] });
    const resolved = Template.fromStack(stack).findResources('AWS::CodePipeline::Pipeline');
    const stage = (Object.values(resolved)[0] as any).Properties.Stages[1];
    expect(stage.Actions[0]).toMatchObject({ Name: 'Share', Namespace: 'Share-dev', ActionTypeId: { Provider: 'Lambda' } });
    expect(JSON.parse(stage.Actions[0].Configuration.UserParameters)).toEqual({
      environment: 'dev',
      executionId: '#{codepipeline.PipelineExecutionId}',
      endpointName: '#{Deploy-dev.EndpointName}',
      endpointConfigName: '#{Deploy-dev.EndpointConfigName}',
      modelName: '#{Deploy-dev.ModelName}',
      imageUri: 'img:1',
    });
  });

  test('shareAction refuses an environment that was not added, and an environment cannot be added twice', () => {
    const { handler, dev } = shareStack();
    expect(() => handler.shareAction('staging')).toThrow(/has no environment "staging": call addEnvironment\(\) first/);
    expect(() => handler.addEnvironment('dev', target(dev))).toThrow(/already shares to environment "dev"/);
    // An API in this account is made live by its ID; only an API elsewhere is found by name.
    expect(() => handler.addEnvironment('qa', { ...target(dev), api: { restApiName: 'churn-qa-inference', stageName: 'v1' } }))
      .toThrow(/environment "qa" is in this account, so its API's ID must be given/);
  });
});

describe('share compliance', () => {
  const { stack } = shareStack();

  test('the share handler and two inference APIs (IAM and API key) are cfn-lint clean', () => {
    expectCfnLintClean(Template.fromStack(stack).toJSON());
  });

  test('the share handler and two inference APIs have no unacknowledged cdk-nag finding', () => {
    expectNagClean(stack);
  });

  test('an API that creates the account logging role is cfn-lint and cdk-nag clean too', () => {
    const other = newStack();
    new InferenceApi(other, 'Api', { endpointName: 'churn-dev', cloudWatchRole: true, webAclArn: 'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/inference/abc' });
    expectCfnLintClean(Template.fromStack(other).toJSON());
    expectNagClean(other);
  });
});
