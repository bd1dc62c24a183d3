import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient, PutJobFailureResultCommand } from '@aws-sdk/client-codepipeline';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ARCHIVE_CASES, CONFIG_FILE_CASES } from './config-files';
import { handleTriggerEvent } from '../../src/runtime/config-trigger/trigger-handler';
import { mlops } from '../cli/cli-runner';
import { provisionSettings } from '../framework/provision/provision-fixtures';
import { gitJobEvent, mockedTriggerDeps, objectCreatedEvent } from '../framework/trigger/trigger-fixtures';

/**
 * Every hostile config file is refused by the config trigger (its report
 * names the path, nothing is provisioned, no referenced object is even
 * looked up) and by `mlops validate` (exit 1, each line naming the file);
 * every hostile repository archive fails the Git trigger's job saying why.
 * Only the calls each case needs are mocked: any other would fail it.
 */
const cloudformation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const codepipeline = mockClient(CodePipelineClient);
const deps = mockedTriggerDeps(provisionSettings({ stackPrefix: 'mlops-', assetsBucket: 'assets', blueprintBucket: 'blueprints' }));
const ARTIFACTS = 'git-artifacts';
const directory = mkdtempSync(join(tmpdir(), 'mlops-hostile-'));

beforeEach(() => {
  cloudformation.reset();
  s3.reset();
  sns.reset();
  codepipeline.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  codepipeline.on(PutJobFailureResultCommand).resolves({});
});

function serve(bucket: string, content: string | Buffer): void {
  const bytes = Buffer.from(content);
  s3.on(GetObjectCommand, { Bucket: bucket }).callsFake(() => ({ Body: Readable.from([bytes]), ContentLength: bytes.length }));
}

function expectNothingProvisioned(): void {
  expect(cloudformation.calls()).toHaveLength(0);
  expect(s3.calls().map((call) => call.args[0].constructor.name)).toEqual(['GetObjectCommand']);
}

const cases = CONFIG_FILE_CASES.map((c, i) => [c.name, c, i] as const);

test.each(cases)('%s: an upload to config/ is rejected naming the field, nothing provisioned', async (_name, hostile) => {
  serve('assets', hostile.content);
  await handleTriggerEvent(objectCreatedEvent('assets', 'config/team.json', 'v1'), deps, 'r-1');
  const published = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
  expect(published).toHaveLength(1);
  expect(published[0].Subject).toBe('MLOps config rejected: config/team.json');
  expect(published[0].Message).toContain(`\n- ${hostile.path === '' ? '(file)' : hostile.path}: `);
  expectNothingProvisioned();
});

test.each(cases)('%s: mlops validate exits 1, naming the file and the field', async (_name, hostile, i) => {
  const file = join(directory, `case-${i}.json`);
  writeFileSync(file, hostile.content);
  const run = await mlops(['validate', file, '--json']);
  expect(run.code).toBe(1);
  expect(JSON.parse(run.stdout).problems.map((p: { path: string }) => p.path)).toContain(hostile.path);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines.every((line) => line.startsWith(`${file}: `))).toBe(true);
});

test.each(ARCHIVE_CASES.map((c) => [c.name, c] as const))('%s: the Git job fails saying why, nothing provisioned', async (_name, hostile) => {
  serve(ARTIFACTS, hostile.archive);
  await handleTriggerEvent(gitJobEvent({ bucket: ARTIFACTS, key: 'source/abc.zip' }), deps, 'r-1');
  const failure = codepipeline.commandCalls(PutJobFailureResultCommand)[0]?.args[0].input.failureDetails;
  expect(failure?.type).toBe('JobFailed');
  expect(failure?.message).toContain('- (file): ');
  expect(failure?.message).toContain(hostile.reason);
  expectNothingProvisioned();
});
