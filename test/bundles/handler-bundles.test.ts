import { spawnSync } from 'child_process';
import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import { PROJECT_ROOT } from '../harness/moto-server';

/**
 * The Lambda code that ships is the esbuild bundle in assets/, not the
 * TypeScript the other tests import. These tests run each bundle in a fresh
 * Node process, as Lambda would, so a bundling change (such as building from
 * the SDK's ES module builds) cannot break the handlers unnoticed.
 */
const BUNDLES = ['cleanup', 'config-trigger', 'deploy', 'integration-test', 'provision', 'release-request', 'share', 'train', 'violations'].map((name) => ({
  name,
  file: join(PROJECT_ROOT, 'assets', 'runtime', 'handlers', `${name}.lambda`, 'index.js'),
}));

/** Runs a script in a fresh Node process with only the given AWS settings; returns its stdout. */
function runNode(script: string, env: Record<string, string> = {}): string {
  const result = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf-8',
    env: { PATH: process.env.PATH ?? '', MLOPS_LOG_LEVEL: 'SILENT', ...env },
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`node exited with ${result.status}: ${result.stderr}`);
  }
  return result.stdout.trim();
}

test('every handler entry point in src/runtime/handlers has its bundle checked here', () => {
  const entries = readdirSync(join(PROJECT_ROOT, 'src', 'runtime', 'handlers'))
    .filter((f) => f.endsWith('.lambda.ts'))
    .map((f) => f.slice(0, -'.lambda.ts'.length));
  expect(BUNDLES.map((b) => b.name)).toEqual(entries.sort());
});

describe.each(BUNDLES)('the $name handler bundle', ({ file }) => {
  test('exists and loads in a fresh Node process, exporting the handler', () => {
    expect(existsSync(file)).toBe(true);
    expect(runNode(`process.stdout.write(typeof require(${JSON.stringify(file)}).handler)`)).toBe('function');
  });
});

test('the bundled clean-up handler makes real SDK calls (SageMaker, Application Auto Scaling) against the emulator', () => {
  const cleanup = BUNDLES.find((b) => b.name === 'cleanup')!.file;
  const event = {
    RequestType: 'Delete',
    PhysicalResourceId: 'release-cleanup-bundle-test',
    LogicalResourceId: 'Cleanup',
    ResourceProperties: { Environments: [{ endpointName: 'bundle-test-dev', releasePrefix: 'bundle-test-dev', variantName: 'AllTraffic' }] },
    MlopsCleanupPhase: 'is-complete',
  };
  const out = runNode(
    `require(${JSON.stringify(cleanup)}).handler(${JSON.stringify(event)}).then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); })`,
    {
      AWS_ENDPOINT_URL: process.env.MOTO_ENDPOINT!,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bundle-test',
      AWS_SECRET_ACCESS_KEY: 'bundle-test',
    },
  );
  // Nothing of that environment exists: the calls succeed (or say "not found") and the clean-up is complete.
  expect(JSON.parse(out)).toEqual({ IsComplete: true });
});
