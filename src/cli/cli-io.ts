/** The AWS keys a request is signed with. */
export interface CliCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where the command writes: `process.stdout`/`process.stderr`, or a test's buffer. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * Everything the command touches outside its own code, so that tests run it
 * in-process against a local server with fake time and fake credentials.
 */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** The environment: `MLOPS_API_URL`, `AWS_REGION`, credentials... */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default the global fetch */
  readonly fetch?: typeof fetch;
  /** @default the environment's keys, else the AWS SDK's default chain (profile, SSO, IMDS...) */
  readonly credentials?: () => Promise<CliCredentials>;
  /** @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}
