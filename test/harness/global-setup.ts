import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { REPORTS_DIR_VARIABLE } from './contract-report';
import { ensurePythonTools, MotoServer, startMotoServer } from './moto-server';
import { HANDLER_CALL_REPORTS_VARIABLE } from '../aws-contracts/handler-calls/run-report';

/** Where global-teardown.ts finds the server (globalSetup and globalTeardown share globalThis). */
export const MOTO_HANDLE = Symbol.for('cdk-mlops-framework.test-harness.moto');

/**
 * Fake credentials and a fixed region for the whole run, so no SDK call made by
 * a test can authenticate against, or be routed to, a real AWS account.
 */
export function isolateFromRealAws(): void {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    // No instance-metadata probing (slow timeouts off EC2, real credentials on it).
    AWS_EC2_METADATA_DISABLED: 'true',
    // A developer's ~/.aws files could otherwise add a region, endpoint_url or
    // credential_process to every client.
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  });
  // Handlers log JSON lines for CloudWatch; in a test run they would bury the
  // results. Set MLOPS_LOG_LEVEL=DEBUG to see them while debugging a test.
  process.env.MLOPS_LOG_LEVEL ??= 'SILENT';
  // The SDK skips environment credentials when a profile is named.
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_DEFAULT_PROFILE;
  // Tests that want moto set AWS_ENDPOINT_URL themselves; none is inherited,
  // so aws-sdk-client-mock tests never notice an endpoint.
  for (const name of Object.keys(process.env)) {
    if (name === 'AWS_ENDPOINT_URL' || name.startsWith('AWS_ENDPOINT_URL_')) delete process.env[name];
  }
}

/**
 * jest globalSetup: one moto server for the whole run. Its URL reaches every
 * test file as process.env.MOTO_ENDPOINT (jest starts its workers after
 * globalSetup, from this process's environment).
 */
export default async function globalSetup(): Promise<void> {
  isolateFromRealAws();
  ensurePythonTools();
  // Every moto server the run starts leaves its contract report here for
  // global-teardown.ts to add up.
  process.env[REPORTS_DIR_VARIABLE] = mkdtempSync(path.join(tmpdir(), 'mlops-contracts-'));
  // And every test file the handler calls it evaluated against their roles' policies.
  process.env[HANDLER_CALL_REPORTS_VARIABLE] = mkdtempSync(path.join(tmpdir(), 'mlops-handler-calls-'));
  const server = await startMotoServer();
  (globalThis as Record<symbol, MotoServer | undefined>)[MOTO_HANDLE] = server;
  process.env.MOTO_ENDPOINT = server.endpoint;
}
