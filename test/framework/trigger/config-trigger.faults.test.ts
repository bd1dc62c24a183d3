import 'aws-sdk-client-mock-jest';
import { Readable } from 'stream';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  Stack,
} from '@aws-sdk/client-cloudformation';
import { CodePipelineClient, PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { configText, gitJobEvent, mockedTriggerDeps, objectCreatedEvent } from './trigger-fixtures';
import { buildZip } from './zip-builder';
import { REQUEST_HASH_TAG } from '../../../src/contract/stack-tags';
import { MAX_SUBJECT, subjectLine } from '../../../src/runtime/config-trigger/config-report';
import { MAX_ARCHIVE_BYTES } from '../../../src/runtime/config-trigger/git-trigger';
import { handleTriggerEvent } from '../../../src/runtime/config-trigger/trigger-handler';
import { requestSha256 } from '../../../src/runtime/provisioning/request-fingerprint';
import { awsError } from '../../fixtures/aws-error';
import { zipFiles } from '../../fixtures/zip';
import { mockedClients } from '../../harness/mocked-clients';
import { churnRequest, LOGGER, provisionSettings } from '../provision/provision-fixtures';

/** The trigger's answers to AWS faults, hostile archives and malformed events moto cannot produce. */
const { cloudformation, s3, sns, codepipeline } = mockedClients({
  cloudformation: CloudFormationClient, s3: S3Client, sns: SNSClient, codepipeline: CodePipelineClient,
});

const SETTINGS = provisionSettings({ stackPrefix: 'mlops-', assetsBucket: 'assets', blueprintBucket: 'blueprints' });
const ARTIFACTS = 'git-artifacts';
const deps = mockedTriggerDeps(SETTINGS);

const THROTTLED = () => awsError('ThrottlingException', 'Rate exceeded');
const MISSING_STACK = () => awsError('ValidationError', 'Stack with id x does not exist');

function body(content: string | Buffer) {
  return { Body: Readable.from([Buffer.from(content)]) as never, ContentLength: Buffer.byteLength(content) };
}

/** A config file in the assets bucket and every object it names present. */
function configObject(text: string): void {
  s3.on(GetObjectCommand, { Bucket: 'assets', Key: 'config/team.json' }).callsFake(() => body(text));
}

function repository(archive: Buffer): void {
  s3.on(GetObjectCommand, { Bucket: ARTIFACTS }).callsFake(() => body(archive));
}

const UPLOAD = objectCreatedEvent('assets', 'config/team.json', 'v1');
const JOB = gitJobEvent({ bucket: ARTIFACTS, key: 'source/abc.zip', jobId: 'job-1' });

function published(): { Subject?: string; Message?: string }[] {
  return sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
}

function failure(): { type?: string; message?: string } | undefined {
  return codepipeline.commandCalls(PutJobFailureResultCommand)[0]?.args[0].input.failureDetails;
}

beforeEach(() => {
  s3.on(HeadObjectCommand).resolves({});
  cloudformation.on(DescribeStacksCommand).rejects(MISSING_STACK());
  cloudformation.on(CreateStackCommand).callsFake((input) => ({ StackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${input.StackName}/1` }));
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  codepipeline.on(PutJobSuccessResultCommand).resolves({});
  codepipeline.on(PutJobFailureResultCommand).resolves({});
});

describe('reading a config/ upload', () => {
  test('the event\'s version is asked for', async () => {
    configObject(configText([churnRequest()]));
    await handleTriggerEvent(UPLOAD, deps, 'r-1');
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'assets', Key: 'config/team.json', VersionId: 'v1' });
    expect(published()[0].Subject).toBe('MLOps config applied: config/team.json');
  });

  test('a URL-encoded key not found as given is read decoded', async () => {
    s3.on(GetObjectCommand, { Key: 'config/team+a.json' }).rejects(awsError('NoSuchKey', 'The specified key does not exist.', 404));
    s3.on(GetObjectCommand, { Key: 'config/team a.json' }).callsFake(() => body(configText([churnRequest()])));
    await handleTriggerEvent(objectCreatedEvent('assets', 'config/team+a.json'), deps, 'r-1');
    expect(cloudformation).toHaveReceivedCommandTimes(CreateStackCommand, 1);
  });

  test('access denied is published as a problem (a retry would fail alike), the AWS message kept out of the email', async () => {
    s3.on(GetObjectCommand).rejects(awsError('AccessDenied', 'User arn:aws:sts::123456789012:assumed-role/x is not authorized', 403));
    await handleTriggerEvent(UPLOAD, deps, 'r-denied');
    expect(published()).toHaveLength(1);
    expect(published()[0].Subject).toBe('MLOps config rejected: config/team.json');
    expect(published()[0].Message).toContain('- (file): could not be read (AccessDenied; see the config trigger\'s log, request ID r-denied)');
    expect(published()[0].Message).not.toContain('assumed-role');
    expect(cloudformation.calls()).toHaveLength(0);
  });

  test('throttling is thrown for Lambda\'s retry, with nothing provisioned or published', async () => {
    s3.on(GetObjectCommand).rejects(THROTTLED());
    await expect(handleTriggerEvent(UPLOAD, deps, 'r-1')).rejects.toThrow('Rate exceeded');
    expect(cloudformation.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });

  test('a file over 256 KB is refused without reading it', async () => {
    const stream = Readable.from([Buffer.from('{}')]);
    s3.on(GetObjectCommand).resolves({ Body: stream as never, ContentLength: 300 * 1024 });
    await handleTriggerEvent(UPLOAD, deps, 'r-1');
    expect(stream.destroyed).toBe(true);
    expect(published()[0].Message).toContain(`- (file): is ${300 * 1024} bytes or more, over the limit of 262144 bytes`);
  });

  test('a file with no length is counted while read', async () => {
    s3.on(GetObjectCommand).resolves({ Body: Readable.from([Buffer.alloc(200 * 1024, 32), Buffer.alloc(100 * 1024, 32)]) as never });
    await handleTriggerEvent(UPLOAD, deps, 'r-1');
    expect(published()[0].Message).toContain('over the limit of 262144 bytes');
  });

  test('a file that is not UTF-8', async () => {
    configObject('');
    s3.on(GetObjectCommand).callsFake(() => body(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])));
    await handleTriggerEvent(UPLOAD, deps, 'r-1');
    expect(published()[0].Message).toContain('- (file): is not UTF-8 text');
  });
});

describe('publishing the report', () => {
  test('a failed publish on the upload path is thrown (Lambda retries the idempotent event), after the outcome is logged', async () => {
    configObject(configText([churnRequest()]));
    sns.on(PublishCommand).rejects(awsError('AuthorizationError', 'not allowed', 403));
    const info = jest.spyOn(LOGGER, 'info');
    try {
      await expect(handleTriggerEvent(UPLOAD, deps, 'r-1')).rejects.toThrow('not allowed');
      expect(info).toHaveBeenCalledWith('Config file', expect.objectContaining({ result: 'applied', summary: expect.stringContaining('1 started') }));
    } finally {
      info.mockRestore();
    }
  });

  test('a failed publish on the Git path fails the job with the report in its details', async () => {
    repository(zipFiles({ 'mlops-config.json': configText([churnRequest()]) }));
    sns.on(PublishCommand).rejects(THROTTLED());
    await handleTriggerEvent(JOB, deps, 'r-1');
    expect(codepipeline).not.toHaveReceivedCommand(PutJobSuccessResultCommand);
    expect(failure()?.type).toBe('SystemUnavailable');
    expect(failure()?.message).toMatch(/1 started, 0 unchanged, 0 refused\. The report could not be emailed \(ThrottlingException\); retry the stage to send it\. The config file/);
  });

  test('subjects stay within SNS\'s 100 printable ASCII characters', () => {
    const subject = subjectLine(`MLOps config rejected: config/${'é'.repeat(40)}${'x'.repeat(100)}.json`);
    expect(subject).toHaveLength(MAX_SUBJECT);
    expect(subject).toMatch(/^MLOps config rejected: config\/\?{40}x+\.\.\.$/);
  });
});

describe('CloudFormation faults while provisioning', () => {
  const two = configText([churnRequest({ name: 'first' }), churnRequest({ name: 'second' })]);

  test('throttled on the second pipeline: thrown; the retry finds the first already started and creates only the second', async () => {
    configObject(two);
    cloudformation.on(CreateStackCommand, { StackName: 'mlops-second' }).rejectsOnce(THROTTLED())
      .resolves({ StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/mlops-second/1' });
    await expect(handleTriggerEvent(UPLOAD, deps, 'r-1')).rejects.toThrow('Rate exceeded');
    expect(sns.calls()).toHaveLength(0);

    // The first stack now exists, created with this request's hash.
    const first: Stack = {
      StackName: 'mlops-first',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/mlops-first/1',
      StackStatus: 'CREATE_IN_PROGRESS',
      CreationTime: new Date(),
      Tags: [{ Key: REQUEST_HASH_TAG, Value: requestSha256(churnRequest({ name: 'first' })) }],
    };
    cloudformation.on(DescribeStacksCommand, { StackName: 'mlops-first' }).resolves({ Stacks: [first] });
    await handleTriggerEvent(UPLOAD, deps, 'r-2');

    const creates = cloudformation.commandCalls(CreateStackCommand).map((c) => c.args[0].input.StackName);
    expect(creates).toEqual(['mlops-first', 'mlops-second', 'mlops-second']);
    expect(published()).toHaveLength(1);
    expect(published()[0].Message).toContain('2 pipelines started, 0 unchanged, 0 refused');
  });

  test('throttled on the Git path: the job fails saying to retry the stage', async () => {
    repository(zipFiles({ 'mlops-config.json': two }));
    cloudformation.on(DescribeStacksCommand).rejects(THROTTLED());
    await handleTriggerEvent(JOB, deps, 'r-1');
    expect(sns.calls()).toHaveLength(0);
    expect(failure()).toEqual({ type: 'SystemUnavailable', message: expect.stringMatching(/busy or unavailable \(ThrottlingException\).*Retry the stage: applying the same commit again is safe/) });
  });

  test('a lasting error on one pipeline is reported for it alone; the others are still provisioned', async () => {
    configObject(two);
    cloudformation.on(CreateStackCommand, { StackName: 'mlops-first' }).rejects(awsError('AccessDenied', 'role arn:aws:iam::123456789012:role/secret may not', 403));
    await handleTriggerEvent(UPLOAD, deps, 'r-7');
    expect(cloudformation).toHaveReceivedCommandWith(CreateStackCommand, { StackName: 'mlops-second' });
    const message = published()[0].Message!;
    expect(published()[0].Subject).toBe('MLOps config partly applied (1 refused): config/team.json');
    expect(message).toContain('- first (pipelines[0]): failed: AccessDenied (see the config trigger\'s log, request ID r-7)');
    expect(message).not.toContain('role/secret');
  });

  test('a busy stack is a conflict, reported with its state', async () => {
    configObject(two);
    cloudformation.on(DescribeStacksCommand, { StackName: 'mlops-first' }).resolves({
      Stacks: [{ StackName: 'mlops-first', StackId: 'id-first', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: new Date(), Tags: [] }],
    });
    await handleTriggerEvent(UPLOAD, deps, 'r-1');
    expect(published()[0].Message).toContain('- first (pipelines[0]): Stack mlops-first is UPDATE_IN_PROGRESS: another change is under way');
  });

  test('a framework image SageMaker does not publish is refused by the blueprint with its problems', async () => {
    configObject(configText([churnRequest({ name: 'odd' })]));
    // A region SageMaker publishes no framework images in: the request is valid, the blueprint cannot resolve its image.
    await handleTriggerEvent(UPLOAD, { ...deps, region: 'xx-nowhere-1' }, 'r-1');
    expect(cloudformation).not.toHaveReceivedCommand(CreateStackCommand);
    expect(published()[0].Subject).toBe('MLOps config not applied (1 refused): config/team.json');
    expect(published()[0].Message).toMatch(/- odd \(pipelines\[0\]\): cannot be provisioned in this framework's region\n {2}- pipelines\[0\]\.environments\[0\]: needs the cpu image of xgboost 1\.7-1 in xx-nowhere-1/);
  });
});

describe('the Git source artifact', () => {
  test('read with the job\'s credentials; throttled: retry the stage', async () => {
    s3.on(GetObjectCommand, { Bucket: ARTIFACTS }).rejects(THROTTLED());
    await handleTriggerEvent(JOB, deps, 'r-1');
    expect(failure()?.type).toBe('SystemUnavailable');
    expect(sns.calls()).toHaveLength(0);
  });

  test('access denied is a permission error on the job', async () => {
    s3.on(GetObjectCommand, { Bucket: ARTIFACTS }).rejects(awsError('AccessDenied', 'denied', 403));
    await handleTriggerEvent(JOB, deps, 'r-4');
    expect(failure()).toEqual({ type: 'PermissionError', message: expect.stringContaining('could not be read (AccessDenied; see the config trigger\'s log, request ID r-4)') });
  });

  test('an artifact that is gone is reported and fails the job', async () => {
    s3.on(GetObjectCommand, { Bucket: ARTIFACTS }).rejects(awsError('NoSuchKey', 'gone', 404));
    await handleTriggerEvent(JOB, deps, 'r-1');
    expect(published()[0].Message).toContain('the source artifact is gone from the artifact bucket');
    expect(failure()?.type).toBe('JobFailed');
  });

  test('an archive over the limit is refused from its length', async () => {
    s3.on(GetObjectCommand, { Bucket: ARTIFACTS }).resolves({ Body: Readable.from([Buffer.from('PK')]) as never, ContentLength: MAX_ARCHIVE_BYTES + 1 });
    await handleTriggerEvent(JOB, deps, 'r-1');
    expect(failure()?.message).toContain(`the repository archive is ${MAX_ARCHIVE_BYTES + 1} bytes or more, over the limit`);
  });

  test.each([
    ['a zip bomb', buildZip([{ name: 'mlops-config.json', content: Buffer.alloc(32 * 1024 * 1024, 32), declaredSize: 200 }]), 'inflates to more than the 200 bytes its header says'],
    ['an oversized config file', buildZip([{ name: 'mlops-config.json', content: Buffer.alloc(300 * 1024, 32) }]), `is ${300 * 1024} bytes, over the limit of 262144 bytes`],
    ['an encrypted config file', buildZip([{ name: 'mlops-config.json', content: '{}', extraFlags: 1 }]), 'mlops-config.json is encrypted in the archive'],
    ['not a zip', Buffer.from('this is a tarball, honest'), 'End of central directory record signature not found'],
  ])('%s is rejected and reported, nothing provisioned', async (_what, archive, reason) => {
    repository(archive);
    await handleTriggerEvent(JOB, deps, 'r-1');
    expect(cloudformation.calls()).toHaveLength(0);
    expect(published()[0].Message).toContain('- (file): the repository archive could not be read: ');
    expect(published()[0].Message).toContain(reason);
    expect(failure()?.message).toContain(reason);
  });

  test('a config file that is not UTF-8', async () => {
    repository(zipFiles({ 'mlops-config.json': Buffer.from([0xc3, 0x28]) }));
    await handleTriggerEvent(JOB, deps, 'r-1');
    expect(failure()?.message).toContain('- (file): mlops-config.json is not UTF-8 text');
  });

  test('a job result CodePipeline does not take is thrown, so Lambda calls again', async () => {
    repository(zipFiles({ 'mlops-config.json': configText([churnRequest()]) }));
    codepipeline.on(PutJobSuccessResultCommand).rejects(THROTTLED());
    await expect(handleTriggerEvent(JOB, deps, 'r-1')).rejects.toThrow('Rate exceeded');
  });
});

describe('malformed events', () => {
  test.each([
    ['no key', { ...UPLOAD, detail: { bucket: { name: 'assets' }, object: {} } }, /no detail.bucket.name or detail.object.key/],
    ['no detail', { 'source': 'aws.s3', 'detail-type': 'Object Created' }, /no detail.bucket.name/],
    ['a version that is not a string', { ...UPLOAD, detail: { bucket: { name: 'assets' }, object: { 'key': 'config/a.json', 'version-id': 7 } } }, /version-id is not a string/],
    ['another S3 event type', { ...UPLOAD, 'detail-type': 'Object Deleted' }, /neither/],
    ['null', null, /neither/],
    ['a job without an ID', { 'CodePipeline.job': { data: {} } }, /neither/],
  ])('%s: thrown, nothing read', async (_what, event, message) => {
    await expect(handleTriggerEvent(event, deps, 'r-1')).rejects.toThrow(message);
    expect(s3.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });

  function jobWith(change: (data: any) => void) {
    const event = gitJobEvent({ bucket: ARTIFACTS, key: 'source/abc.zip' });
    change(event['CodePipeline.job'].data);
    return event;
  }

  test.each([
    ['no input artifact', jobWith((d) => { d.inputArtifacts = []; }), /no input artifact in S3/],
    ['no artifact credentials', jobWith((d) => { delete d.artifactCredentials; }), /no artifactCredentials/],
    ['UserParameters that are not JSON', jobWith((d) => { d.actionConfiguration.configuration.UserParameters = '{configPath'; }), /UserParameters are not a JSON object/],
    ['a configPath leaving the repository', jobWith((d) => { d.actionConfiguration.configuration.UserParameters = '{"configPath":"../etc/passwd"}'; }), /must be a relative path/],
  ])('a job with %s fails as a configuration error, nothing read', async (_what, event, message) => {
    await handleTriggerEvent(event, deps, 'r-1');
    expect(s3.calls()).toHaveLength(0);
    expect(failure()).toEqual({ type: 'ConfigurationError', message: expect.stringMatching(message) });
  });
});
