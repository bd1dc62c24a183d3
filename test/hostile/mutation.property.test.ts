import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { handleApiRequest } from '../../src/runtime/provisioning/api-handler';
import { validPipelineRequest } from '../config/request-arbitraries';
import { apiEvent, bodyOf, mockedApiDeps, provisionSettings } from '../framework/provision/provision-fixtures';

/**
 * A valid request broken at one random place, anywhere in its tree: the API
 * answers 400 naming that place (or the object or list holding it) and
 * makes no AWS call. Unlike the validator's curated mutations
 * (test/config/request-arbitraries.ts), the place is any field the request
 * happens to have, and the answer is the handler's.
 */
const cloudformation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const deps = mockedApiDeps(provisionSettings({ stackPrefix: 'mlops-', assetsBucket: 'assets', blueprintBucket: 'blueprints' }));

type Step = string | number;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every place in a JSON value: each key of each object, each element of each array. */
function places(value: Json, at: Step[] = []): Step[][] {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => [[...at, i], ...places(item, [...at, i])]);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => [[...at, key], ...places(item, [...at, key])]);
  }
  return [];
}

/** A place as the API writes a problem's path: `environments[1].tests[0].body`. */
function pathOf(steps: readonly Step[]): string {
  return steps.reduce<string>((path, step) => (typeof step === 'number' ? `${path}[${step}]` : path === '' ? step : `${path}.${step}`), '');
}

/** Keys that must be present in the object at a path shaped like the pattern (see pipeline-request.ts). */
const REQUIRED: ReadonlyArray<[RegExp, readonly string[]]> = [
  [/^$/, ['name', 'artifact', 'image', 'environments']],
  [/^image$/, ['framework', 'version', 'containerSource', 'uri']],
  [/^environments\[\d+\]$/, ['name']],
  [/\.serverless$/, ['memorySizeMb', 'maxConcurrency']],
  [/\.autoScaling$/, ['maxInstances', 'targetInvocationsPerInstance']],
  [/\.batch$/, ['input', 'output']],
  [/\.monitoring$/, ['baselineDataset']],
  [/\.tests\[\d+\]$/, ['body']],
  [/\.jsonPath\[\d+\]$/, ['path']],
];

function isRequired(steps: readonly Step[]): boolean {
  const key = steps[steps.length - 1];
  const parent = pathOf(steps.slice(0, -1));
  return typeof key === 'string' && REQUIRED.some(([shape, keys]) => shape.test(parent) && keys.includes(key));
}

/**
 * Free text, where a control character is a legitimate part of the value:
 * test payloads and names, expected texts and JSON, and JSON paths (a
 * bracketed key may hold any character).
 */
function isFreeText(steps: readonly Step[]): boolean {
  return /(\.tests\[\d+\]\.(body|name)|\.bodyContains\[\d+\]|\.equalsJson|\.jsonPath\[\d+\]\.path)$/.test(pathOf(steps));
}

/** A value of another JSON type than `value`. */
function otherType(value: Json): Json {
  if (typeof value === 'string') return 42;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return { 0: value[0] ?? null };
  return value === null ? 0 : [value];
}

/** Longer than any string limit of the schema (S3 keys' 1024 bytes, tests' 4096 characters). */
const OVERSIZED = 'x'.repeat(5000);
const CONTROL_CHARACTERS = ['\u0000', '\u0007', '\n', '\r', '\u001b', '\u007f'];

type Mutation = { readonly request: Json; readonly steps: Step[]; readonly what: string };

function mutated(request: Json, steps: Step[], change: (holder: any, key: Step) => void, what: string): Mutation {
  const copy = JSON.parse(JSON.stringify(request));
  const holder = steps.slice(0, -1).reduce((value, step) => value[step], copy);
  change(holder, steps[steps.length - 1]);
  return { request: copy, steps, what };
}

function valueAt(request: Json, steps: readonly Step[]): Json {
  return steps.reduce<any>((value, step) => value[step], request);
}

/** One mutation of `request` at a random place where it must be refused. */
function mutationOf(request: Json): fc.Arbitrary<Mutation> {
  const all = places(request);
  const strings = all.filter((steps) => typeof valueAt(request, steps) === 'string');
  const options: Array<fc.Arbitrary<Mutation>> = [
    fc.constantFrom(...all).map((steps) => mutated(request, steps, (holder, key) => { holder[key] = otherType(holder[key]); }, 'wrong type')),
    fc.constantFrom(...strings).map((steps) => mutated(request, steps, (holder, key) => { holder[key] = OVERSIZED; }, 'oversized string')),
  ];
  const required = all.filter(isRequired);
  if (required.length > 0) {
    options.push(fc.constantFrom(...required).map((steps) => mutated(request, steps, (holder, key) => { delete holder[key]; }, 'required key deleted')));
  }
  const checked = strings.filter((steps) => !isFreeText(steps));
  if (checked.length > 0) {
    options.push(fc.tuple(fc.constantFrom(...checked), fc.constantFrom(...CONTROL_CHARACTERS), fc.nat()).map(([steps, control, at]) =>
      mutated(request, steps, (holder, key) => {
        const text: string = holder[key];
        const cut = at % (text.length + 1);
        holder[key] = `${text.slice(0, cut)}${control}${text.slice(cut)}`;
      }, `control character ${JSON.stringify(control)}`)));
  }
  return fc.oneof(...options);
}

/** The path of each enclosing place, the place itself first: a problem may be reported at any of them. */
function acceptablePaths(steps: readonly Step[]): string[] {
  return steps.map((_, i) => pathOf(steps.slice(0, steps.length - i)));
}

test('a valid request broken at any one place is refused naming that place or what holds it, with no AWS call', async () => {
  const mutations = validPipelineRequest().chain((request) => mutationOf(request as unknown as Json));
  await fc.assert(fc.asyncProperty(mutations, async ({ request, steps, what }) => {
    cloudformation.reset();
    s3.reset();
    const result = await handleApiRequest(apiEvent('POST', '/pipelines', JSON.stringify(request)), deps);
    const paths: string[] = result.statusCode === 400 ? bodyOf(result).problems.map((p: { path: string }) => p.path) : [];
    const named = acceptablePaths(steps).some((path) => paths.includes(path));
    if (result.statusCode !== 400 || !named || cloudformation.calls().length + s3.calls().length > 0) {
      throw new Error(`${what} at ${pathOf(steps)}: ${result.statusCode} ${result.body}`);
    }
  }), { numRuns: 400 });
});
