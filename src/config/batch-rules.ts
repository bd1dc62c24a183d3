/**
 * A batch environment's `batch`: a transform job over data in the assets
 * bucket instead of an endpoint, its output checked with the same
 * expectations a request test has of a response. The rules of the
 * construct's `BatchProps`, restricted to keys in the assets bucket.
 */
import { readInteger, readObject, readOneOf } from './json-reader';
import {
  BATCH_CHECK_MAX_MIN_OBJECTS, BATCH_DEFAULT_PAYLOAD_MB, BATCH_MAX_CONCURRENT_TRANSFORMS, BATCH_MAX_PAYLOAD_MB, BATCH_SPEC_JSON_MAX_BYTES,
  BATCH_SPLIT_TYPES, BUCKET_NAME_MAX,
} from './limits';
import { BatchCheckRequest, BatchRequest } from './pipeline-request';
import { indexPath, keyPath, ProblemList, quote } from './problem-list';
import { checkS3Key, utf8Length } from './s3-keys';
import { checkBodyContains, checkJsonPaths, checkMimeType } from './test-rules';
import { batchEnvironmentSpec } from '../contract/batch-environment-settings';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a batch environment cannot have: everything about an endpoint. */
export const ENDPOINT_ONLY_KEYS = ['serverless', 'autoScaling', 'dataCapture', 'tests', 'monitoring'] as const;

/**
 * Whether one of two key prefixes holds the other. A transform reads every
 * object whose key starts with its input prefix, so an output inside the
 * input, or an input inside the output, mixes results into later input.
 */
export function prefixesOverlap(input: string, output: string): boolean {
  return output.startsWith(input) || input.startsWith(output);
}

function checkOutput(value: unknown, path: string, problems: ProblemList): string | undefined {
  const output = checkS3Key(value, path, problems);
  if (output !== undefined && !output.endsWith('/')) {
    problems.add(path, `${quote(output)} must end with "/" (each release writes a folder under it)`);
    return undefined;
  }
  return output;
}

function checkBatchCheck(value: unknown, path: string, problems: ProblemList): BatchCheckRequest | undefined {
  const fields = readObject(value, path, problems, { required: [], optional: ['minObjects', 'bodyContains', 'jsonPath'] });
  if (!fields) {
    return undefined;
  }
  const before = problems.count;
  const result: Mutable<BatchCheckRequest> = {};
  if ('minObjects' in fields) {
    result.minObjects = readInteger(fields.minObjects, keyPath(path, 'minObjects'), problems, 1, BATCH_CHECK_MAX_MIN_OBJECTS);
  }
  if ('bodyContains' in fields) {
    result.bodyContains = checkBodyContains(fields.bodyContains, keyPath(path, 'bodyContains'), problems);
  }
  if ('jsonPath' in fields) {
    result.jsonPath = checkJsonPaths(fields.jsonPath, keyPath(path, 'jsonPath'), problems);
  }
  return problems.count === before ? result : undefined;
}

/** SageMaker refuses parallel requests whose payloads add up to more than 100 MB per instance. */
function checkConcurrency(concurrency: number, payloadMb: number | undefined, path: string, problems: ProblemList): void {
  const payload = payloadMb ?? BATCH_DEFAULT_PAYLOAD_MB;
  if (concurrency * payload > BATCH_MAX_PAYLOAD_MB) {
    const source = payloadMb === undefined ? ' (SageMaker\'s default when maxPayloadMb is left out)' : '';
    problems.add(path, `${concurrency} parallel requests of up to ${payload} MB${source} exceed the ${BATCH_MAX_PAYLOAD_MB} MB `
      + 'SageMaker allows per instance: lower maxConcurrentTransforms or maxPayloadMb');
  }
}

/** Checks `batch` at `path` (e.g. `environments[3].batch`). */
export function checkBatch(value: unknown, path: string, problems: ProblemList): BatchRequest | undefined {
  const fields = readObject(value, path, problems, {
    required: ['input', 'output'],
    optional: ['contentType', 'splitType', 'accept', 'maxPayloadMb', 'maxConcurrentTransforms', 'check'],
  });
  if (!fields) {
    return undefined;
  }
  const before = problems.count;
  const at = (key: string): string => keyPath(path, key);
  const input = 'input' in fields ? checkS3Key(fields.input, at('input'), problems) : undefined;
  const output = 'output' in fields ? checkOutput(fields.output, at('output'), problems) : undefined;
  if (input !== undefined && output !== undefined && prefixesOverlap(input, output)) {
    problems.add(at('output'), `${quote(output)} and input ${quote(input)} overlap (one starts with the other): `
      + 'the transform reads every object under input, so its results would be read back as input');
  }
  const result: Mutable<BatchRequest> = { input: input!, output: output! };
  if ('contentType' in fields) {
    result.contentType = checkMimeType(fields.contentType, at('contentType'), problems, 'text/csv');
  }
  if ('splitType' in fields) {
    result.splitType = readOneOf(fields.splitType, at('splitType'), problems, BATCH_SPLIT_TYPES) as BatchRequest['splitType'];
  }
  if ('accept' in fields) {
    result.accept = checkMimeType(fields.accept, at('accept'), problems, 'application/json');
  }
  if ('maxPayloadMb' in fields) {
    result.maxPayloadMb = readInteger(fields.maxPayloadMb, at('maxPayloadMb'), problems, 1, BATCH_MAX_PAYLOAD_MB);
  }
  if ('maxConcurrentTransforms' in fields) {
    result.maxConcurrentTransforms = readInteger(fields.maxConcurrentTransforms, at('maxConcurrentTransforms'), problems, 1, BATCH_MAX_CONCURRENT_TRANSFORMS);
    // Judged only against a valid payload: an invalid one is already reported.
    if (result.maxConcurrentTransforms !== undefined && !('maxPayloadMb' in fields && result.maxPayloadMb === undefined)) {
      checkConcurrency(result.maxConcurrentTransforms, result.maxPayloadMb, at('maxConcurrentTransforms'), problems);
    }
  }
  if ('check' in fields) {
    result.check = checkBatchCheck(fields.check, at('check'), problems);
  }
  if (problems.count !== before) {
    return undefined;
  }
  // Measured as the blueprint writes it, with the longest bucket name the assets bucket can have.
  const bucket = 'b'.repeat(BUCKET_NAME_MAX);
  const spec = JSON.stringify(batchEnvironmentSpec({ ...result, inputS3Uri: `s3://${bucket}/${result.input}`, outputS3Uri: `s3://${bucket}/${result.output}` }));
  if (utf8Length(spec) > BATCH_SPEC_JSON_MAX_BYTES) {
    problems.add(path, `takes ${utf8Length(spec)} bytes as JSON, more than the ${BATCH_SPEC_JSON_MAX_BYTES} one CloudFormation parameter holds: `
      + 'use fewer or shorter check texts and paths');
    return undefined;
  }
  return result;
}

/** Whether a raw environment entry asks for a batch environment (an own `batch` key, as `readObject` reads it). */
function isBatchEntry(entry: unknown): boolean {
  return typeof entry === 'object' && entry !== null && Object.prototype.hasOwnProperty.call(entry, 'batch')
    && (entry as { batch: unknown }).batch !== undefined;
}

/**
 * Checks that only the last environment is a batch environment: a provisioned
 * pipeline is made from a blueprint, and the blueprints run their one batch
 * environment after every endpoint. Read from the raw entries, so a misplaced
 * batch environment is reported even when it has other problems.
 */
export function checkBatchPlacement(entries: readonly unknown[], path: string, problems: ProblemList): void {
  const last = entries.length - 1;
  entries.forEach((entry, i) => {
    if (i !== last && isBatchEntry(entry)) {
      problems.add(keyPath(indexPath(path, i), 'batch'), `only the last environment (${indexPath(path, last)}) may be a batch environment: `
        + 'a provisioned pipeline has at most one, run after all its endpoints (the shape of the framework\'s blueprints)');
    }
  });
}
