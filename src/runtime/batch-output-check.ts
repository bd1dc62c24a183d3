import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { parseS3Uri } from './s3-uri';
import { evaluateResponse } from './test-requests';
import type { TestVerdict } from './test-verdict';
import type { BatchLineExpectations, BatchOutputCheckSpec, BatchSampleLimits } from '../contract/batch-settings';

/** Enough lines to catch a broken model, little enough for one Lambda call. */
export const DEFAULT_SAMPLE_LIMITS: BatchSampleLimits = { objects: 5, bytesPerObject: 256 * 1024, lines: 200 };
/** Failures named in the verdict; the rest are counted, so the message stays readable. */
const REPORTED_FAILURES = 5;

/** One output object, as listed. */
interface OutputObject {
  readonly key: string;
  readonly size: number;
}

/**
 * Lists the release's output objects in key order, stopping once `enough`
 * are seen: the count check and the sample need no more, and an output of
 * millions of objects would not fit in one call.
 */
async function listOutput(s3: S3Client, bucket: string, prefix: string, enough: number): Promise<{ objects: OutputObject[]; more: boolean }> {
  const objects: OutputObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const item of page.Contents ?? []) {
      // Folder markers some tools create are not output.
      if (item.Key && !item.Key.endsWith('/')) {
        objects.push({ key: item.Key, size: item.Size ?? 0 });
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token && objects.length < enough);
  return { objects, more: token !== undefined };
}

/** The complete lines in the first bytes of an object; a line cut by the byte cap is not one. */
export interface SampledLines {
  readonly lines: string[];
  /** Set when the cap cut the object before its first line ended: nothing in it can be checked. */
  readonly firstLineTooLong?: boolean;
}

async function readLines(s3: S3Client, bucket: string, object: OutputObject, capBytes: number): Promise<SampledLines> {
  // S3 refuses a ranged GET of an empty object; it has no lines anyway.
  if (object.size === 0) {
    return { lines: [] };
  }
  const truncated = object.size > capBytes;
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.key, Range: truncated ? `bytes=0-${capBytes - 1}` : undefined }));
  let text = (await got.Body?.transformToString('utf-8')) ?? '';
  if (truncated) {
    const lastBreak = text.lastIndexOf('\n');
    if (lastBreak < 0) {
      return { lines: [], firstLineTooLong: true };
    }
    text = text.slice(0, lastBreak);
  }
  return { lines: text.split(/\r?\n/).filter((line) => line.trim().length > 0) };
}

/** Every expectation a line misses, through the request tests' own evaluation (a line is a response body). */
export function evaluateLine(expectations: BatchLineExpectations, line: string): string[] {
  return evaluateResponse(
    { name: 'batch output line', body: '', contentType: '', status: 200, ...expectations },
    { status: 200, body: line, latencyMs: 0 },
  );
}

/**
 * Checks a release's transform output: at least `minObjects` objects under
 * `outputUri`, and, with expectations, every line of a bounded sample
 * (the first objects in key order, the first bytes of each). Read errors are
 * thrown, so the handler decides between trying again and failing.
 */
export async function checkBatchOutput(outputUri: string, spec: BatchOutputCheckSpec, s3: S3Client): Promise<TestVerdict> {
  const { bucket, key: prefix } = parseS3Uri(outputUri);
  const limits = spec.sample ?? DEFAULT_SAMPLE_LIMITS;
  const expectations = spec.expectations;
  const sampling = Boolean(expectations?.bodyContains?.length || expectations?.jsonPath?.length);
  const { objects, more } = await listOutput(s3, bucket, prefix, Math.max(spec.minObjects, sampling ? limits.objects : 0, 1));
  const counted = `${more ? 'at least ' : ''}${objects.length}`;

  if (objects.length === 0) {
    return { kind: 'failed', failures: `No output objects under ${outputUri}: the transform wrote nothing there` };
  }
  if (objects.length < spec.minObjects) {
    return { kind: 'failed', failures: `Expected at least ${spec.minObjects} output objects under ${outputUri}, found ${objects.length}` };
  }
  if (!expectations || !sampling) {
    return { kind: 'passed', message: `${counted} output objects under ${outputUri}` };
  }

  const failures: string[] = [];
  let checked = 0;
  let failing = 0;
  for (const object of objects.slice(0, limits.objects)) {
    if (checked >= limits.lines) {
      break;
    }
    const where = `s3://${bucket}/${object.key}`;
    const sampled = await readLines(s3, bucket, object, limits.bytesPerObject);
    if (sampled.firstLineTooLong) {
      // A line the sample cannot hold counts as a sampled line that failed: passing it unseen would hide a broken output.
      checked++;
      failing++;
      failures.push(`${where}: the first line is longer than ${limits.bytesPerObject} bytes, so it cannot be checked`);
    }
    for (const [index, line] of sampled.lines.slice(0, limits.lines - checked).entries()) {
      checked++;
      const missed = evaluateLine(expectations, line);
      if (missed.length > 0) {
        failing++;
        failures.push(`${where} line ${index + 1}: ${missed.join('; ')}`);
      }
    }
  }
  if (failing > 0) {
    const shown = failures.slice(0, REPORTED_FAILURES);
    const rest = failures.length > shown.length ? ` | and ${failures.length - shown.length} more` : '';
    return { kind: 'failed', failures: `${failing} of ${checked} sampled output lines failed: ${shown.join(' | ')}${rest}` };
  }
  if (checked === 0) {
    return { kind: 'failed', failures: `The sampled output objects under ${outputUri} hold no lines to check` };
  }
  return { kind: 'passed', message: `${counted} output objects under ${outputUri}; all ${checked} sampled lines met the expectations` };
}
