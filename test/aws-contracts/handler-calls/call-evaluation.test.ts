import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ActingRole, handlerCallsActAs } from './acting-role';
import { evaluateCall } from './call-evaluation';
import { credentialsActAs, HandlerCallLog, madeByProductCode } from './handler-call-log';
import { PolicyWorld } from './policy-world';
import type { SdkCall } from '../../harness/sdk-calls';
import * as policyEvaluator from '../iam/policy-evaluator';
import { deployWorldStack, worldApp, worldStack } from '../worlds/world-stacks';

/**
 * The evaluation of a handler's calls is a test itself: it must refuse what
 * IAM would refuse (a missing grant, a role passed without iam:PassRole, a
 * key a bucket encrypts with), attribute calls signed with assumed
 * credentials to the assumed role, and fail calls no role is declared for.
 */
const PRODUCT_STACK = `Error: SDK call\n    at send (${path.resolve(__dirname, '..', '..', '..', 'src', 'runtime', 'release-model.ts')}:10:5)\n    at Object.<anonymous> (${__filename}:1:1)`;
const TEST_STACK = `Error: SDK call\n    at Object.<anonymous> (${__filename}:1:1)`;

function world(grant: (role: iam.Role, stack: Stack) => void, trustTags = true): { world: PolicyWorld; acting: ActingRole } {
  const stack = worldStack('EvaluationWorld');
  const role = new iam.Role(stack, 'HandlerRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new iam.Role(stack, 'ExecutionRole', { roleName: 'execution', assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const caller = new iam.ArnPrincipal(role.roleArn);
  new iam.Role(stack, 'PipelineRole', { roleName: 'pipeline-role', assumedBy: trustTags ? new iam.SessionTagsPrincipal(caller) : caller });
  grant(role, stack);
  const w = new PolicyWorld('evaluation', [deployWorldStack(stack)]);
  return { world: w, acting: { handler: 'deploy', world: w, role: w.role('HandlerRole') } };
}

function call(service: string, operation: string, input: object, extra: Partial<SdkCall> = {}): SdkCall {
  return { service, operation, input: input as Record<string, unknown>, stack: PRODUCT_STACK, accessKeyId: 'AKIDHANDLER', region: 'us-east-1', ...extra };
}

async function evaluated(acting: ActingRole | undefined, calls: SdkCall[]) {
  const log = new HandlerCallLog();
  handlerCallsActAs(acting ? () => acting : undefined);
  calls.forEach((c) => log.record(c));
  const results = [];
  for (const recorded of log.take()) results.push(await evaluateCall(recorded, log, 'a test'));
  return results;
}

const CREATE_MODEL = { ModelName: 'churn-dev-r1', ExecutionRoleArn: 'arn:aws:iam::123456789012:role/execution', Tags: [{ Key: 'team', Value: 'ml' }] };

test('only product code\'s calls are checked: a test\'s own setup calls are not', () => {
  expect(madeByProductCode(call('S3', 'HeadObject', {}))).toBe(true);
  expect(madeByProductCode(call('S3', 'HeadObject', {}, { stack: TEST_STACK }))).toBe(false);
});

test('a call the role is granted, with its dependent authorizations, is allowed', async () => {
  const { acting } = world((role) => {
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:CreateModel', 'sagemaker:AddTags'], resources: ['arn:aws:sagemaker:us-east-1:123456789012:model/churn-dev-*'] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['arn:aws:iam::123456789012:role/execution'] }));
  });
  const [result] = await evaluated(acting, [call('SageMaker', 'CreateModel', CREATE_MODEL)]);
  expect(result).toMatchObject({ handler: 'deploy', call: 'SageMaker CreateModel', checked: 3, denied: [] });
});

test('a role passed without iam:PassRole, and tags written without sagemaker:AddTags, are refused, each named', async () => {
  const { acting } = world((role) => {
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:CreateModel'], resources: ['*'] }));
  });
  const [result] = await evaluated(acting, [call('SageMaker', 'CreateModel', CREATE_MODEL)]);
  expect(result.denied).toEqual([
    expect.stringMatching(/^sagemaker:AddTags on arn:aws:sagemaker:us-east-1:123456789012:model\/churn-dev-r1 \(needed because the create carries tags\)/),
    expect.stringMatching(/^iam:PassRole on arn:aws:iam::123456789012:role\/execution \(needed because the role is passed to sagemaker\.amazonaws\.com\)/),
  ]);
});

test('writing into a bucket that encrypts with a KMS key needs the key, through S3', async () => {
  const { acting } = world((role, stack) => {
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Releases', { bucketName: 'releases', encryptionKey: key });
    bucket.grantPut(role);
  });
  const [allowed] = await evaluated(acting, [call('S3', 'PutObject', { Bucket: 'releases', Key: 'a' })]);
  expect(allowed.denied).toEqual([]);
  expect(allowed.checked).toBe(2);

  const { acting: withoutKey } = world((role, stack) => {
    new s3.Bucket(stack, 'Releases', { bucketName: 'releases', encryptionKey: new kms.Key(stack, 'Key') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::releases/*'] }));
  });
  const [denied] = await evaluated(withoutKey, [call('S3', 'PutObject', { Bucket: 'releases', Key: 'a' })]);
  expect(denied.denied).toEqual([expect.stringMatching(/^kms:GenerateDataKey on arn:aws:kms:.*needed because releases encrypts objects with a KMS key/)]);
});

test('calls signed with credentials from sts:AssumeRole act as the assumed role, with the session\'s tags', async () => {
  const { acting } = world((role) => {
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: ['arn:aws:iam::123456789012:role/pipeline-role'] }));
  });
  const assume = call('STS', 'AssumeRole', { RoleArn: 'arn:aws:iam::123456789012:role/pipeline-role', RoleSessionName: 'mlops-deploy', Tags: [{ Key: 'mlops:pipeline', Value: 'churn' }] },
    { output: { Credentials: { AccessKeyId: 'ASIASESSION' } } });
  const asPipeline = call('SageMaker', 'DescribeEndpoint', { EndpointName: 'churn-dev' }, { accessKeyId: 'ASIASESSION' });
  const [assumed, described] = await evaluated(acting, [assume, asPipeline]);
  expect(assumed.denied).toEqual([]);
  expect(described.principal).toBe('arn:aws:sts::123456789012:assumed-role/pipeline-role/mlops-deploy');
  // The pipeline role has no policy: the described endpoint is refused to it, not to the function's role.
  expect(described.denied).toEqual([expect.stringMatching(/^sagemaker:DescribeEndpoint on .*endpoint\/churn-dev: no statement allows it/)]);
});

test('a tagged session of a role whose trust policy does not allow sts:TagSession is refused', async () => {
  const { acting } = world((role) => {
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: ['arn:aws:iam::123456789012:role/pipeline-role'] }));
  }, false);
  const [assumed] = await evaluated(acting, [call('STS', 'AssumeRole', {
    RoleArn: 'arn:aws:iam::123456789012:role/pipeline-role', RoleSessionName: 'mlops-deploy', Tags: [{ Key: 'mlops:pipeline', Value: 'churn' }],
  })]);
  expect(assumed.denied).toEqual([expect.stringMatching(/^sts:TagSession on arn:aws:iam::123456789012:role\/pipeline-role \(needed because the session carries tags\)/)]);
});

test('a product call made with no role declared fails, saying how to declare one', async () => {
  const [result] = await evaluated(undefined, [call('S3', 'HeadObject', { Bucket: 'b', Key: 'k' })]);
  expect(result.denied).toEqual([expect.stringMatching(/no role is declared for it in "a test": call handlerCallsActAs/)]);
});

test('an operation with no authorization rule fails rather than passing unchecked', async () => {
  const { acting } = world(() => undefined);
  const [result] = await evaluated(acting, [call('SageMaker', 'CreateHyperParameterTuningJob', {})]);
  expect(result.denied).toEqual([expect.stringMatching(/^No IAM authorization rule for SageMaker CreateHyperParameterTuningJob/)]);
});

test('calls signed with credentials a service handed the handler act as the role they were declared for, not the function\'s', async () => {
  const { world: w, acting } = world((role, stack) => {
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::artifacts/*'] }));
    new iam.Role(stack, 'ActionRole', { assumedBy: new iam.AccountPrincipal('123456789012') });
  });
  credentialsActAs('ASIAHANDEDOUT', () => ({ handler: 'trigger (artifact credentials)', world: w, role: w.role('ActionRole') }));
  const [own, handedOut] = await evaluated(acting, [
    call('S3', 'GetObject', { Bucket: 'artifacts', Key: 'source.zip' }),
    call('S3', 'GetObject', { Bucket: 'artifacts', Key: 'source.zip' }, { accessKeyId: 'ASIAHANDEDOUT' }),
  ]);
  expect(own).toMatchObject({ handler: 'deploy', denied: [] });
  // The action's role has no grant on the bucket: the same read, refused to it.
  expect(handedOut).toMatchObject({ handler: 'trigger (artifact credentials)', roleLogicalId: expect.stringMatching(/^ActionRole/) });
  expect(handedOut.denied).toEqual([expect.stringMatching(/^s3:GetObject on arn:aws:s3:::artifacts\/source\.zip: .*no statement allows it$/)]);
});

test('each distinct request of a role is evaluated once; the same request again gets the same verdict and statements', async () => {
  const { acting } = world((role) => {
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpoint'], resources: ['arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn-dev'] }));
  });
  const evaluate = jest.spyOn(policyEvaluator, 'evaluate');
  try {
    const describe = (name: string) => call('SageMaker', 'DescribeEndpoint', { EndpointName: name });
    const results = await evaluated(acting, [describe('churn-dev'), describe('churn-dev'), describe('churn-prod'), describe('churn-dev')]);
    // Two distinct requests, each weighed by iam-simulate once.
    expect(evaluate).toHaveBeenCalledTimes(2);
    expect(results.map((r) => r.denied.length)).toEqual([0, 0, 1, 0]);
    expect(results[3].usedStatements).toEqual(results[0].usedStatements);
    expect(results[0].usedStatements.length).toBeGreaterThan(0);
  } finally {
    evaluate.mockRestore();
  }
});

test('reading an object that is missing needs s3:ListBucket too: S3 answers 404 only to a caller allowed to list the bucket', async () => {
  const { acting } = world((role) => {
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::models/*'] }));
  });
  const missing = Object.assign(new Error('Not Found'), { name: 'NotFound' });
  const [found, notFound] = await evaluated(acting, [
    call('S3', 'HeadObject', { Bucket: 'models', Key: 'churn/model.tar.gz' }),
    call('S3', 'HeadObject', { Bucket: 'models', Key: 'churn/missing.tar.gz' }, { error: missing }),
  ]);
  expect(found.denied).toEqual([]);
  expect(notFound.denied).toEqual([expect.stringMatching(/^s3:ListBucket on arn:aws:s3:::models \(needed because the object is missing/)]);
});

test('an object of a bucket in another account: the bucket\'s policy must allow the reader too, and the request names the owner (s3:ResourceAccount)', async () => {
  const readerArn = 'arn:aws:iam::123456789012:role/reader';
  const outcome = async (bucketPolicy: boolean, owner?: string) => {
    const app = worldApp();
    const owning = worldStack('Owner', '111111111111', { app });
    const bucket = new s3.Bucket(owning, 'Releases', { bucketName: 'releases-111111111111' });
    if (bucketPolicy) {
      bucket.addToResourcePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('releases/*')], principals: [new iam.ArnPrincipal(readerArn)] }));
    }
    const reading = worldStack('Reader', '123456789012', { app });
    const role = new iam.Role(reading, 'ReaderRole', { roleName: 'reader', assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: ['arn:aws:s3:::*/releases/*'],
      ...(owner ? { conditions: { StringEquals: { 's3:ResourceAccount': owner } } } : {}),
    }));
    const w = new PolicyWorld('cross-account', [deployWorldStack(owning), deployWorldStack(reading)]);
    const [result] = await evaluated({ handler: 'deploy', world: w, role: w.role('ReaderRole') }, [call('S3', 'GetObject', { Bucket: 'releases-111111111111', Key: 'releases/r1/model.tar.gz' })]);
    return result.denied;
  };
  const refused = [expect.stringMatching(/^s3:GetObject on arn:aws:s3:::releases-111111111111\/releases\/r1\/model\.tar\.gz: /)];
  expect(await outcome(true)).toEqual([]);
  // Without the bucket's word, the reader's own policy is not enough across accounts.
  expect(await outcome(false)).toEqual(refused);
  // A reader's policy limited to the owner's objects holds for them, and for no other owner's.
  expect(await outcome(true, '111111111111')).toEqual([]);
  expect(await outcome(true, '999999999999')).toEqual(refused);
});

test('a copy from a bucket in another region uses its key through the S3 endpoint of the bucket\'s region, not the request\'s', async () => {
  const outcome = async (viaRegion: string) => {
    const app = worldApp();
    const source = worldStack('Source', '123456789012', { app });
    const bucket = new s3.Bucket(source, 'Releases', { bucketName: 'releases-us-east-1', encryptionKey: new kms.Key(source, 'Key') });
    const copying = worldStack('Copier', '123456789012', { app, region: 'eu-west-1' });
    const role = new iam.Role(copying, 'CopierRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${bucket.bucketName}/*`] }));
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: ['arn:aws:kms:us-east-1:123456789012:key/*'],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${viaRegion}.amazonaws.com` } },
    }));
    const w = new PolicyWorld('two regions', [deployWorldStack(source), deployWorldStack(copying)]);
    // A client in eu-west-1 reads the object of the bucket in us-east-1.
    const [result] = await evaluated({ handler: 'deploy', world: w, role: w.role('CopierRole') }, [call('S3', 'HeadObject', { Bucket: 'releases-us-east-1', Key: 'a' }, { region: 'eu-west-1' })]);
    return result.denied;
  };
  expect(await outcome('us-east-1')).toEqual([]);
  expect(await outcome('eu-west-1')).toEqual([expect.stringMatching(/^kms:Decrypt on arn:aws:kms:us-east-1:123456789012:key\/.*needed because releases-us-east-1 encrypts objects with a KMS key/)]);
});

test('a target-tracking policy needs what Application Auto Scaling validates: the variant read and resized, its alarms made, all by the caller', async () => {
  const { acting } = world((role) => {
    role.addToPolicy(new iam.PolicyStatement({ actions: ['application-autoscaling:PutScalingPolicy'], resources: ['*'] }));
  });
  const [result] = await evaluated(acting, [call('Application Auto Scaling', 'PutScalingPolicy', {
    ServiceNamespace: 'sagemaker',
    ResourceId: 'endpoint/churn-dev/variant/AllTraffic',
    ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    PolicyName: 'churn-dev-invocations',
    PolicyType: 'TargetTrackingScaling',
  })]);
  expect(result.denied.map((d) => d.split(' on ')[0])).toEqual([
    'sagemaker:UpdateEndpointWeightsAndCapacities', 'sagemaker:DescribeEndpoint',
    'cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms',
  ]);
  expect(result.denied[2]).toMatch(/alarm:TargetTracking-endpoint\/churn-dev\/variant\/AllTraffic-AlarmHigh-/);
});
