import { ChildProcess, spawn, spawnSync } from 'child_process';
import { existsSync } from 'fs';
import * as path from 'path';
import { createInterface } from 'readline';
import { contractLine, contractNotes, contractProblems, fetchContractReport, recordForRun, ServerContractReport } from './contract-report';

/** Project root: this file lives in test/harness/. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const VENV_BIN = path.join(PROJECT_ROOT, '.venv', 'bin');
const LAUNCHER = path.join(PROJECT_ROOT, 'test', 'harness', 'moto_launcher.py');

const PORT_LINE_TIMEOUT_MS = 30_000;
const READY_ATTEMPTS = 50;
const READY_INTERVAL_MS = 100;
const STOP_TIMEOUT_MS = 5_000;
const STDERR_KEPT_CHARS = 16_000;

export interface MotoServer {
  /** `http://127.0.0.1:PORT`: pass as `endpoint` to SDK clients or as AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  /**
   * Stops the server after printing what it checked against botocore's models;
   * rejects if any request broke a service's contract (beyond those expected).
   */
  stop(options?: StopOptions): Promise<void>;
}

export interface StopOptions {
  /**
   * Requests that break a service's contract on purpose (tests of the checker
   * itself); any other number of violations fails the stop.
   * @default 0
   */
  readonly expectedContractViolations?: number;
  /**
   * Names the server in the printed line.
   * @default the jest test file, else the endpoint
   */
  readonly label?: string;
}

/** Path of an executable in the project's .venv (created by test/harness/python-tools.sh). */
export function venvBin(name: string): string {
  const bin = path.join(VENV_BIN, name);
  if (!existsSync(bin)) {
    throw new Error(
      `${bin} is missing: the Python test tools are not installed. ` +
      'Run `bash test/harness/python-tools.sh` (or `npx projen python-tools`) from the project root.',
    );
  }
  return bin;
}

/**
 * Creates or refreshes .venv (a fast no-op when it matches requirements.txt),
 * so `npx jest` works on a fresh clone without running the projen task first.
 */
export function ensurePythonTools(): void {
  const result = spawnSync('bash', [path.join(PROJECT_ROOT, 'test', 'harness', 'python-tools.sh')], {
    cwd: PROJECT_ROOT,
    encoding: 'utf-8',
  });
  if (result.status !== 0) {
    throw new Error(`test/harness/python-tools.sh failed (exit ${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`);
  }
}

/**
 * Starts moto_launcher.py (moto server with realistic SageMaker endpoints and the
 * /_mlops control API) on a free loopback port and resolves once it answers.
 */
export async function startMotoServer(): Promise<MotoServer> {
  const python = venvBin('python');
  // stdin stays open as a lifeline: the launcher exits when it closes, so a
  // crashed or killed test run never leaves a server behind.
  const child = spawn(python, [LAUNCHER, '0', '--exit-on-stdin-eof'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  let stderr = '';
  // Always drain stderr: a full pipe would block the server.
  child.stderr!.setEncoding('utf-8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEPT_CHARS);
  });
  const describeFailure = (what: string) =>
    new Error(`moto server ${what}.\nlauncher: ${python} ${LAUNCHER}\nstderr:\n${stderr || '(empty)'}`);

  let port: number;
  try {
    port = await readPort(child, describeFailure);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const endpoint = `http://127.0.0.1:${port}`;

  try {
    await waitUntilReady(endpoint, child, describeFailure);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }

  // The server must not keep a finished node process (demo script, jest) alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();

  return {
    endpoint,
    stop: (options) => stopAndReport(endpoint, child, options ?? {}),
  };
}

/**
 * Reads the server's contract report before stopping it, prints it, leaves it
 * for the run's summary, and fails on any unexpected violation: a violation
 * made where no jest test watched (a child process, a bundled handler) is
 * still noticed here.
 */
async function stopAndReport(endpoint: string, child: ChildProcess, options: StopOptions): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  let server: ServerContractReport;
  try {
    server = {
      label: options.label ?? jestTestFile() ?? endpoint,
      report: await fetchContractReport(endpoint),
      expectedViolations: options.expectedContractViolations ?? 0,
    };
  } finally {
    await stopChild(child);
  }
  process.stderr.write(`moto (${server.label}): ${contractLine(server.report, server.expectedViolations)}\n`);
  // In a jest run the notes come once, in the run's summary (global-teardown.ts).
  if (!recordForRun(server)) {
    for (const note of contractNotes(server.report)) process.stderr.write(`moto (${server.label}): ${note}\n`);
  }
  const problems = contractProblems(server);
  if (problems) {
    throw new Error(problems);
  }
}

function jestTestFile(): string | undefined {
  const state = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.();
  return state?.testPath ? path.relative(PROJECT_ROOT, state.testPath) : undefined;
}

function readPort(child: ChildProcess, fail: (what: string) => Error): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      done();
      reject(fail(`did not print MOTO_PORT=<port> within ${PORT_LINE_TIMEOUT_MS / 1000}s`));
    }, PORT_LINE_TIMEOUT_MS);
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(fail(`exited before it was ready (code ${code}, signal ${signal})`));
    };
    const onError = (err: Error) => {
      done();
      reject(fail(`could not be started: ${err.message}`));
    };
    const done = () => {
      clearTimeout(timer);
      child.off('close', onExit);
      child.off('error', onError);
      lines.removeAllListeners('line');
    };
    lines.on('line', (line) => {
      const match = /^MOTO_PORT=(\d+)$/.exec(line.trim());
      if (match) {
        done();
        // Keep reading stdout so the pipe never fills, but ignore it.
        child.stdout!.resume();
        resolve(Number(match[1]));
      }
    });
    // 'close' rather than 'exit': it comes after stderr is drained, so the error shows all of it.
    child.once('close', onExit);
    child.once('error', onError);
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, fail: (what: string) => Error): Promise<void> {
  let lastError = '';
  for (let attempt = 0; attempt < READY_ATTEMPTS; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw fail(`exited before it was ready (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      // The control route proves it is our launcher answering, not another server.
      const response = await fetch(`${endpoint}/_mlops/settings`);
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, READY_INTERVAL_MS));
  }
  throw fail(`did not answer on ${endpoint} after ${READY_ATTEMPTS} attempts (last: ${lastError})`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// --- control API client ------------------------------------------------------

function assertLoopback(endpoint: string): URL {
  const url = new URL(endpoint);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`refusing to call the moto control API on a non-loopback host: ${endpoint}`);
  }
  return url;
}

async function control(endpoint: string, route: string, body?: unknown): Promise<unknown> {
  const url = new URL(route, assertLoopback(endpoint));
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`moto control API ${route} answered ${response.status}: ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

/**
 * Clears every moto backend and the launcher's extra state (injected
 * failures, describesUntilReady back to 1). It affects every test file sharing
 * the server: tests that need it should start their own with startMotoServer().
 */
export async function resetMoto(endpoint: string): Promise<void> {
  await control(endpoint, '/moto-api/reset');
}

/**
 * The next CreateEndpoint or UpdateEndpoint of `endpointName` fails with
 * `reason`: a create ends `Failed`; an update rolls back to `InService` on the
 * previous config, with FailureReason set.
 */
export async function failNextEndpointChange(endpoint: string, endpointName: string, reason: string): Promise<void> {
  await control(endpoint, `/_mlops/endpoints/${encodeURIComponent(endpointName)}/fail-next`, { reason });
}

/**
 * How many DescribeEndpoint calls report Creating/Updating before the change
 * completes (0 = at once). Server-wide, for endpoints created or updated from
 * now on: change it only on a server of your own.
 */
export async function setDescribesUntilReady(endpoint: string, describes: number): Promise<void> {
  await control(endpoint, '/_mlops/settings', { describesUntilReady: describes });
}

/**
 * S3 client settings for moto. The SDK v3 has no environment variable for
 * path-style addressing (AWS_S3_FORCE_PATH_STYLE is not read; only the
 * `forcePathStyle` client option is), but its S3 endpoint rules already fall
 * back to path-style when the endpoint host is an IP address, which is why
 * MOTO_ENDPOINT is `http://127.0.0.1:PORT`: a handler's plain `new S3Client({})`
 * with AWS_ENDPOINT_URL=MOTO_ENDPOINT works unchanged. With a host name such as
 * `localhost` the SDK would address `bucket.localhost`, which does not resolve;
 * spreading this into the client config makes addressing explicit either way.
 */
export function motoS3ClientConfig(endpoint: string): { endpoint: string; forcePathStyle: true; region: string } {
  return { endpoint, forcePathStyle: true, region: process.env.AWS_REGION ?? 'us-east-1' };
}
