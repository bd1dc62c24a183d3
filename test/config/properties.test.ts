/** Properties of the validator over generated input (at least 1000 runs each, as the design asks). */
import * as fc from 'fast-check';
import { arbitraryJson, mutatedPipelineRequest, validConfigFile, validPipelineRequest } from './request-arbitraries';
import { parseJsonDocument, validateConfigFile, validatePipelineRequest } from '../../src/config/validate';

const RUNS = { numRuns: 1000 };

test('any JSON value is either rejected with problems or accepted as a request that validates again unchanged', () => {
  fc.assert(fc.property(arbitraryJson(), (input) => {
    const result = validatePipelineRequest(input);
    if (!result.ok) {
      expect(result.problems.length).toBeGreaterThan(0);
      for (const problem of result.problems) {
        expect(typeof problem.path).toBe('string');
        expect(problem.message.length).toBeGreaterThan(0);
      }
      return;
    }
    expect(validatePipelineRequest(result.value)).toEqual({ ok: true, value: result.value });
  }), RUNS);
});

test('any JSON value never makes the config file validator throw', () => {
  fc.assert(fc.property(arbitraryJson(), (input) => {
    expect(() => validateConfigFile(input)).not.toThrow();
    expect(() => validateConfigFile({ version: 1, pipelines: [input] })).not.toThrow();
  }), RUNS);
});

test('any text either parses as JSON or is reported at the document', () => {
  fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.json()), (text) => {
    const result = parseJsonDocument(text);
    if (!result.ok) {
      expect(result.problems.map((p) => p.path)).toEqual(['']);
    }
  }), RUNS);
});

test('valid requests include batch environments and monitoring, so every property above and the schema agreement cover them', () => {
  const sample = fc.sample(validPipelineRequest(), { numRuns: 300, seed: 6 });
  const environments = sample.flatMap((r) => r.environments);
  expect(environments.filter((e) => e.batch).length).toBeGreaterThan(10);
  expect(environments.filter((e) => e.batch?.check && e.batch.maxConcurrentTransforms).length).toBeGreaterThan(0);
  expect(environments.filter((e) => e.monitoring).length).toBeGreaterThan(10);
  expect(sample.some((r) => r.environments.length > 1 && r.environments[r.environments.length - 1].batch)).toBe(true);
});

test('every valid request is accepted and round-trips unchanged, as a fresh plain object', () => {
  fc.assert(fc.property(validPipelineRequest(), (request) => {
    const result = validatePipelineRequest(request);
    expect(result).toEqual({ ok: true, value: request });
    if (result.ok) {
      expect(result.value).not.toBe(request);
      expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    }
  }), RUNS);
});

test('every valid request survives a JSON text round trip through parseJsonDocument', () => {
  fc.assert(fc.property(validPipelineRequest(), (request) => {
    const parsed = parseJsonDocument(JSON.stringify(request, null, 2));
    expect(parsed.ok && validatePipelineRequest(parsed.value)).toEqual({ ok: true, value: request });
  }), RUNS);
});

test('every valid config file is accepted unchanged', () => {
  fc.assert(fc.property(validConfigFile(), (file) => {
    expect(validateConfigFile(file)).toEqual({ ok: true, value: file });
  }), { numRuns: 200 });
});

test('every mutation is rejected with a problem at its path', () => {
  fc.assert(fc.property(mutatedPipelineRequest(), ({ request, path }) => {
    const result = validatePipelineRequest(request);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((p) => p.path)).toContain(path);
    }
  }), RUNS);
});

test('a mutated request inside a config file is reported under its pipelines[i] prefix', () => {
  fc.assert(fc.property(mutatedPipelineRequest(), ({ request, path }) => {
    const result = validateConfigFile({ version: 1, pipelines: [request] });
    const expected = path === '' ? 'pipelines[0]' : `pipelines[0].${path}`;
    expect(!result.ok && result.problems.map((p) => p.path)).toContain(expected);
  }), RUNS);
});
