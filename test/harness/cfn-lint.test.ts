import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { expectCfnLintClean, runCfnLint, runCfnLintInParallel, runCfnLintOnEach } from './cfn-lint';
import { removeRedundantDependsOn } from '../../src/common/redundant-dependencies';

const bucketTemplate = (resources: Record<string, unknown>) => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: resources,
});

test('an invalid resource property is reported as an error at its path', () => {
  const result = runCfnLint(bucketTemplate({
    Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketNam: 'typo' } },
  }));
  expect(result.errors).toEqual([
    expect.objectContaining({ rule: 'E3002', level: 'Error', path: 'Resources/Bucket/Properties/BucketNam' }),
  ]);
  expect(result.errors[0].message).toMatch(/BucketNam/);
  expect(JSON.parse(result.raw)).toHaveLength(1);
});

test('several templates checked in one run each get their own findings, in order', () => {
  const [clean, broken] = runCfnLintOnEach([
    bucketTemplate({ Bucket: { Type: 'AWS::S3::Bucket' } }),
    bucketTemplate({ Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketNam: 'typo' } } }),
  ]);
  expect([...clean.errors, ...clean.warnings]).toEqual([]);
  expect(broken.errors.map((e) => e.path)).toEqual(['Resources/Bucket/Properties/BucketNam']);
});

test('warnings are reported, not ignored', () => {
  const result = runCfnLint(bucketTemplate({
    Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': 'no-variables' } } },
  }));
  expect(result.errors).toEqual([]);
  expect(result.warnings.map((w) => w.rule)).toEqual(['W1020']);
});

test('W3005 (a DependsOn that a Ref already implies) is reported like every other warning: no check is turned off', () => {
  const result = runCfnLint(bucketTemplate({
    Bucket: { Type: 'AWS::S3::Bucket' },
    Queue: {
      Type: 'AWS::SQS::Queue',
      DependsOn: 'Bucket',
      Properties: { Tags: [{ Key: 'bucket', Value: { Ref: 'Bucket' } }] },
    },
  }));
  expect(result.errors).toEqual([]);
  expect(result.warnings.map((w) => [w.rule, w.path])).toEqual([['W3005', 'Resources/Queue/DependsOn']]);
});

test('a small CDK stack (encrypted TLS-only bucket, function with a role) passes once the DependsOn its references imply are dropped', () => {
  const smallStack = (id: string) => {
    const stack = new Stack(new App(), id);
    new s3.Bucket(stack, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
    });
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => "ok";'),
    });
    return stack;
  };
  // CDK makes the function depend on the role its Role property refers to.
  expect(() => expectCfnLintClean(smallStack('AsCdkMakesIt'))).toThrow(/0 error\(s\) and 1 warning\(s\):\nW3005 at Resources\/Fn\w+\/DependsOn\/0/);
  const pruned = smallStack('Pruned');
  removeRedundantDependsOn(pruned);
  expect(() => expectCfnLintClean(pruned)).not.toThrow();
});

test('expectCfnLintClean fails with one readable line per finding', () => {
  expect(() => expectCfnLintClean(bucketTemplate({
    Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketNam: 'typo' } },
  }))).toThrow(/1 error\(s\) and 0 warning\(s\):\nE3002 at Resources\/Bucket\/Properties\/BucketNam \(line \d+\): /);
});

test('runCfnLintInParallel gives each template its own result, in order, as one run would', async () => {
  const templates = [
    bucketTemplate({ Bucket: { Type: 'AWS::S3::Bucket' } }),
    bucketTemplate({ Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketNam: 'typo' } } }),
    bucketTemplate({ Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': 'no-variables' } } } }),
  ];
  const parallel = await runCfnLintInParallel(templates, 2);
  const rules = (results: typeof parallel) => results.map((r) => [...r.errors, ...r.warnings].map((f) => f.rule));
  expect(rules(parallel)).toEqual([[], ['E3002'], ['W1020']]);
  expect(rules(parallel)).toEqual(rules(runCfnLintOnEach(templates)));
});
