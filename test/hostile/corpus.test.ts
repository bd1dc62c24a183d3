import { AT_LIMIT_CASES } from './at-limit-requests';
import { ARCHIVE_CASES, CONFIG_FILE_CASES } from './config-files';
import { PROPS_CASES } from './construct-props';
import { API_CASES } from './corpus';
import { HTTP_CASES } from './http-requests';

/** Issue #7 asks for at least 200 hand-written hostile inputs; each is run by the test file of its kind. */
const HOSTILE = [...API_CASES, ...HTTP_CASES, ...CONFIG_FILE_CASES, ...ARCHIVE_CASES, ...PROPS_CASES];

test('the corpus holds at least 200 hand-written hostile inputs', () => {
  expect(HOSTILE.length).toBeGreaterThanOrEqual(200);
});

test('no two cases share a name, so a failure points at one case', () => {
  const names = [...HOSTILE, ...AT_LIMIT_CASES].map((c) => c.name);
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  expect(repeated).toEqual([]);
});
