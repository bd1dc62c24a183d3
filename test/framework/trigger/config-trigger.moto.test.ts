import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { configText, gitJobEvent, LoopbackRecorder, objectCreatedEvent } from './trigger-fixtures';
import { PROVISION_SETTINGS_VARIABLE } from '../../../src/contract/provision-settings';
import { handler, resetForTests } from '../../../src/runtime/handlers/config-trigger.lambda';
import type { ArtifactCredentials, ConfigTriggerDeps } from '../../../src/runtime/config-trigger/trigger-deps';
import { handleTriggerEvent } from '../../../src/runtime/config-trigger/trigger-handler';
import { credentialsActAs } from '../../aws-contracts/handler-calls/handler-call-log';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { zipFiles } from '../../fixtures/zip';
import { motoS3ClientConfig } from '../../harness/moto-server';
import { createMotoWorld, MotoWorld, uploadAsset, worldSnapshot } from '../provision/moto-world';
import { churnRequest, LOGGER } from '../provision/provision-fixtures';

/**
 * The config trigger against moto: files in a versioned assets bucket and
 * repository zips in an artifact bucket, real CloudFormation stacks from the
 * shipped blueprints (as the provisioning tests upload them), the report read from an HTTP
 * subscription of the topic (moto posts to it during Publish), and the
 * CodePipeline job results from a loopback recorder. The trigger's calls act
 * as its function's role in a framework with a Git source deployed with
 * these names; its reads of a repository zip, as the Git pipeline's Provision
 * action, whose session the job's artifact credentials are.
 */
let world: MotoWorld;
let inbox: LoopbackRecorder;
let jobs: LoopbackRecorder;
let deps: ConfigTriggerDeps;
let artifactS3Credentials: ArtifactCredentials[];
const artifactBucket = `${Math.random().toString(36).slice(2, 10).replace(/^[0-9]+/, '') || 'run'}-git-artifacts`;

checkHandlerCallsAs(() => world.framework.configTrigger());
credentialsActAs(gitJobEvent({ bucket: artifactBucket, key: 'any' })['CodePipeline.job'].data.artifactCredentials.accessKeyId, () => world.framework.gitProvisionAction());

beforeAll(async () => {
  world = await createMotoWorld(undefined, { gitArtifactsBucket: artifactBucket });
  const endpoint = process.env.MOTO_ENDPOINT!;
  await world.s3.send(new PutBucketVersioningCommand({ Bucket: world.assetsBucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await world.s3.send(new CreateBucketCommand({ Bucket: artifactBucket }));
  await uploadAsset(world, 'churn/model.tar.gz');

  inbox = new LoopbackRecorder();
  jobs = new LoopbackRecorder();
  const inboxUrl = await inbox.start();
  const jobsUrl = await jobs.start();
  const sns = new SNSClient({ endpoint, region: 'us-east-1' });
  // The framework's topic, as its stack creates it; the trigger publishes to the one its settings name.
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: world.topicName }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: inboxUrl }));

  artifactS3Credentials = [];
  deps = {
    settings: world.framework.triggerSettings,
    region: 'us-east-1',
    cloudformation: world.cloudformation,
    s3: world.s3,
    referencedObjects: world.deps.referencedObjects,
    sns,
    codepipeline: new CodePipelineClient({ endpoint: jobsUrl, region: 'us-east-1' }),
    artifactS3: (credentials) => {
      // A copy: the SDK annotates the credentials object it is given.
      artifactS3Credentials.push({ ...credentials });
      return new S3Client({ ...motoS3ClientConfig(endpoint), credentials });
    },
    logger: LOGGER,
  };
});

afterAll(async () => {
  await inbox?.stop();
  await jobs?.stop();
});

/** Uploads a config file under config/ and returns its version. */
async function uploadConfig(key: string, body: string): Promise<string> {
  const put = await world.s3.send(new PutObjectCommand({ Bucket: world.assetsBucket, Key: key, Body: body }));
  return put.VersionId!;
}

/** Runs one event and returns the notifications and job results it produced. */
async function run(event: unknown) {
  const sent = inbox.notifications.length;
  const reported = jobs.jobResults.length;
  await handleTriggerEvent(event, deps, 'req-moto');
  return { notifications: inbox.notifications.slice(sent), results: jobs.jobResults.slice(reported) };
}

async function stackStatus(name: string): Promise<string | undefined> {
  try {
    return (await world.cloudformation.send(new DescribeStacksCommand({ StackName: `${world.stackPrefix}${name}` }))).Stacks?.[0]?.StackStatus;
  } catch {
    return undefined;
  }
}

describe('config/ uploads', () => {
  test('a valid file creates each of its stacks and publishes one summary naming the file\'s version', async () => {
    const version = await uploadConfig('config/team-a.json', configText([churnRequest({ name: 'file-one' }), churnRequest({ name: 'file-two' })]));

    const { notifications } = await run(objectCreatedEvent(world.assetsBucket, 'config/team-a.json', version));

    expect(await stackStatus('file-one')).toBe('CREATE_COMPLETE');
    expect(await stackStatus('file-two')).toBe('CREATE_COMPLETE');
    expect(notifications).toHaveLength(1);
    expect(notifications[0].subject).toBe('MLOps config applied: config/team-a.json');
    expect(notifications[0].message).toContain(`s3://${world.assetsBucket}/config/team-a.json (version ${version}) was applied: 2 pipelines started, 0 unchanged, 0 refused`);
    expect(notifications[0].message).toContain(`- file-one: CREATE_IN_PROGRESS (stack ${world.stackPrefix}file-one)`);
    expect(notifications[0].message).toContain(`- file-two: CREATE_IN_PROGRESS (stack ${world.stackPrefix}file-two)`);
  });

  test('the same event again changes nothing and reports the pipelines unchanged', async () => {
    const version = await uploadConfig('config/again.json', configText([churnRequest({ name: 'file-again' })]));
    const event = objectCreatedEvent(world.assetsBucket, 'config/again.json', version);
    await run(event);
    const before = await worldSnapshot(world);

    const { notifications } = await run(event);

    expect(await worldSnapshot(world)).toEqual(before);
    expect(notifications[0].message).toContain('0 pipelines started, 1 unchanged, 0 refused');
    expect(notifications[0].message).toContain(`- file-again: already as asked (stack ${world.stackPrefix}file-again)`);
  });

  test('an invalid file creates no stack, not even its valid pipeline, and publishes every problem', async () => {
    const version = await uploadConfig('config/bad.json', configText([
      churnRequest({ name: 'file-valid-but-not-created' }),
      { ...churnRequest({ name: 'Bad Name' }), environments: [] },
    ]));
    const before = await worldSnapshot(world);

    const { notifications } = await run(objectCreatedEvent(world.assetsBucket, 'config/bad.json', version));

    expect(await worldSnapshot(world)).toEqual(before);
    expect(await stackStatus('file-valid-but-not-created')).toBeUndefined();
    expect(notifications).toHaveLength(1);
    expect(notifications[0].subject).toBe('MLOps config rejected: config/bad.json');
    const message = notifications[0].message;
    expect(message).toContain(`The config file s3://${world.assetsBucket}/config/bad.json (version ${version}) was rejected. Nothing was provisioned`);
    expect(message).toMatch(/^- pipelines\[1\]\.name: /m);
    expect(message).toMatch(/^- pipelines\[1\]\.environments: /m);
  });

  test('a file that is not JSON is rejected with the line and column', async () => {
    const version = await uploadConfig('config/broken.json', '{\n  "version": 1,\n  "pipelines": [\n');
    const { notifications } = await run(objectCreatedEvent(world.assetsBucket, 'config/broken.json', version));
    expect(notifications[0].message).toMatch(/^- \(file\): is not valid JSON at line \d+, column \d+/m);
  });

  test('a pipeline whose artifact is missing is refused and reported; the others are created', async () => {
    const version = await uploadConfig('config/missing.json', configText([
      churnRequest({ name: 'file-present' }),
      churnRequest({ name: 'file-absent', artifact: 'absent/model.tar.gz' }),
    ]));

    const { notifications } = await run(objectCreatedEvent(world.assetsBucket, 'config/missing.json', version));

    expect(await stackStatus('file-present')).toBe('CREATE_COMPLETE');
    expect(await stackStatus('file-absent')).toBeUndefined();
    expect(notifications[0].subject).toBe('MLOps config partly applied (1 refused): config/missing.json');
    expect(notifications[0].message).toContain('1 pipeline started, 0 unchanged, 1 refused');
    expect(notifications[0].message).toContain(`  - pipelines[1].artifact: s3://${world.assetsBucket}/absent/model.tar.gz does not exist in the assets bucket`);
  });

  test('the version the event names is read, not the latest', async () => {
    const good = await uploadConfig('config/versions.json', configText([churnRequest({ name: 'file-versioned' })]));
    await uploadConfig('config/versions.json', '{"version": 2}');

    const { notifications } = await run(objectCreatedEvent(world.assetsBucket, 'config/versions.json', good));

    expect(await stackStatus('file-versioned')).toBe('CREATE_COMPLETE');
    expect(notifications[0].subject).toBe('MLOps config applied: config/versions.json');
  });

  test('a version that no longer exists is reported, nothing provisioned', async () => {
    const { notifications } = await run(objectCreatedEvent(world.assetsBucket, 'config/never-uploaded.json'));
    expect(notifications[0].subject).toBe('MLOps config rejected: config/never-uploaded.json');
    expect(notifications[0].message).toContain('- (file): could not be read: this version no longer exists');
  });

  test('objects outside config/, files that are not JSON, and other buckets are left alone', async () => {
    const before = await worldSnapshot(world);
    for (const event of [
      objectCreatedEvent(world.assetsBucket, 'churn/model.tar.gz'),
      objectCreatedEvent(world.assetsBucket, 'config/readme.txt'),
      objectCreatedEvent('someone-elses-bucket', 'config/x.json'),
    ]) {
      expect((await run(event)).notifications).toEqual([]);
    }
    expect(await worldSnapshot(world)).toEqual(before);
  });
});

describe('Git pushes (CodePipeline jobs)', () => {
  async function pushRepository(key: string, files: Record<string, string>): Promise<void> {
    await world.s3.send(new PutObjectCommand({ Bucket: artifactBucket, Key: key, Body: zipFiles(files) }));
  }

  test('the config file in the repository zip is applied, reported with the repository and commit, and the job succeeds', async () => {
    await pushRepository('source/push-1.zip', {
      'README.md': '# models',
      'mlops-config.json': configText([churnRequest({ name: 'git-one' })]),
    });
    const used = artifactS3Credentials.length;

    const { notifications, results } = await run(gitJobEvent({ bucket: artifactBucket, key: 'source/push-1.zip', jobId: 'job-ok' }));

    expect(await stackStatus('git-one')).toBe('CREATE_COMPLETE');
    expect(artifactS3Credentials.slice(used)).toEqual([{ accessKeyId: 'ASIAARTIFACTKEY', secretAccessKey: 'artifact-secret', sessionToken: 'artifact-token' }]);
    expect(notifications).toHaveLength(1);
    expect(notifications[0].subject).toBe('MLOps config applied: acme/models/mlops-config.json@3f2a9c0d1e5b');
    expect(notifications[0].message).toContain(
      'mlops-config.json in acme/models (branch main) at commit 3f2a9c0d1e5b7a8c9d0e1f2a3b4c5d6e7f8a9b0c, CodePipeline job job-ok was applied: 1 pipeline started');
    expect(results).toEqual([{
      action: 'PutJobSuccessResult',
      body: { jobId: 'job-ok', executionDetails: { summary: expect.stringContaining('1 started, 0 unchanged, 0 refused'), percentComplete: 100 } },
    }]);
  });

  test('a repository without the config file fails the job and publishes why; nothing is created', async () => {
    await pushRepository('source/push-2.zip', { 'README.md': '# models', 'config/mlops-config.json': '{}' });
    const before = await worldSnapshot(world);

    const { notifications, results } = await run(gitJobEvent({ bucket: artifactBucket, key: 'source/push-2.zip', jobId: 'job-missing' }));

    expect(await worldSnapshot(world)).toEqual(before);
    expect(notifications[0].subject).toBe('MLOps config rejected: acme/models/mlops-config.json@3f2a9c0d1e5b');
    expect(notifications[0].message).toContain('- (file): mlops-config.json is not in the repository at this commit');
    expect(results).toHaveLength(1);
    expect(results[0].action).toBe('PutJobFailureResult');
    expect(results[0].body.failureDetails).toEqual({ type: 'JobFailed', message: notifications[0].message });
  });

  test('an invalid config file fails the job with every problem and creates nothing', async () => {
    await pushRepository('source/push-3.zip', {
      'deploy/mlops.json': configText([churnRequest({ name: 'git-not-created' }), { name: 'git-broken' }]),
    });
    const before = await worldSnapshot(world);

    const { notifications, results } = await run(gitJobEvent({
      bucket: artifactBucket,
      key: 'source/push-3.zip',
      jobId: 'job-invalid',
      revision: null,
      userParameters: { configPath: 'deploy/mlops.json' },
    }));

    expect(await worldSnapshot(world)).toEqual(before);
    expect(notifications[0].message).toContain('deploy/mlops.json in the repository (commit unknown), CodePipeline job job-invalid was rejected');
    expect(notifications[0].message).toMatch(/^- pipelines\[1\]\.artifact: /m);
    expect(results[0].action).toBe('PutJobFailureResult');
    expect(results[0].body.failureDetails?.message).toMatch(/^- pipelines\[1\]\.image: /m);
  });

  test('a misconfigured action (no configPath) fails the job as a configuration error', async () => {
    const { notifications, results } = await run(gitJobEvent({ bucket: artifactBucket, key: 'source/push-1.zip', userParameters: {} }));
    expect(notifications).toEqual([]);
    expect(results[0].body.failureDetails).toEqual({ type: 'ConfigurationError', message: 'UserParameters.configPath must be a non-empty string' });
  });
});

describe('the Lambda entry point, clients from the default chain pointed at moto', () => {
  const saved = { ...process.env };

  beforeEach(() => {
    resetForTests();
    process.env.AWS_ENDPOINT_URL = process.env.MOTO_ENDPOINT;
    delete process.env.AWS_ENDPOINT_URL_CODEPIPELINE;
    process.env[PROVISION_SETTINGS_VARIABLE] = JSON.stringify(deps.settings);
  });

  afterAll(() => {
    resetForTests();
    for (const name of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CODEPIPELINE', PROVISION_SETTINGS_VARIABLE]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  test('an upload is applied and reported', async () => {
    const version = await uploadConfig('config/entry.json', configText([churnRequest({ name: 'entry-file' })]));
    const sent = inbox.notifications.length;

    await handler(objectCreatedEvent(world.assetsBucket, 'config/entry.json', version), { awsRequestId: 'lambda-1' });

    expect(await stackStatus('entry-file')).toBe('CREATE_COMPLETE');
    expect(inbox.notifications.slice(sent).map((n) => n.subject)).toEqual(['MLOps config applied: config/entry.json']);
  });

  test('without settings, an upload event is thrown back for Lambda to retry', async () => {
    delete process.env[PROVISION_SETTINGS_VARIABLE];
    await expect(handler(objectCreatedEvent(world.assetsBucket, 'config/entry.json'), { awsRequestId: 'lambda-2' }))
      .rejects.toThrow(/no MLOPS_PROVISION_SETTINGS environment variable/);
  });

  test('without settings, a job is failed with the reason rather than left to time out', async () => {
    delete process.env[PROVISION_SETTINGS_VARIABLE];
    const reported = jobs.jobResults.length;
    process.env.AWS_ENDPOINT_URL_CODEPIPELINE = await jobsEndpoint();

    await handler(gitJobEvent({ bucket: artifactBucket, key: 'source/push-1.zip', jobId: 'job-unset' }), { awsRequestId: 'lambda-3' });

    expect(jobs.jobResults.slice(reported)).toEqual([{
      action: 'PutJobFailureResult',
      body: { jobId: 'job-unset', failureDetails: { type: 'ConfigurationError', message: expect.stringMatching(/misconfigured .*no MLOPS_PROVISION_SETTINGS.*request ID lambda-3/) } },
    }]);
  });

  test('an event from anything else is thrown back', async () => {
    await expect(handler({ hello: 'world' }, { awsRequestId: 'lambda-4' })).rejects.toThrow(/neither an S3 "Object Created" event .* nor a CodePipeline job/);
  });
});

async function jobsEndpoint(): Promise<string> {
  const endpoint = await deps.codepipeline.config.endpoint!();
  return `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`;
}
