import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { expectNagClean, nagFindings, synthTemplate } from './nag';

function plainBucketStack(): { app: App; stack: Stack; bucket: s3.Bucket } {
  const app = new App();
  const stack = new Stack(app, 'NagTest');
  // No access logs, no TLS-only policy.
  const bucket = new s3.Bucket(stack, 'Plain');
  return { app, stack, bucket };
}

test('a bucket without access logs or TLS enforcement yields AwsSolutions-S1 and -S10 errors', () => {
  const { stack } = plainBucketStack();
  const findings = nagFindings(stack);
  expect(findings).toEqual(expect.arrayContaining([
    expect.objectContaining({ ruleId: 'AwsSolutions-S1', severity: 'error', path: 'NagTest/Plain/Resource' }),
    expect.objectContaining({ ruleId: 'AwsSolutions-S10', severity: 'error', path: 'NagTest/Plain/Resource' }),
  ]));
});

test('an acknowledged finding is not reported; the others still are', () => {
  const { stack, bucket } = plainBucketStack();
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'Harness test: this bucket is never deployed.' });
  const ids = nagFindings(stack).map((f) => f.ruleId);
  expect(ids).not.toContain('AwsSolutions-S1');
  expect(ids).toContain('AwsSolutions-S10');
});

test('an acknowledgement on the stack covers every resource in it', () => {
  const { stack } = plainBucketStack();
  new s3.Bucket(stack, 'Second');
  Validations.of(stack).acknowledge({ id: 'AwsSolutions-S10', reason: 'Harness test: these buckets are never deployed.' });
  expect(nagFindings(stack).filter((f) => f.ruleId === 'AwsSolutions-S10')).toEqual([]);
});

test('expectNagClean names each finding, and passes on a compliant stack', () => {
  expect(() => expectNagClean(plainBucketStack().stack))
    .toThrow(/\[error\] AwsSolutions-S10 at NagTest\/Plain\/Resource: /);

  const stack = new Stack(new App(), 'Compliant');
  const logs = new s3.Bucket(stack, 'AccessLogs', {
    enforceSSL: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(logs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This is the access log bucket; logging it into itself would loop.' });
  new s3.Bucket(stack, 'Data', {
    enforceSSL: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    serverAccessLogsBucket: logs,
  });
  expect(() => expectNagClean(stack)).not.toThrow();
});

test('synthTemplate returns the stack template', () => {
  const { stack, bucket } = plainBucketStack();
  const logicalId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  expect(synthTemplate(stack).Resources).toEqual({
    [logicalId]: expect.objectContaining({ Type: 'AWS::S3::Bucket' }),
  });
});

