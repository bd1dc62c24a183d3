import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { ModelPackageGroupSpec } from '../../../src/contract/deploy-settings';
import { RELEASE_REQUEST_SETTINGS_VARIABLE } from '../../../src/contract/release-request-settings';
import { ReleaseRequestTrigger } from '../../../src/pipeline/registry/release-request-trigger';
import { expectNagClean } from '../../harness/nag';

const GROUP: ModelPackageGroupSpec = { name: 'Churn-Models', account: '222222222222', region: 'eu-west-1' };

function trigger(options: { encrypted?: boolean } = {}) {
  const stack = new Stack(new App(), 'Registry', { env: { account: '111111111111', region: 'eu-west-1' } });
  const bucket = new s3.Bucket(stack, 'Requests', {
    versioned: true,
    serverAccessLogsPrefix: 'access/',
    enforceSSL: true,
    ...(options.encrypted ? { encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) } : {}),
  });
  const construct = new ReleaseRequestTrigger(stack, 'ReleaseRequests', {
    pipelineName: 'churn-mlops', group: GROUP, bucket, key: 'release-request.json', logRetention: logs.RetentionDays.ONE_WEEK,
  });
  const logicalId = (c: any) => stack.getLogicalId(c.node.defaultChild);
  const keyId = bucket.encryptionKey ? logicalId(bucket.encryptionKey) : undefined;
  return { stack, construct, template: Template.fromStack(stack), bucketId: logicalId(bucket), keyId };
}

function policyStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

test('only approvals of versions of the group, in its account and region, reach the function', () => {
  const { template } = trigger();
  template.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: {
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker Model Package State Change'],
      'account': ['222222222222'],
      'region': ['eu-west-1'],
      'detail': { ModelPackageGroupName: [{ 'equals-ignore-case': 'Churn-Models' }], ModelApprovalStatus: ['Approved'] },
    },
    Targets: [Match.objectLike({
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
    })],
  });
});

test('the function is told the group and the request\'s bucket and key', () => {
  const { stack, template } = trigger();
  const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [RELEASE_REQUEST_SETTINGS_VARIABLE]: Match.anyValue() } } } }));
  expect(fn).toHaveLength(1);
  const settings = JSON.stringify(stack.resolve((fn[0] as any).Properties.Environment.Variables[RELEASE_REQUEST_SETTINGS_VARIABLE]));
  expect(settings).toMatch(/\\"group\\":\{\\"name\\":\\"Churn-Models\\",\\"account\\":\\"222222222222\\",\\"region\\":\\"eu-west-1\\"\}/);
  expect(settings).toMatch(/\\"key\\":\\"release-request.json\\"/);
  expect(settings).toMatch(/Requests/);
});

test('its role may describe the group\'s versions and read and write the one request key, nothing more', () => {
  const { template, bucketId } = trigger();
  const statements = policyStatements(template);
  expect(statements).toEqual(expect.arrayContaining([
    {
      Effect: 'Allow',
      Action: 'sagemaker:DescribeModelPackage',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:222222222222:model-package/churn-models/*']] },
    },
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/release-request.json']] },
    },
    {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      Condition: { StringEquals: { 's3:prefix': 'release-request.json' } },
    },
  ]));
  const actions = statements.flatMap((s) => [s.Action].flat());
  expect(actions.filter((a: string) => /^(s3|sagemaker|kms):/.test(a)).sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject', 'sagemaker:DescribeModelPackage']);
});

test('a KMS-encrypted request bucket: its key may encrypt and decrypt the request', () => {
  const { template, keyId } = trigger({ encrypted: true });
  expect(policyStatements(template)).toContainEqual({
    Effect: 'Allow',
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
  });
});

test('cdk-nag finds nothing unacknowledged', () => {
  const { stack } = trigger({ encrypted: true });
  expectNagClean(stack);
});
