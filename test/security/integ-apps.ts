import { readFileSync } from 'fs';
import { App } from 'aws-cdk-lib';

/**
 * The feature flags integ-runner synthesizes every integ app with (its own
 * recommended flags), so the stacks built here are the ones in the snapshots.
 */
const INTEG_RUNNER_CONTEXT = readFileSync(require.resolve('@aws-cdk/integ-runner/lib/recommended-feature-flags.json'), 'utf-8');

/**
 * Loads integ/integ.<test>.ts, which builds its App at module level without
 * exporting it, and returns that App: `created` is the list the test file's
 * recording App class (see product-compliance.test.ts) appends every new App to.
 */
export function loadIntegApp(test: string, created: readonly App[]): App {
  const before = created.length;
  const previous = process.env.CDK_CONTEXT_JSON;
  process.env.CDK_CONTEXT_JSON = INTEG_RUNNER_CONTEXT;
  try {
    // Loaded for its side effect, through jest's registry so that its aws-cdk-lib is the recording one.
    jest.requireActual(`../../integ/integ.${test}`);
  } finally {
    if (previous === undefined) delete process.env.CDK_CONTEXT_JSON;
    else process.env.CDK_CONTEXT_JSON = previous;
  }
  if (created.length !== before + 1) {
    throw new Error(`integ/integ.${test}.ts made ${created.length - before} apps; expected exactly one`);
  }
  return created[created.length - 1];
}
