import { rmSync } from 'fs';
import { combine, contractLine, contractNotes, contractProblems, recordedReports, REPORTS_DIR_VARIABLE } from './contract-report';
import { MOTO_HANDLE } from './global-setup';
import { MotoServer } from './moto-server';
import { combineHandlerCallReports, HANDLER_CALL_REPORTS_VARIABLE, handlerCallLines } from '../aws-contracts/handler-calls/run-report';

/**
 * jest globalTeardown: stops the moto server started by global-setup.ts,
 * printing what it checked against botocore's models (and failing the run on
 * any contract violation), then the same for every server of the run, and
 * what the handlers' calls needed of IAM (calls and authorizations per
 * handler, grants no call used).
 */
export default async function globalTeardown(): Promise<void> {
  const handles = globalThis as Record<symbol, MotoServer | undefined>;
  const server = handles[MOTO_HANDLE];
  handles[MOTO_HANDLE] = undefined;
  let failure: unknown;
  try {
    await server?.stop({ label: 'shared server' });
  } catch (err) {
    failure = err;
  }
  const dir = process.env[REPORTS_DIR_VARIABLE];
  if (dir) {
    const run = combine(recordedReports(dir));
    rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`moto (${run.label}): ${contractLine(run.report, run.expectedViolations)}\n`);
    for (const note of contractNotes(run.report)) process.stderr.write(`moto (${run.label}): ${note}\n`);
    const problems = contractProblems(run);
    failure ??= problems ? new Error(problems) : undefined;
  }
  const calls = process.env[HANDLER_CALL_REPORTS_VARIABLE];
  if (calls) {
    const run = combineHandlerCallReports(calls);
    rmSync(calls, { recursive: true, force: true });
    // Each refused call already failed the test that made it; this is the run's account of them.
    for (const line of handlerCallLines(run)) process.stderr.write(`${line}\n`);
  }
  if (failure) {
    throw failure;
  }
}
