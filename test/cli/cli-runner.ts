import { join } from 'path';
import { CliIo } from '../../src/cli/cli-io';
import { runCli } from '../../src/cli/mlops';

export const FIXTURES = join(__dirname, 'fixtures');

/** The keys every test signs with: fake, and only ever sent to 127.0.0.1. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDCLITEST', secretAccessKey: 'cli-test-secret', sessionToken: 'cli-test-token' };

export const TEST_ENV = {
  AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken,
};

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Each sleep the command asked for, in ms. */
  readonly sleeps: number[];
}

/**
 * Runs `mlops <args>` in-process with the test credentials in its env (and
 * nothing else unless given), a clock that only moves when the command sleeps.
 */
export async function mlops(args: string[], options: { env?: Record<string, string | undefined>; fetch?: typeof fetch } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let clock = Date.UTC(2026, 10, 29, 10);
  const sleeps: number[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => { stdout += text; } },
    stderr: { write: (text: string) => { stderr += text; } },
    env: { ...TEST_ENV, ...options.env },
    fetch: options.fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr, sleeps };
}
