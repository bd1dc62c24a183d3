import 'aws-sdk-client-mock-jest';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { missingObjects } from '../../../src/runtime/provisioning/object-check';
import { awsError } from '../../fixtures/aws-error';
import { mockedClients } from '../../harness/mocked-clients';

const { s3 } = mockedClients({ s3: S3Client });
const client = new S3Client({ region: 'us-east-1' });

const ARTIFACT = { path: 'artifact', key: 'churn/model.tar.gz', kind: 'object' } as const;
const INPUT = { path: 'environments[1].batch.input', key: 'churn/batch/in/', kind: 'prefix' } as const;

beforeEach(() => {
  s3.on(HeadObjectCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'churn/batch/in/part-1.csv' }], KeyCount: 1 });
});

test('an object is looked up with HeadObject, a prefix with a one-key ListObjectsV2, and nothing else is called', async () => {
  expect(await missingObjects(client, 'assets', [ARTIFACT, INPUT])).toEqual([]);

  expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: 'assets', Key: 'churn/model.tar.gz' });
  expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 1);
  expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 1);
  expect(s3.commandCalls(ListObjectsV2Command)[0].args[0].input).toEqual({
    Bucket: 'assets', Prefix: 'churn/batch/in/', MaxKeys: 1, StartAfter: 'churn/batch/in/',
  });
  expect(s3.calls()).toHaveLength(2);
});

test('a prefix that does not end a folder is listed as it is, with no StartAfter (its own key is data)', async () => {
  await missingObjects(client, 'assets', [{ ...INPUT, key: 'churn/batch/in-2026' }]);
  expect(s3.commandCalls(ListObjectsV2Command)[0].args[0].input).toEqual({ Bucket: 'assets', Prefix: 'churn/batch/in-2026', MaxKeys: 1 });
});

test('a prefix with no object under it is a problem at its path', async () => {
  s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
  expect(await missingObjects(client, 'assets', [ARTIFACT, INPUT])).toEqual([
    { path: 'environments[1].batch.input', message: 'no object in the assets bucket has a key starting with s3://assets/churn/batch/in/' },
  ]);
});

test('missing objects and empty prefixes are reported in the order the request names them', async () => {
  s3.on(HeadObjectCommand).rejects(awsError('NotFound', 'Not Found', 404));
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  const baseline = { path: 'environments[0].monitoring.baselineDataset', key: 'churn/train.csv', kind: 'object' } as const;
  expect((await missingObjects(client, 'assets', [ARTIFACT, baseline, INPUT])).map((p) => p.path))
    .toEqual(['artifact', 'environments[0].monitoring.baselineDataset', 'environments[1].batch.input']);
});

test.each([
  ['throttling', awsError('SlowDown', 'Please reduce your request rate.', 503)],
  ['access denied', awsError('AccessDenied', 'Access Denied', 403)],
  ['a missing bucket', awsError('NoSuchBucket', 'The specified bucket does not exist', 404)],
])('%s while listing a prefix is thrown, never taken for a missing prefix', async (_what, error) => {
  s3.on(ListObjectsV2Command).rejects(error);
  await expect(missingObjects(client, 'assets', [INPUT])).rejects.toBe(error);
});
