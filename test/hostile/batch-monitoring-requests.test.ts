import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { BATCH_AND_MONITORING_CASES } from './batch-monitoring-requests';
import { handleApiRequest } from '../../src/runtime/provisioning/api-handler';
import { apiEvent, bodyOf, mockedApiDeps, provisionSettings } from '../framework/provision/provision-fixtures';

/**
 * Every hostile batch or drift-detection request is refused with a 400 that
 * names the field, before any AWS call: nothing is read, nothing created.
 */
const cloudformation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const deps = mockedApiDeps(provisionSettings({ stackPrefix: 'mlops-', assetsBucket: 'assets', blueprintBucket: 'blueprints' }));

beforeEach(() => {
  cloudformation.reset();
  s3.reset();
  cloudformation.on(DescribeStacksCommand).rejects(new Error('no call expected'));
  s3.on(HeadObjectCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({ KeyCount: 1, Contents: [{ Key: 'x' }] });
});

test('the corpus has no two cases of the same name', () => {
  const names = BATCH_AND_MONITORING_CASES.map((c) => c.name);
  expect(new Set(names).size).toBe(names.length);
});

test.each(BATCH_AND_MONITORING_CASES.map((c) => [c.name, c] as const))('%s: 400 naming the field, no AWS call', async (_name, hostile) => {
  const result = await handleApiRequest(apiEvent('POST', hostile.route, JSON.stringify(hostile.body)), deps);
  expect(result.statusCode).toBe(400);
  const paths = (bodyOf(result).problems as Array<{ path: string }>).map((p) => p.path);
  expect(paths).toContain(hostile.path);
  expect(cloudformation.calls()).toHaveLength(0);
  expect(s3.calls()).toHaveLength(0);
});
