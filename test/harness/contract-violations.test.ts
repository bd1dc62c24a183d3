import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { PROJECT_ROOT } from './moto-server';

/**
 * End to end through jest itself: setup-after-env.ts makes a test fail when
 * it made a call the moto launcher refused for breaking the service's
 * contract, even if the code under test caught the error.
 */
const CHILD_TIMEOUT_MS = 120_000;

interface JestResults {
  readonly testResults: ReadonlyArray<{
    readonly assertionResults: ReadonlyArray<{ readonly title: string; readonly status: string; readonly failureMessages: readonly string[] }>;
  }>;
}

test('a test whose handler swallowed a refused call fails, naming the call and its violation; the next test passes', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'contract-fixture-'));
  try {
    const results = path.join(out, 'results.json');
    const run = spawnSync(process.execPath, [
      path.join(PROJECT_ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--ci', '--coverage=false', '--reporters=default',
      '--testMatch', '<rootDir>/test/harness/contract-violation.fixture.ts',
      '--json', `--outputFile=${results}`,
    ], { cwd: PROJECT_ROOT, encoding: 'utf-8', timeout: CHILD_TIMEOUT_MS });
    expect(run.status).toBe(1);
    const [file] = (JSON.parse(readFileSync(results, 'utf-8')) as JestResults).testResults;
    expect(file.assertionResults.map((r) => [r.title, r.status])).toEqual([
      ['handler code that catches the refusal of a request AWS would refuse', 'failed'],
      ['a test after it that sends nothing wrong', 'passed'],
    ]);
    const failure = file.assertionResults[0].failureMessages.join('\n');
    expect(failure).toContain('AWS would refuse a request this test made');
    expect(failure).toContain("- SageMaker.CreateEndpoint: SageMaker.CreateEndpoint: Value 'churn_dev' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern");
    expect(failure).toMatch(/called from .*contract-violation\.fixture\.ts/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, CHILD_TIMEOUT_MS + 10_000);
