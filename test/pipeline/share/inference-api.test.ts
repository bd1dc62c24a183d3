import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { InferenceApi, InferenceApiAuth } from '../../../src/pipeline/share/inference-api';
import { NOT_SHARED_ENDPOINT, NOT_SHARED_MESSAGE } from '../../../src/contract/share-settings';
import { newAgnosticStack, newStack } from '../fixtures';

function build(props: Partial<ConstructorParameters<typeof InferenceApi>[2]> = {}, stack: Stack = newStack()) {
  const api = new InferenceApi(stack, 'DevApi', { endpointName: 'Churn-dev', ...props });
  // Synthesized on first use, so a test may still add to the stack before it looks.
  return { stack, api, get template() { return Template.fromStack(stack); } };
}

describe('InferenceApi', () => {
  test('is a regional REST API that does not create the account-wide logging role by default', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'Churn-dev-inference',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  test('POST /invocations is an AWS integration straight to the SageMaker runtime, passing the content type through', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'invocations' });
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      RequestParameters: { 'method.request.header.Content-Type': true, 'method.request.header.Accept': false },
      Integration: {
        Type: 'AWS',
        IntegrationHttpMethod: 'POST',
        PassthroughBehavior: 'WHEN_NO_TEMPLATES',
        Uri: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:us-east-1:runtime.sagemaker:path/endpoints/Churn-dev/invocations']] },
        Credentials: { 'Fn::GetAtt': [Match.stringLikeRegexp('DevApiInvokeRole'), 'Arn'] },
        RequestParameters: {
          'integration.request.header.Content-Type': 'method.request.header.Content-Type',
          'integration.request.header.Accept': 'method.request.header.Accept',
        },
        IntegrationResponses: Match.arrayWith([
          { StatusCode: '200', ResponseParameters: { 'method.response.header.Content-Type': 'integration.response.header.Content-Type' } },
        ]),
      },
    });
  });

  test('the integration role may only invoke this endpoint, by its lower-case ARN', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] },
    });
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('DevApiInvokeRole') }] } });
    expect(Object.values(policies).map((p: any) => p.Properties.PolicyDocument.Statement)).toEqual([[{
      Effect: 'Allow',
      Action: 'sagemaker:InvokeEndpoint',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111111111111:endpoint/churn-dev']] },
    }]]);
  });

  test('without live on share, SageMaker\'s answers pass through under their mapped status, whatever their wording', () => {
    const { template } = build();
    const method = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'POST' } }))[0] as any;
    const patterns = method.Properties.Integration.IntegrationResponses.map((r: any) => [r.SelectionPattern, r.StatusCode]);
    expect(patterns).toEqual([
      [undefined, '200'], ['400', '400'], ['403', '502'], ['424', '424'], ['429', '429'], ['4(0[124-9]|1\\d|2[0-35-8]|[3-9]\\d)', '400'], ['5\\d{2}', '502'],
    ]);
    expect(method.Properties.MethodResponses.map((r: any) => r.StatusCode)).toEqual(['200', '400', '424', '429', '502', '503']);
    // No mapping template reads SageMaker's message: its wording is not documented.
    for (const response of method.Properties.Integration.IntegrationResponses) {
      expect(response.ResponseTemplates).toBeUndefined();
    }
  });

  test('the "other 4xx" pattern matches every 4xx except the four mapped on their own, so no selection is ambiguous', () => {
    const { template } = build();
    const method = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'POST' } }))[0] as any;
    const pattern = method.Properties.Integration.IntegrationResponses.find((r: any) => r.SelectionPattern?.startsWith('4(')).SelectionPattern;
    const other = new RegExp(`^(?:${pattern})$`);
    const matched = Array.from({ length: 100 }, (_, i) => 400 + i).filter((code) => other.test(String(code)));
    expect(matched).toHaveLength(96);
    for (const own of [400, 403, 424, 429]) {
      expect(matched).not.toContain(own);
    }
  });

  test('live on share: the integration calls the endpoint the stage variable names, a placeholder until a share', () => {
    const { template } = build({ liveOnShare: true });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { Variables: { endpoint: NOT_SHARED_ENDPOINT } });
    const method = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'POST' } }))[0] as any;
    expect(JSON.stringify(method.Properties.Integration.Uri)).toContain(':runtime.sagemaker:path/endpoints/${stageVariables.endpoint}/invocations');
  });

  test.each([['403', '502'], ['400', '400']])(
    'live on share: SageMaker\'s %s is a 503 "not shared yet" while the stage variable names the placeholder, else its own answer under %s',
    (selectionPattern, statusCode) => {
      const { template } = build({ liveOnShare: true });
      const method = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'POST' } }))[0] as any;
      const response = method.Properties.Integration.IntegrationResponses.find((r: any) => r.SelectionPattern === selectionPattern);
      expect(response.StatusCode).toBe(statusCode);
      // The role may invoke the real endpoint only, so SageMaker refuses the
      // placeholder; the API decides from its own stage variable, not from
      // the wording of that refusal.
      expect(response.ResponseTemplates['application/json'].split('\n')).toEqual([
        `#if($stageVariables.endpoint == "${NOT_SHARED_ENDPOINT}")`,
        '#set($context.responseOverride.status = 503)',
        '#set($context.responseOverride.header.Content-Type = "application/json")',
        `{"message": "${NOT_SHARED_MESSAGE}"}`,
        '#else',
        '$input.body',
        '#end',
      ]);
      expect(NOT_SHARED_MESSAGE).toBe('The model has not been shared to this environment yet');
    },
  );

  test('live on share: every other answer keeps the status it has without live on share', () => {
    const live = Object.values(build({ liveOnShare: true }).template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'POST' } }))[0] as any;
    const plain = Object.values(build().template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'POST' } }))[0] as any;
    const statuses = (method: any) => method.Properties.Integration.IntegrationResponses.map((r: any) => [r.SelectionPattern, r.StatusCode]);
    expect(statuses(live)).toEqual(statuses(plain));
    for (const response of live.Properties.Integration.IntegrationResponses.filter((r: any) => !['400', '403'].includes(r.SelectionPattern))) {
      expect(response.ResponseTemplates).toBeUndefined();
    }
  });

  test('without live on share, the integration names the endpoint and the stage has no variables', () => {
    const { template } = build();
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0] as any;
    expect(stage.Properties.Variables).toBeUndefined();
    const method = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'POST' } }))[0] as any;
    expect(JSON.stringify(method.Properties.Integration.Uri)).toContain('/endpoints/Churn-dev/invocations');
  });

  test('request validation requires a Content-Type', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', RequestValidatorId: Match.anyValue() });
  });

  test('the stage writes JSON access logs to a log group with retention, logs errors without payloads, and is throttled', () => {
    const { template } = build({ logRetention: logs.RetentionDays.ONE_MONTH, throttlingRateLimit: 50, throttlingBurstLimit: 75 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DevApiAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('"integrationStatus":"\\$context.integration.status"'),
      },
      MethodSettings: [{
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        MetricsEnabled: true,
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 75,
      }],
    });
  });

  test('the stage waits for its access log group through its reference alone, with no DependsOn repeating it (cfn-lint W3005)', () => {
    const { template } = build();
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0] as any;
    const [logGroup] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    expect(stage.Properties.AccessLogSetting.DestinationArn).toEqual({ 'Fn::GetAtt': [logGroup, 'Arn'] });
    expect(stage.DependsOn ?? []).not.toContain(logGroup);
  });

  test('throttling defaults to 100 requests per second with bursts of 200', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 })],
    });
  });

  test('API-key auth requires a key on the method and creates a key and a usage plan on the stage with the same throttling', () => {
    const { template, api } = build({ auth: InferenceApiAuth.apiKey(), throttlingRateLimit: 20, throttlingBurstLimit: 40 });
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', AuthorizationType: 'NONE', ApiKeyRequired: true });
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      ApiStages: [{ ApiId: { Ref: Match.stringLikeRegexp('^DevApi[0-9A-F]{8}$') }, Stage: { Ref: Match.stringLikeRegexp('DeploymentStage') } }],
      Throttle: { RateLimit: 20, BurstLimit: 40 },
    });
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
    expect(api.apiKey).toBeDefined();
    expect(api.usagePlan).toBeDefined();
  });

  test('IAM auth creates no API key or usage plan', () => {
    const { template, api } = build();
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    expect(api.apiKey).toBeUndefined();
  });

  test('the release parameter starts as "not shared"', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Value: '{"shared":false}' });
  });

  test('grantInvoke allows execute-api:Invoke on POST /invocations of the stage only', () => {
    const stack = newStack();
    const { api } = build({}, stack);
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    api.grantInvoke(caller);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Caller') }],
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'execute-api:Invoke',
          Resource: {
            'Fn::Join': ['', [
              'arn:', { Ref: 'AWS::Partition' }, ':execute-api:us-east-1:111111111111:', { Ref: Match.stringLikeRegexp('^DevApi[0-9A-F]{8}$') },
              '/', { Ref: Match.stringLikeRegexp('DeploymentStage') }, '/POST/invocations',
            ]],
          },
        }],
      },
    });
  });

  test('url is the stage URL of /invocations', () => {
    const { stack, api } = build();
    expect(stack.resolve(api.url)).toEqual({
      'Fn::Join': ['', ['https://', { Ref: expect.stringMatching(/^DevApi[0-9A-F]{8}$/) }, '.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: expect.stringMatching(/DeploymentStage/) }, '/invocations']],
    });
  });

  test('cloudWatchRole: true creates the account logging role, retained on delete', () => {
    const { template } = build({ cloudWatchRole: true });
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
  });

  test('a web ACL is associated with the stage when given', () => {
    const webAclArn = 'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/inference/abc';
    const { template } = build({ webAclArn });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: webAclArn });
  });

  test('metrics are the stage\'s API Gateway metrics with sensible statistics', () => {
    const { stack, api } = build();
    expect(api.metricCount()).toMatchObject({ namespace: 'AWS/ApiGateway', metricName: 'Count', statistic: 'Sum' });
    expect(api.metricLatency()).toMatchObject({ metricName: 'Latency', statistic: 'Average' });
    expect(api.metricClientErrors()).toMatchObject({ metricName: '4XXError', statistic: 'Sum' });
    expect(api.metricServerErrors({ statistic: 'Maximum' })).toMatchObject({ metricName: '5XXError', statistic: 'Maximum' });
    expect(stack.resolve(api.metricCount().dimensions)).toEqual({ ApiName: 'Churn-dev-inference', Stage: { Ref: expect.stringMatching(/DeploymentStage/) } });
  });

  test('reports every invalid prop at once, naming each', () => {
    expect(() => build({ endpointName: 'bad_name', throttlingRateLimit: 0, throttlingBurstLimit: 1.5, webAclArn: 'arn:aws:waf::1:x' }))
      .toThrow(/endpointName: "bad_name" is not a SageMaker endpoint name[\s\S]*throttlingRateLimit: must be above 0 and at most 10000 .*got 0[\s\S]*throttlingBurstLimit: must be a whole number above 0 and at most 5000 .*got 1.5[\s\S]*webAclArn: "arn:aws:waf::1:x" is not a regional WAFv2 web ACL ARN/);
  });

  test('works in an environment-agnostic stack', () => {
    const { template } = build({}, newAgnosticStack());
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
  });
});
