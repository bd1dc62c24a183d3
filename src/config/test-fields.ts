/**
 * An environment's request tests: sample requests sent to the new endpoint,
 * with what the answers must be. The same rules for a request's `tests` and
 * for `IntegrationTests.requests()`, plus the size of the CloudFormation and
 * SSM parameters they travel in. The expectations also check a batch
 * environment's output lines.
 */
import * as z from 'zod';
import { JSON_PATH_MAX, MAX_EXPECTATIONS, MAX_LATENCY_MS, MAX_TESTS, MIME_TYPE_MAX, MIME_TYPE_PATTERN, TEST_NAME_MAX, TESTS_JSON_MAX } from './limits';
import { quote } from './problems';
import { always, boundedArray, finiteNumber, ifClean, isRecord, repeatIssue, repeats, strictObject, text, wholeNumber } from './schema-parts';
import { JsonPathSyntaxError, parseJsonPath } from '../contract/json-path';

/** A MIME type (`contentType`, `accept`): it becomes an HTTP header. */
export function mimeType(example: string) {
  const error = (issue: { input?: unknown }): string => `${quote(issue.input as string)} is not a MIME type such as "${example}"`;
  return text().max(MIME_TYPE_MAX, { error, ...ifClean }).regex(MIME_TYPE_PATTERN, { error, ...ifClean });
}

/** A JSON path in the subset the test handler reads, checked by its own parser. */
const jsonPath = text()
  .max(JSON_PATH_MAX, { error: (issue) => `must be at most ${JSON_PATH_MAX} characters, got ${(issue.input as string).length}`, ...ifClean })
  .superRefine((path, context) => {
    try {
      parseJsonPath(path);
    } catch (e) {
      if (!(e instanceof JsonPathSyntaxError)) throw e;
      context.addIssue({ code: 'custom', message: e.message, input: path });
    }
  }, ifClean)
  .meta({ title: 'Path', description: '"$", then ".key", "[\'key\']" or "[index]" steps, e.g. "$.predictions[0].score".', pattern: '^\\$' });

function isJsonText(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/** An expectation on one value of a JSON body: equalsJson, or min/max. */
export const jsonPathExpectation = strictObject({
  path: jsonPath,
  equalsJson: text()
    .refine(isJsonText, { error: (issue) => `${quote(issue.input as string)} is not JSON text (write '"text"' for a string)`, ...ifClean })
    .meta({ title: 'Equals (JSON)', description: 'JSON text the value must equal, e.g. "\\"churn\\"", "0.5", "true".' })
    .optional(),
  min: finiteNumber().meta({ title: 'Minimum', description: 'The smallest number the value may be.' }).optional(),
  max: finiteNumber().meta({ title: 'Maximum', description: 'The largest number the value may be (at least min).' }).optional(),
}).meta({ title: 'JSON path expectation', description: 'An expectation on one value of a JSON body: equalsJson, or min/max.' })
  .superRefine((expectation, context) => {
    const { min, max, equalsJson } = expectation as { min?: unknown; max?: unknown; equalsJson?: unknown };
    if (typeof min === 'number' && typeof max === 'number' && Number.isFinite(min) && Number.isFinite(max) && min > max) {
      context.addIssue({ code: 'custom', path: ['min'], message: `${min} is more than max ${max}`, input: min });
    }
    if (equalsJson !== undefined && (min !== undefined || max !== undefined)) {
      context.addIssue({ code: 'custom', message: 'set either equalsJson or min/max, not both', input: expectation });
    }
  }, always);

/** Texts a response body (or each sampled output line of a batch environment) must contain. */
export const bodyContains = boundedArray(text().min(1, { error: 'must not be empty', ...ifClean }).meta({ title: 'Text', description: 'A non-empty text.' }),
  0, MAX_EXPECTATIONS, 'texts');

/** Expectations on values of a JSON response body (or of each sampled output line of a batch environment). */
export const jsonPathExpectations = boundedArray(jsonPathExpectation, 0, MAX_EXPECTATIONS, 'expectations');

const testName = (() => {
  const error = (issue: { input?: unknown }): string => `must be 1 to ${TEST_NAME_MAX} characters, got ${(issue.input as string).length}`;
  return text().min(1, { error, ...ifClean }).max(TEST_NAME_MAX, { error, ...ifClean });
})();

/** A sample request sent to the new endpoint before it is shared, with what its answer must be. */
export const testRequest = strictObject({
  name: testName.meta({ title: 'Name', description: 'The name failures are reported under. Default "#<position>".' }).optional(),
  body: text().min(1, { error: 'must not be empty (SageMaker requires a payload)', ...ifClean }).meta({ title: 'Body', description: 'The payload, as the model expects it.' }),
  contentType: mimeType('text/csv').meta({ title: 'Content type', description: 'The payload\'s MIME type. Default "application/json".' }).optional(),
  accept: mimeType('application/json').meta({ title: 'Accept', description: 'The MIME type asked for in the response. Default: the model\'s.' }).optional(),
  expect: strictObject({
    status: wholeNumber(100, 599).meta({ title: 'Status', description: 'The HTTP status the model must answer with. Default 200.' }).optional(),
    bodyContains: bodyContains.meta({ title: 'Body contains', description: 'Texts the response body must contain.' }).optional(),
    jsonPath: jsonPathExpectations.meta({ title: 'JSON paths', description: 'Expectations on values of a JSON body.' }).optional(),
    maxLatencyMs: wholeNumber(1, MAX_LATENCY_MS)
      .meta({ title: 'Latency budget (ms)', description: 'The longest the endpoint may take to answer, in milliseconds.' }).optional(),
  }).meta({ title: 'Expectations', description: 'What the response must satisfy. Default: status 200 only.' }).optional(),
}).meta({ title: 'Test request', description: 'A sample request sent to the new endpoint before it is shared, with what its answer must be.' });

/** One checked test request. */
export type TestRequestEntry = z.output<typeof testRequest>;

/** The name a test is reported under: its own, or `#<position>` from 1 (the test handler's default). */
function reportedName(test: Pick<TestRequestEntry, 'name'>, index: number): string {
  return test.name ?? `#${index + 1}`;
}

/** The JSON text of an environment's tests as the blueprint passes it to CloudFormation (one parameter). */
export function environmentTestsJson(env: { readonly tests?: readonly TestRequestEntry[] }): string {
  return JSON.stringify(env.tests ?? []);
}

/**
 * The size of the tests as the construct stores them in SSM (`{"requests": [...]}`
 * with each default filled in): it can exceed the parameter's JSON.
 */
function storedSpecLength(tests: readonly TestRequestEntry[]): number {
  const requests = tests.map((test, i) => ({
    name: reportedName(test, i),
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

/** The name a test entry as given is reported under, when it has one (a name of the wrong type has none). */
function givenName(entry: unknown, index: number): string | undefined {
  const name = isRecord(entry) ? entry.name : undefined;
  return typeof name === 'string' ? name : name === undefined && isRecord(entry) ? reportedName({}, index) : undefined;
}

/**
 * An environment's tests: 1 to 20, named apart (a missing name is
 * "#<position>": names are compared even when tests have other problems),
 * and small enough for the one CloudFormation parameter and SSM parameter
 * (4096 characters each) they travel in (judged only of valid tests).
 */
export const testRequests = boundedArray(testRequest, 1, MAX_TESTS, 'tests (leave tests out for none)')
  .superRefine((tests, context) => {
    const names = (tests as unknown[]).map(givenName);
    for (const { index, first } of repeats(names)) {
      context.addIssue(repeatIssue([index, 'name'], 2, first, `${quote(names[index]!)} is already the name of `));
    }
  }, { when: (payload) => Array.isArray(payload.value) && payload.value.length >= 1 && payload.value.length <= MAX_TESTS })
  .superRefine((tests, context) => {
    const size = Math.max(environmentTestsJson({ tests }).length, storedSpecLength(tests));
    if (size > TESTS_JSON_MAX) {
      context.addIssue({
        code: 'custom',
        message: `take ${size} characters as JSON, more than the ${TESTS_JSON_MAX} one CloudFormation or SSM parameter holds: use smaller payloads or fewer tests`,
        input: tests,
      });
    }
  }, ifClean);

