import { App, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { MlopsFramework, MlopsFrameworkProps } from '../../src';
import { blueprintShapes } from '../../src/blueprint/blueprint-parameters';
import { PROVISION_SETTINGS_VARIABLE } from '../../src/contract/provision-settings';
import { VIOLATIONS_SETTINGS_VARIABLE } from '../../src/contract/violations-settings';

const ENV = { account: '111111111111', region: 'us-east-1' };
const CONNECTION = 'arn:aws:codeconnections:us-east-1:111111111111:connection/0f4d3c2b-1a2b-4c3d-9e8f-0a1b2c3d4e5f';

function frameworkStack(props: MlopsFrameworkProps = {}): { stack: Stack; framework: MlopsFramework; template: Template } {
  const stack = new Stack(new App(), 'Platform', { env: ENV });
  const framework = new MlopsFramework(stack, 'Mlops', props);
  return { stack, framework, template: Template.fromStack(stack) };
}

/** The provisioning handler's settings, each intrinsic written as "<ref>". */
function provisionSettings(template: Template): any {
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [PROVISION_SETTINGS_VARIABLE]: Match.anyValue() } } } });
  const [provision] = Object.values(functions);
  const value = provision.Properties.Environment.Variables[PROVISION_SETTINGS_VARIABLE];
  return JSON.parse(value['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : '<ref>')).join(''));
}

describe('MlopsFramework', () => {
  const { template } = frameworkStack({ notificationEmails: ['platform@example.com'], gitSource: { connectionArn: CONNECTION, owner: 'acme', repository: 'ml-models' } });

  test('the assets bucket is versioned, KMS-encrypted, logged, TLS-only, private and expires old versions', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { LogFilePrefix: 'assets/' },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireOldVersions', NoncurrentVersionExpiration: { NoncurrentDays: 90 } })]) },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('every route of the API needs IAM authorization, and the stage logs access and throttles', () => {
    const methods = template.findResources('AWS::ApiGateway::Method');
    const routes = Object.values(methods).map((m) => m.Properties.HttpMethod).sort();
    expect(routes).toEqual(['DELETE', 'GET', 'GET', 'POST', 'POST', 'POST']);
    for (const method of Object.values(methods)) {
      expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
    }
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20, DataTraceEnabled: false })],
    });
  });

  test('the provisioning handler knows every blueprint, the shared handlers, the prefix and the stack role', () => {
    const settings = provisionSettings(template);
    expect(Object.keys(settings.blueprintUrls).sort()).toEqual(blueprintShapes().sort());
    expect(settings).toMatchObject({
      stackPrefix: 'mlops-',
      assetsBucket: '<ref>',
      cloudFormationRoleArn: '<ref>',
      topicArn: '<ref>',
      sharedHandlers: {
        deploy: { functionArn: '<ref>', roleArn: '<ref>' },
        test: { functionArn: '<ref>', roleArn: '<ref>' },
        share: { functionArn: '<ref>', roleArn: '<ref>' },
        cleanup: { serviceToken: '<ref>', roleArn: '<ref>' },
      },
    });
  });

  test('the provisioning role creates only prefixed stacks, from the blueprints, through the stack role, and passes only that role', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('"cloudformation:RoleArn"');
    expect(policies).toContain('"cloudformation:TemplateUrl"');
    expect(policies).toContain(':stack/mlops-*/*');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'iam:PassRole',
          Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
        })]),
      },
    });
  });

  test('the provisioning role may list the assets bucket (a batch input prefix is checked with ListObjectsV2) and read its objects', () => {
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [PROVISION_SETTINGS_VARIABLE]: Match.anyValue() } } } });
    const roleId = Object.values(functions)[0].Properties.Role['Fn::GetAtt'][0];
    const buckets = template.findResources('AWS::S3::Bucket', { Properties: { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } } });
    const bucketArn = { 'Fn::GetAtt': [Object.keys(buckets)[0], 'Arn'] };
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const grants = (action: RegExp) => statements.filter((s: any) => [s.Action].flat().some((a: string) => action.test(a)));
    expect(grants(/^s3:List(\*|Bucket)$/).some((s: any) => [s.Resource].flat().some((r: unknown) => JSON.stringify(r) === JSON.stringify(bucketArn)))).toBe(true);
    expect(grants(/^s3:GetObject\*?$/).length).toBeGreaterThan(0);
  });

  test('the shared handlers may assume only the framework\'s pipeline roles', () => {
    const handlerPolicies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('MlopsHandlers'));
    // With sts:TagSession: each session is tagged with the pipeline (or stack) it acts for, which the role's trust policy checks.
    const assumed = handlerPolicies.map(([, p]) => p.Properties.PolicyDocument.Statement.filter((s: any) => [s.Action].flat().includes('sts:AssumeRole')));
    // The deploy, test, share and clean-up functions' roles, each with one statement.
    expect(assumed.filter((statements) => statements.length > 0).length).toBe(4);
    for (const statement of assumed.flat()) {
      expect(statement.Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
      expect(JSON.stringify(statement.Resource)).toMatch(/:role\/mlops-\*"/);
    }
  });

  test('one drift-metrics function publishes the Model Monitor runs of every schedule in the account and region, for all its pipelines', () => {
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [VIOLATIONS_SETTINGS_VARIABLE]: Match.anyValue() } } } });
    expect(Object.keys(functions)).toHaveLength(1);
    const [id, fn] = Object.entries(functions)[0];
    // An empty allow-list: the pipelines' endpoint names share no prefix to narrow it to.
    expect(JSON.parse(fn.Properties.Environment.Variables[VIOLATIONS_SETTINGS_VARIABLE])).toEqual({ schedulePrefixes: [] });
    expect(fn.Properties).toMatchObject({ Architectures: ['arm64'], LoggingConfig: { LogFormat: 'JSON' } });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.sagemaker'], 'detail-type': ['SageMaker Processing Job State Change'], 'detail': { ProcessingJobStatus: ['Completed', 'Failed', 'Stopped'] } },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, DeadLetterConfig: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: id }, DestinationConfig: { OnFailure: { Destination: Match.anyValue() } } });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
  });

  test('config files uploaded under config/ and pushes to the Git repository invoke the trigger', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': { object: { key: [{ prefix: 'config/' }] } } },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
    // Events the function fails on after Lambda's own retries go to the same queue.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: [
        { Name: 'Source', Actions: [Match.objectLike({ ActionTypeId: Match.objectLike({ Provider: 'CodeStarSourceConnection' }), Configuration: Match.objectLike({ ConnectionArn: CONNECTION, FullRepositoryId: 'acme/ml-models', BranchName: 'main' }) })] },
        { Name: 'Provision', Actions: [Match.objectLike({ Configuration: Match.objectLike({ UserParameters: '{"configPath":"mlops-config.json","repository":"acme/ml-models","branch":"main"}' }) })] },
      ],
    });
  });

  test('the topic is encrypted and TLS-only, with the given emails', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'platform@example.com' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('outputs the API URL and the assets bucket', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).some((k) => k.startsWith('MlopsApiUrl'))).toBe(true);
    expect(Object.keys(outputs).some((k) => k.startsWith('MlopsAssetsBucketName'))).toBe(true);
  });
});

describe('MlopsFramework with existing resources', () => {
  test('uses an existing versioned bucket and topic instead of making its own', () => {
    const stack = new Stack(new App(), 'Platform', { env: ENV });
    const bucket = new s3.Bucket(stack, 'Existing', { versioned: true, enforceSSL: true, removalPolicy: RemovalPolicy.DESTROY });
    const topic = new sns.Topic(stack, 'ExistingTopic');
    const framework = new MlopsFramework(stack, 'Mlops', { assetsBucket: bucket, topic });
    expect(framework.assetsBucket).toBe(bucket);
    expect(framework.topic).toBe(topic);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    // A bucket the framework did not make gets EventBridge notifications through CDK's notifications resource.
    template.hasResourceProperties('Custom::S3BucketNotifications', { NotificationConfiguration: { EventBridgeConfiguration: {} } });
  });

  test('grantProvision lets a principal invoke every route; grantRead only the read routes', () => {
    const stack = new Stack(new App(), 'Platform', { env: ENV });
    const framework = new MlopsFramework(stack, 'Mlops');
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    const viewer = new iam.Role(stack, 'Viewer', { assumedBy: new iam.AccountRootPrincipal() });
    framework.grantProvision(operator);
    framework.grantRead(viewer);
    const template = Template.fromStack(stack);
    const policyOf = (role: string) => JSON.stringify(Object.values(template.findResources('AWS::IAM::Policy'))
      .find((p) => JSON.stringify(p.Properties.Roles).includes(role))!.Properties.PolicyDocument);
    expect(policyOf('Operator')).toContain('"/*/*"');
    const read = policyOf('Viewer');
    expect(read).toContain('"/GET/pipelines"');
    expect(read).toContain('"/GET/pipelines/*"');
    expect(read).toContain('"/POST/pipelinestatus"');
    expect(read).not.toContain('"/*/*"');
  });
});

describe('MlopsFramework props validation', () => {
  test.each([
    [{ stackPrefix: '1mlops' }, 'stackPrefix'],
    [{ stackPrefix: 'a'.repeat(31) }, 'stackPrefix'],
    [{ notificationEmails: ['not-an-address'] }, 'notificationEmails[0]'],
    [{ notificationEmails: ['a@example.com', 'A@example.com'] }, 'notificationEmails[1]'],
    [{ throttlingRateLimit: 0 }, 'throttlingRateLimit'],
    [{ throttlingBurstLimit: 10_000 }, 'throttlingBurstLimit'],
    [{ noncurrentVersionExpirationDays: 0 }, 'noncurrentVersionExpirationDays'],
    [{ gitSource: { connectionArn: 'arn:aws:s3:::bucket', owner: 'acme', repository: 'ml' } }, 'gitSource.connectionArn'],
    [{ gitSource: { connectionArn: CONNECTION, owner: 'acme/x', repository: 'ml' } }, 'gitSource.owner'],
    [{ gitSource: { connectionArn: CONNECTION, owner: 'acme', repository: 'ml', configPath: '../etc/passwd.json' } }, 'gitSource.configPath'],
    [{ gitSource: { connectionArn: CONNECTION, owner: 'acme', repository: 'ml', branch: 'a..b' } }, 'gitSource.branch'],
  ] as Array<[MlopsFrameworkProps, string]>)('refuses %j, naming %s, before creating anything', (props, path) => {
    const stack = new Stack(new App(), 'Platform', { env: ENV });
    expect(() => new MlopsFramework(stack, 'Mlops', props)).toThrow(new RegExp(`${path.replace(/[[\].]/g, '\\$&')}: `));
    expect(stack.node.findAll().filter((c) => c instanceof CfnResource)).toEqual([]);
  });

  test('refuses an unversioned assets bucket and emails combined with an existing topic', () => {
    const stack = new Stack(new App(), 'Platform', { env: ENV });
    const bucket = new s3.Bucket(stack, 'Plain');
    const topic = new sns.Topic(stack, 'Topic');
    let message = '';
    try {
      new MlopsFramework(stack, 'Mlops', { assetsBucket: bucket, topic, notificationEmails: ['a@example.com'] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/assetsBucket: must have versioning enabled/);
    expect(message).toMatch(/notificationEmails: cannot be combined with topic/);
  });
});
