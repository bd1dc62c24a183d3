import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { OUTPUT_BUCKET } from './batch-fixtures';
import { checkBatchOutput } from '../../../src/runtime/batch-output-check';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { batchDeploy, BATCH_NAMES } from '../../aws-contracts/worlds/batch-world';
import { motoS3ClientConfig } from '../../harness/moto-server';

// The output check runs in the deploy function of a batch pipeline, on its environments' output prefix.
checkHandlerCallsAs(batchDeploy);

/**
 * The output check against moto's S3. moto's transform jobs write no output,
 * so each test writes what SageMaker would: one `<input>.out` object per input
 * object, one JSON line per record (AssembleWith Line), under the release's folder.
 */
const BUCKET = OUTPUT_BUCKET;
/** The batch environments' output prefix: every release's output folder is under it. */
const OUTPUT = `s3://${BUCKET}/${BATCH_NAMES.outputPrefix}`;
const s3 = new S3Client(motoS3ClientConfig(process.env.MOTO_ENDPOINT!));
const EXPECTATIONS = { bodyContains: ['score'], jsonPath: [{ path: '$.score', min: 0, max: 1 }] };

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

async function put(key: string, body: string): Promise<void> {
  // A length for the empty body too, or the SDK takes it for a stream of unknown length.
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${BATCH_NAMES.outputPrefix}${key}`, Body: Buffer.from(body), ContentLength: Buffer.byteLength(body) }));
}

function lines(scores: number[]): string {
  return scores.map((score, i) => JSON.stringify({ id: i, score })).join('\n') + '\n';
}

test('good output passes: the count is met and every sampled line meets the expectations', async () => {
  await put('good/r1/part-0.csv.out', lines([0.1, 0.9, 0.5]));
  await put('good/r1/part-1.csv.out', lines([0.2]));
  const verdict = await checkBatchOutput(`${OUTPUT}good/r1/`, { minObjects: 2, expectations: EXPECTATIONS }, s3);
  expect(verdict).toEqual({ kind: 'passed', message: `2 output objects under ${OUTPUT}good/r1/; all 4 sampled lines met the expectations` });
});

test('another release\'s output does not count towards this one', async () => {
  await put('shared/r1/part-0.csv.out', lines([0.1]));
  await put('shared/r10/part-0.csv.out', lines([0.1]));
  await put('shared/r10/part-1.csv.out', lines([0.1]));
  const verdict = await checkBatchOutput(`${OUTPUT}shared/r1/`, { minObjects: 2 }, s3);
  expect(verdict).toEqual({ kind: 'failed', failures: `Expected at least 2 output objects under ${OUTPUT}shared/r1/, found 1` });
});

test('a line out of range fails, naming the object, the line and the value', async () => {
  await put('bad/r1/part-0.csv.out', lines([0.4, 7]));
  const verdict = await checkBatchOutput(`${OUTPUT}bad/r1/`, { minObjects: 1, expectations: EXPECTATIONS }, s3);
  expect(verdict).toEqual({ kind: 'failed', failures: `1 of 2 sampled output lines failed: ${OUTPUT}bad/r1/part-0.csv.out line 2: $.score = 7, expected <= 1` });
});

test('a large object is read only up to the cap, with the line the cap cut left out', async () => {
  // 2,000 lines of about 20 bytes: the 1 KiB cap holds about 50 of them.
  await put('large/r1/part-0.csv.out', lines(Array.from({ length: 2000 }, () => 0.5)));
  const verdict = await checkBatchOutput(
    `${OUTPUT}large/r1/`,
    { minObjects: 1, expectations: EXPECTATIONS, sample: { objects: 5, bytesPerObject: 1024, lines: 10_000 } },
    s3,
  );
  expect(verdict.kind).toBe('passed');
  const checked = Number(/all (\d+) sampled lines/.exec((verdict as { message: string }).message)![1]);
  expect(checked).toBeGreaterThan(30);
  expect(checked).toBeLessThan(1024 / 20);
});

test('an empty output object counts but has nothing to check', async () => {
  await put('empty/r1/part-0.csv.out', '');
  expect(await checkBatchOutput(`${OUTPUT}empty/r1/`, { minObjects: 1 }, s3)).toMatchObject({ kind: 'passed' });
  expect(await checkBatchOutput(`${OUTPUT}empty/r1/`, { minObjects: 1, expectations: EXPECTATIONS }, s3)).toEqual({
    kind: 'failed',
    failures: `The sampled output objects under ${OUTPUT}empty/r1/ hold no lines to check`,
  });
});

test('no output at all fails clearly', async () => {
  expect(await checkBatchOutput(`${OUTPUT}nothing/r1/`, { minObjects: 1 }, s3)).toEqual({
    kind: 'failed',
    failures: `No output objects under ${OUTPUT}nothing/r1/: the transform wrote nothing there`,
  });
});
