import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiTarget } from './api-target';
import { ApiErrorBody } from './api-types';
import { CliFailure } from './cli-errors';
import { CliCredentials } from './cli-io';

/** An answer of the API outside 2xx. */
export class ApiError extends Error {
  constructor(
    /** `GET https://.../pipelines/churn` */
    public readonly request: string,
    public readonly status: number,
    public readonly statusText: string,
    /** The parsed JSON body, or undefined when the body was not JSON. */
    public readonly body: ApiErrorBody | undefined,
    /** The raw body, shown when it was not JSON (a proxy's HTML page, say). */
    public readonly text: string,
  ) {
    super(body?.message ?? `${status} ${statusText}`);
    this.name = 'ApiError';
  }
}

/** The API could not be reached (refused, unknown host, no answer in time). */
export class ApiUnreachable extends CliFailure {
  constructor(message: string) {
    super(message);
    this.name = 'ApiUnreachable';
  }
}

export interface ApiClientOptions {
  readonly target: ApiTarget;
  readonly credentials: () => Promise<CliCredentials>;
  readonly fetch: typeof fetch;
  /** @default 30 seconds */
  readonly timeoutMs?: number;
}

/** Answers slower than this are a network problem, not a busy API: the handler itself answers within API Gateway's 29 s. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Requests to the provisioning API, each signed with SigV4 for `execute-api`
 * (the API uses IAM authorization) in the API's region.
 */
export class ApiClient {
  private readonly signer: SignatureV4;

  constructor(private readonly options: ApiClientOptions) {
    this.signer = new SignatureV4({
      service: 'execute-api',
      region: options.target.region,
      credentials: options.credentials,
      sha256: Sha256,
    });
  }

  /** The full URL of a path under the API's stage (`/pipelines`). */
  public urlOf(path: string): string {
    return `${this.options.target.baseUrl}${path}`;
  }

  /**
   * Sends one signed request; resolves with the parsed JSON body of a 2xx
   * answer, rejects with an `ApiError` for any other status and a
   * `CliFailure` when the API cannot be reached.
   */
  public async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const url = new URL(this.urlOf(path));
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { host: url.host, accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const signed = await this.signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      // Already percent-encoded by URL; the signer encodes each segment once more, as execute-api expects.
      path: url.pathname,
      query: {},
      headers,
      body: payload,
    });
    // fetch sets Host itself, from the same URL; the signature covers the value above.
    const { host: _host, ...sendHeaders } = signed.headers;
    const described = `${method} ${url.href}`;
    let response: Response;
    try {
      response = await this.options.fetch(url.href, {
        method,
        headers: sendHeaders,
        body: payload,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiUnreachable(`cannot reach the API (${described}): ${networkReason(error)}`);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      throw new ApiError(described, response.status, response.statusText, isObject(parsed) ? parsed as ApiErrorBody : undefined, text);
    }
    if (!isObject(parsed)) {
      throw new CliFailure(`unexpected answer to ${described} (${response.status}, not a JSON object): ${clip(text)}`);
    }
    return parsed as T;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a timeout) is in its cause. */
function networkReason(error: unknown): string {
  const err = error as Error & { cause?: Error & { code?: string } };
  if (err.name === 'TimeoutError') return 'no answer within the time limit';
  const cause = err.cause;
  if (cause) return cause.code && !cause.message.includes(cause.code) ? `${cause.code} ${cause.message}` : cause.message;
  return err.message;
}

/** Shortens a non-JSON body for an error message. */
export function clip(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}
