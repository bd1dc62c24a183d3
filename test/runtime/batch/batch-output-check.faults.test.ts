import 'aws-sdk-client-mock-jest';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { awsError } from './batch-fixtures';
import { checkBatchOutput, DEFAULT_SAMPLE_LIMITS, evaluateLine } from '../../../src/runtime/batch-output-check';
import { mockedClients } from '../../harness/mocked-clients';

const { s3: s3Mock } = mockedClients({ s3: S3Client });
const s3 = new S3Client({ region: 'us-east-1' });
const OUTPUT = 's3://out/scores/r1/';

/** A GetObject answer: only what the check reads of the body. */
function body(text: string) {
  return { Body: { transformToString: async () => text } as never };
}

function objects(keys: string[], size = 100) {
  return keys.map((Key) => ({ Key, Size: size }));
}

describe('listing', () => {
  test('pages are followed until the count is met, and the count is named as a lower bound', async () => {
    s3Mock.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({ Contents: objects(['scores/r1/a.out', 'scores/r1/b.out']), IsTruncated: true, NextContinuationToken: 't1' });
    s3Mock.on(ListObjectsV2Command, { ContinuationToken: 't1' }).resolves({ Contents: objects(['scores/r1/c.out']), IsTruncated: true, NextContinuationToken: 't2' });
    const verdict = await checkBatchOutput(OUTPUT, { minObjects: 3 }, s3);
    expect(verdict).toEqual({ kind: 'passed', message: `at least 3 output objects under ${OUTPUT}` });
    expect(s3Mock).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
    expect(s3Mock).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'out', Prefix: 'scores/r1/' });
    // Count only: nothing is read.
    expect(s3Mock).not.toHaveReceivedCommand(GetObjectCommand);
  });

  test('too few objects across every page fails with both numbers', async () => {
    s3Mock.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({ Contents: objects(['scores/r1/a.out']), IsTruncated: true, NextContinuationToken: 't1' });
    s3Mock.on(ListObjectsV2Command, { ContinuationToken: 't1' }).resolves({ Contents: objects(['scores/r1/b.out']), IsTruncated: false });
    expect(await checkBatchOutput(OUTPUT, { minObjects: 3 }, s3)).toEqual({ kind: 'failed', failures: `Expected at least 3 output objects under ${OUTPUT}, found 2` });
  });

  test('missing output (only a folder marker) fails', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: objects(['scores/r1/']) });
    expect(await checkBatchOutput(OUTPUT, { minObjects: 1 }, s3)).toMatchObject({ kind: 'failed', failures: expect.stringMatching(/^No output objects under/) });
  });

  test('throttling is thrown, so the handler tries the whole check again', async () => {
    s3Mock.on(ListObjectsV2Command).rejects(awsError('SlowDown', 'Please reduce your request rate.', 503));
    await expect(checkBatchOutput(OUTPUT, { minObjects: 1 }, s3)).rejects.toMatchObject({ name: 'SlowDown' });
  });

  test('an output URI that is not s3:// is named', async () => {
    await expect(checkBatchOutput('https://out/scores', { minObjects: 1 }, s3)).rejects.toThrow('"https://out/scores" is not an s3://bucket/key URI');
  });
});

describe('sampling', () => {
  const EXPECT = { jsonPath: [{ path: '$.label', equals: '"churn"' }, { path: '$.score', min: 0, max: 1 }] };

  test('an oversized object is read with a ranged GET, and a first line longer than the cap fails', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'scores/r1/huge.out', Size: 50_000_000 }] });
    s3Mock.on(GetObjectCommand).resolves(body('{"label":"churn","score":0.3,"blob":"' + 'x'.repeat(2000)));
    const sample = { objects: 1, bytesPerObject: 2048, lines: 10 };
    const verdict = await checkBatchOutput(OUTPUT, { minObjects: 1, expectations: EXPECT, sample }, s3);
    expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'out', Key: 'scores/r1/huge.out', Range: 'bytes=0-2047' });
    expect(verdict).toEqual({
      kind: 'failed',
      failures: '1 of 1 sampled output lines failed: s3://out/scores/r1/huge.out: the first line is longer than 2048 bytes, so it cannot be checked',
    });
  });

  test('an object within the cap is read whole, without a range', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'scores/r1/a.out', Size: 40 }] });
    s3Mock.on(GetObjectCommand).resolves(body('{"label":"churn","score":0.3}\r\n'));
    expect(await checkBatchOutput(OUTPUT, { minObjects: 1, expectations: EXPECT }, s3)).toMatchObject({ kind: 'passed' });
    expect(s3Mock.commandCalls(GetObjectCommand)[0].args[0].input.Range).toBeUndefined();
  });

  test('malformed lines fail with what was found, and equals/min/max are each reported', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'scores/r1/a.out', Size: 100 }] });
    s3Mock.on(GetObjectCommand).resolves(body(['{"label":"churn","score":0.3}', 'label=churn,0.3', '{"label":"stay","score":-2}', '{"label":"churn"}'].join('\n')));
    const verdict = await checkBatchOutput(OUTPUT, { minObjects: 1, expectations: EXPECT }, s3);
    expect(verdict.kind).toBe('failed');
    const failures = (verdict as { failures: string }).failures;
    expect(failures).toMatch(/^3 of 4 sampled output lines failed: /);
    expect(failures).toContain('s3://out/scores/r1/a.out line 2: body is not JSON ("label=churn,0.3"), so $.label, $.score cannot be checked');
    expect(failures).toContain('line 3: $.label = "stay", expected "churn"; $.score = -2, expected >= 0');
    expect(failures).toContain('line 4: $.score not found');
  });

  test('only the first failures are spelled out; the rest are counted', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'scores/r1/a.out', Size: 100 }] });
    s3Mock.on(GetObjectCommand).resolves(body(Array.from({ length: 8 }, () => 'nope').join('\n')));
    const failures = ((await checkBatchOutput(OUTPUT, { minObjects: 1, expectations: { bodyContains: ['score'] } }, s3)) as { failures: string }).failures;
    expect(failures).toMatch(/^8 of 8 sampled output lines failed: /);
    expect(failures.match(/line \d+: body does not contain "score"/g)).toHaveLength(5);
    expect(failures).toMatch(/ \| and 3 more$/);
  });

  test('the object and line caps bound what is read and checked', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: objects(['scores/r1/a.out', 'scores/r1/b.out', 'scores/r1/c.out']) });
    s3Mock.on(GetObjectCommand, { Key: 'scores/r1/a.out' }).resolves(body('{"score":1}\n{"score":1}\n{"score":1}'));
    // A bad line past the line cap is never seen.
    s3Mock.on(GetObjectCommand, { Key: 'scores/r1/b.out' }).resolves(body('{"score":1}\n{"score":9}'));
    const verdict = await checkBatchOutput(
      OUTPUT,
      { minObjects: 1, expectations: { jsonPath: [{ path: '$.score', max: 1 }] }, sample: { objects: 2, bytesPerObject: 1000, lines: 4 } },
      s3,
    );
    expect(verdict).toMatchObject({ kind: 'passed', message: expect.stringMatching(/all 4 sampled lines/) });
    expect(s3Mock).toHaveReceivedCommandTimes(GetObjectCommand, 2);
  });

  test('empty objects are not fetched (S3 refuses a range on them)', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'scores/r1/a.out', Size: 0 }, { Key: 'scores/r1/b.out', Size: 12 }] });
    s3Mock.on(GetObjectCommand).resolves(body('{"score":1}'));
    expect(await checkBatchOutput(OUTPUT, { minObjects: 2, expectations: { bodyContains: ['score'] } }, s3)).toMatchObject({ kind: 'passed' });
    expect(s3Mock).toHaveReceivedCommandTimes(GetObjectCommand, 1);
    expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, { Key: 'scores/r1/b.out' });
  });

  test('without limits the defaults bound the sample', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: objects(Array.from({ length: 9 }, (_, i) => `scores/r1/${i}.out`), 10) });
    s3Mock.on(GetObjectCommand).resolves(body('{"score":1}'));
    await checkBatchOutput(OUTPUT, { minObjects: 1, expectations: { bodyContains: ['score'] } }, s3);
    expect(s3Mock).toHaveReceivedCommandTimes(GetObjectCommand, DEFAULT_SAMPLE_LIMITS.objects);
  });
});

test('a line is judged by the request tests\' own body expectations', () => {
  expect(evaluateLine({ bodyContains: ['yes'], jsonPath: [{ path: '$.a', equals: '1' }] }, '{"a":2}')).toEqual(['body does not contain "yes"', '$.a = 2, expected 1']);
  expect(evaluateLine({}, 'anything')).toEqual([]);
});
