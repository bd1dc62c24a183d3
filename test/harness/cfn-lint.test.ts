import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { expectCfnLintClean, runCfnLint, runCfnLintOnEach } from './cfn-lint';

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

test('W3005 (a DependsOn that a Ref already implies, which CDK emits) is the one check ignored', () => {
  const result = runCfnLint(bucketTemplate({
    Bucket: { Type: 'AWS::S3::Bucket' },
    Queue: {
      Type: 'AWS::SQS::Queue',
      DependsOn: 'Bucket',
      Properties: { Tags: [{ Key: 'bucket', Value: { Ref: 'Bucket' } }] },
    },
  }));
  expect([...result.errors, ...result.warnings]).toEqual([]);
});

test('a small CDK stack (encrypted TLS-only bucket, function with a role) passes', () => {
  const stack = new Stack(new App(), 'CfnLintClean');
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
  expect(() => expectCfnLintClean(stack)).not.toThrow();
});

test('expectCfnLintClean fails with one readable line per finding', () => {
  expect(() => expectCfnLintClean(bucketTemplate({
    Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketNam: 'typo' } },
  }))).toThrow(/1 error\(s\) and 0 warning\(s\):\nE3002 at Resources\/Bucket\/Properties\/BucketNam \(line \d+\): /);
});
