/** The review's own rules, on small hand-made templates: each must tell a good template from a bad one. */
import { allStatements, conditionKeys, identityStatements, isReadOnlyAction, isWholeWildcard, resourcePolicyStatements } from './policy-statements';
import { ProductTemplate } from './product-templates';
import { deniesWithoutTls, resourcesOfType } from './tls-policies';

const arnJoin = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
const partition = { Ref: 'AWS::Partition' };
const region = { Ref: 'AWS::Region' };
const account = { Ref: 'AWS::AccountId' };

test('read-only actions are the Describe/Get/List/BatchGet/Head/Search/Query/Scan ones; a wildcard is read-only only after a whole verb', () => {
  expect(['sagemaker:DescribeEndpoint', 's3:Get*', 'SNS:ListTopics', 'codebuild:BatchGetProjects', 'dynamodb:Query', 'ecr:GetAuthorizationToken'].filter((a) => !isReadOnlyAction(a))).toEqual([]);
  expect(['*', 's3:*', 's3:G*', 'kms:GenerateDataKey*', 'sns:Publish', 'iam:PassRole', 'lambda:InvokeFunction'].filter(isReadOnlyAction)).toEqual([]);
});

test('a whole wildcard is * or an ARN whose resource part is only *, with intrinsics in it; a wildcard inside a resource type is not', () => {
  expect(isWholeWildcard('*')).toBe(true);
  expect(isWholeWildcard(arnJoin('arn:', partition, ':sns:', region, ':', account, ':*'))).toBe(true);
  expect(isWholeWildcard({ 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*' })).toBe(true);
  expect(isWholeWildcard(arnJoin('arn:', partition, ':kms:', region, ':', account, ':key/*'))).toBe(false);
  expect(isWholeWildcard(arnJoin({ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*'))).toBe(false);
  expect(isWholeWildcard({ 'Fn::GetAtt': ['Bucket', 'Arn'] })).toBe(false);
});

test('statements are found in every kind of policy document and split into identity and resource policies', () => {
  const template: ProductTemplate = {
    name: 't',
    template: {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
            Policies: [{ PolicyName: 'inline', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] } }],
          },
        },
        Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' } } } },
        Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }] } } },
      },
    },
  };
  expect(allStatements([template])).toHaveLength(4);
  expect(identityStatements([template]).map((s) => s.where)).toEqual(['t Role', 't Managed']);
  expect(resourcePolicyStatements([template]).map((s) => s.where)).toEqual(['t Role', 't Key']);
});

test('condition keys are read under every operator', () => {
  expect(conditionKeys({ Condition: { StringEquals: { 'cloudwatch:namespace': 'x' }, ArnLike: { 'aws:SourceArn': 'y' } } })).toEqual(['cloudwatch:namespace', 'aws:SourceArn']);
  expect(conditionKeys({})).toEqual([]);
});

describe('a TLS-only bucket', () => {
  const tlsDeny = { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Resource: '*' };
  const withPolicy = (statement: object, bucketRef = 'Bucket'): ProductTemplate => ({
    name: 't',
    template: {
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket' },
        Policy: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: bucketRef }, PolicyDocument: { Statement: [statement] } } },
      },
    },
  });
  const attachment = { policyType: 'AWS::S3::BucketPolicy', targetProperty: 'Bucket', deniedAction: 's3:*' };
  const bucketOf = (template: ProductTemplate) => resourcesOfType([template], 'AWS::S3::Bucket')[0];

  test('is one whose own policy denies every action to everyone when aws:SecureTransport is false', () => {
    expect(deniesWithoutTls(bucketOf(withPolicy(tlsDeny)), attachment)).toBe(true);
    expect(deniesWithoutTls(bucketOf(withPolicy({ ...tlsDeny, Principal: '*' })), attachment)).toBe(true);
  });

  test('is not one whose deny is another bucket\'s, lacks the condition, covers fewer actions or allows instead', () => {
    expect(deniesWithoutTls(bucketOf(withPolicy(tlsDeny, 'Other')), attachment)).toBe(false);
    expect(deniesWithoutTls(bucketOf(withPolicy({ ...tlsDeny, Condition: undefined })), attachment)).toBe(false);
    expect(deniesWithoutTls(bucketOf(withPolicy({ ...tlsDeny, Action: 's3:GetObject' })), attachment)).toBe(false);
    expect(deniesWithoutTls(bucketOf(withPolicy({ ...tlsDeny, Effect: 'Allow' })), attachment)).toBe(false);
  });
});
