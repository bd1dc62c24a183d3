/**
 * An environment's request tests: the same rules as
 * `IntegrationTests.requests()` in the construct, plus the size limit of the
 * CloudFormation parameter and SSM parameter they travel in.
 */
import { readArray, readInteger, readNumber, readObject, readString } from './json-reader';
import {
  JSON_PATH_MAX, MAX_EXPECTATIONS, MAX_LATENCY_MS, MAX_TESTS, MIME_TYPE_MAX, MIME_TYPE_PATTERN, TEST_NAME_MAX, TESTS_JSON_MAX,
} from './limits';
import { EnvironmentRequest, JsonPathRequest, TestRequestEntry } from './pipeline-request';
import { indexPath, keyPath, ProblemList, quote } from './problem-list';
import { JsonPathSyntaxError, parseJsonPath } from '../contract/json-path';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Expect = NonNullable<TestRequestEntry['expect']>;

/** The JSON text of an environment's tests as the blueprint passes it to CloudFormation (one parameter). */
export function environmentTestsJson(env: Pick<EnvironmentRequest, 'tests'>): string {
  return JSON.stringify(env.tests ?? []);
}

/**
 * The size of the tests as the construct stores them in SSM (`{"requests": [...]}`
 * with each default filled in): it can exceed the parameter's JSON, and the
 * construct refuses more than 4096 characters.
 */
function storedSpecLength(tests: readonly TestRequestEntry[]): number {
  const requests = tests.map((test, i) => ({
    name: test.name ?? `#${i + 1}`,
    body: test.body,
    contentType: test.contentType ?? 'application/json',
    accept: test.accept,
    status: test.expect?.status ?? 200,
    bodyContains: test.expect?.bodyContains?.length ? test.expect.bodyContains : undefined,
    jsonPath: test.expect?.jsonPath?.length
      ? test.expect.jsonPath.map((e) => ({ path: e.path, equals: e.equalsJson, min: e.min, max: e.max }))
      : undefined,
    maxLatencyMs: test.expect?.maxLatencyMs,
  }));
  return JSON.stringify({ requests }).length;
}

/** Checks a MIME type (`contentType`, `accept`), naming `example` as one. */
export function checkMimeType(value: unknown, path: string, problems: ProblemList, example: string): string | undefined {
  const text = readString(value, path, problems);
  if (text !== undefined && (text.length > MIME_TYPE_MAX || !MIME_TYPE_PATTERN.test(text))) {
    problems.add(path, `${quote(text)} is not a MIME type such as "${example}"`);
    return undefined;
  }
  return text;
}

function checkJsonPath(value: unknown, path: string, problems: ProblemList): JsonPathRequest | undefined {
  const fields = readObject(value, path, problems, { required: ['path'], optional: ['equalsJson', 'min', 'max'] });
  if (!fields) {
    return undefined;
  }
  const before = problems.count;
  const result: Mutable<JsonPathRequest> = { path: '' };
  const text = readString(fields.path, keyPath(path, 'path'), problems);
  if (text !== undefined) {
    if (text.length > JSON_PATH_MAX) {
      problems.add(keyPath(path, 'path'), `must be at most ${JSON_PATH_MAX} characters, got ${text.length}`);
    } else {
      try {
        parseJsonPath(text);
      } catch (e) {
        if (!(e instanceof JsonPathSyntaxError)) throw e;
        problems.add(keyPath(path, 'path'), e.message);
      }
    }
    result.path = text;
  }
  if ('equalsJson' in fields) {
    const equalsJson = readString(fields.equalsJson, keyPath(path, 'equalsJson'), problems);
    if (equalsJson !== undefined) {
      try {
        JSON.parse(equalsJson);
        result.equalsJson = equalsJson;
      } catch {
        problems.add(keyPath(path, 'equalsJson'), `${quote(equalsJson)} is not JSON text (write '"text"' for a string)`);
      }
    }
  }
  for (const bound of ['min', 'max'] as const) {
    if (bound in fields) {
      result[bound] = readNumber(fields[bound], keyPath(path, bound), problems);
    }
  }
  if (result.min !== undefined && result.max !== undefined && result.min > result.max) {
    problems.add(keyPath(path, 'min'), `${result.min} is more than max ${result.max}`);
  }
  if ('equalsJson' in fields && ('min' in fields || 'max' in fields)) {
    problems.add(path, 'set either equalsJson or min/max, not both');
  }
  return problems.count === before ? result : undefined;
}

/**
 * Checks `bodyContains` at `path`: texts a response body (or, in a batch
 * environment's check, every sampled output line) must contain.
 */
export function checkBodyContains(value: unknown, path: string, problems: ProblemList): string[] | undefined {
  const texts = readArray(value, path, problems, 0, MAX_EXPECTATIONS, 'texts');
  return texts?.map((text, i) => {
    const where = indexPath(path, i);
    const checked = readString(text, where, problems);
    if (checked === '') problems.add(where, 'must not be empty');
    return checked ?? '';
  });
}

/**
 * Checks `jsonPath` at `path`: expectations on values of a JSON response body
 * (or, in a batch environment's check, of every sampled output line).
 */
export function checkJsonPaths(value: unknown, path: string, problems: ProblemList): JsonPathRequest[] | undefined {
  const entries = readArray(value, path, problems, 0, MAX_EXPECTATIONS, 'expectations');
  return entries?.map((entry, i) => checkJsonPath(entry, indexPath(path, i), problems)!);
}

function checkExpect(value: unknown, path: string, problems: ProblemList): Expect | undefined {
  const fields = readObject(value, path, problems, { required: [], optional: ['status', 'bodyContains', 'jsonPath', 'maxLatencyMs'] });
  if (!fields) {
    return undefined;
  }
  const before = problems.count;
  const result: Mutable<Expect> = {};
  if ('status' in fields) {
    result.status = readInteger(fields.status, keyPath(path, 'status'), problems, 100, 599);
  }
  if ('bodyContains' in fields) {
    result.bodyContains = checkBodyContains(fields.bodyContains, keyPath(path, 'bodyContains'), problems);
  }
  if ('jsonPath' in fields) {
    result.jsonPath = checkJsonPaths(fields.jsonPath, keyPath(path, 'jsonPath'), problems);
  }
  if ('maxLatencyMs' in fields) {
    result.maxLatencyMs = readInteger(fields.maxLatencyMs, keyPath(path, 'maxLatencyMs'), problems, 1, MAX_LATENCY_MS);
  }
  return problems.count === before ? result : undefined;
}

function checkTest(value: unknown, path: string, problems: ProblemList): TestRequestEntry | undefined {
  const fields = readObject(value, path, problems, { required: ['body'], optional: ['name', 'contentType', 'accept', 'expect'] });
  if (!fields) {
    return undefined;
  }
  const before = problems.count;
  const result: Mutable<TestRequestEntry> = { body: '' };
  if ('name' in fields) {
    const name = readString(fields.name, keyPath(path, 'name'), problems);
    if (name !== undefined && (name.length === 0 || name.length > TEST_NAME_MAX)) {
      problems.add(keyPath(path, 'name'), `must be 1 to ${TEST_NAME_MAX} characters, got ${name.length}`);
    }
    result.name = name;
  }
  const body = readString(fields.body, keyPath(path, 'body'), problems);
  if (body === '') {
    problems.add(keyPath(path, 'body'), 'must not be empty (SageMaker requires a payload)');
  }
  result.body = body ?? '';
  if ('contentType' in fields) {
    result.contentType = checkMimeType(fields.contentType, keyPath(path, 'contentType'), problems, 'text/csv');
  }
  if ('accept' in fields) {
    result.accept = checkMimeType(fields.accept, keyPath(path, 'accept'), problems, 'application/json');
  }
  if ('expect' in fields) {
    result.expect = checkExpect(fields.expect, keyPath(path, 'expect'), problems);
  }
  return problems.count === before ? result : undefined;
}

/** Checks an environment's `tests` at `path` (e.g. `environments[0].tests`). */
export function checkTests(value: unknown, path: string, problems: ProblemList): TestRequestEntry[] | undefined {
  const entries = readArray(value, path, problems, 1, MAX_TESTS, 'tests (leave tests out for none)');
  if (!entries) {
    return undefined;
  }
  const before = problems.count;
  const tests = entries.map((entry, i) => checkTest(entry, indexPath(path, i), problems));
  if (problems.count !== before) {
    return undefined;
  }
  const checked = tests as TestRequestEntry[];
  // The construct reports tests by name, a missing name being "#<position>": names must differ.
  const seen = new Map<string, number>();
  checked.forEach((test, i) => {
    const name = test.name ?? `#${i + 1}`;
    const first = seen.get(name);
    if (first !== undefined) {
      problems.add(keyPath(indexPath(path, i), 'name'), `${quote(name)} is already the name of ${indexPath(path, first)}`);
    } else {
      seen.set(name, i);
    }
  });
  const size = Math.max(environmentTestsJson({ tests: checked }).length, storedSpecLength(checked));
  if (size > TESTS_JSON_MAX) {
    problems.add(path, `take ${size} characters as JSON, more than the ${TESTS_JSON_MAX} one CloudFormation or SSM parameter holds: `
      + 'use smaller payloads or fewer tests');
  }
  return problems.count === before ? checked : undefined;
}
