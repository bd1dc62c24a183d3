import { readFileSync, readdirSync } from 'fs';
import * as path from 'path';
import { validateConfigFile, validatePipelineRequest } from '../src/config/validate';

/**
 * The JSON examples the README marks with `<!-- validated: request -->` or
 * `<!-- validated: config -->` must pass the schema they illustrate.
 */
const README = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
const EXAMPLE = /<!-- validated: (request|config) -->\n```json\n([\s\S]*?)\n```/g;
const examples = [...README.matchAll(EXAMPLE)].map((m, i) => ({ index: i + 1, kind: m[1], json: m[2] }));

test('the README has a validated request and a validated config file', () => {
  expect(examples.map((e) => e.kind).sort()).toEqual(['config', 'request']);
});

test.each(examples)('README example $index ($kind) is valid', ({ kind, json }) => {
  const value = JSON.parse(json);
  const result = kind === 'request' ? validatePipelineRequest(value) : validateConfigFile(value);
  expect(result.ok ? [] : result.problems).toEqual([]);
});

test.each(readdirSync(path.join(__dirname, '..', 'examples', 'requests')))('the example config file examples/requests/%s is valid', (file) => {
  const result = validateConfigFile(JSON.parse(readFileSync(path.join(__dirname, '..', 'examples', 'requests', file), 'utf-8')));
  expect(result.ok ? [] : result.problems).toEqual([]);
});
