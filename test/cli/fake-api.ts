import { createServer, IncomingHttpHeaders, Server } from 'http';
import { AddressInfo } from 'net';

/** One request the fake API received, as it arrived. */
export interface ReceivedRequest {
  readonly method: string;
  /** The path as sent, stage included (`/prod/pipelines/churn`). */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface FakeAnswer {
  readonly status: number;
  /** Sent as JSON, unless `raw` is given. */
  readonly body?: unknown;
  readonly raw?: string;
}

/** The stage the fake API is deployed at, as API Gateway URLs carry one. */
export const STAGE = '/prod';

/**
 * A local stand-in for the provisioning API that follows its contract:
 * POST /pipelines answers 202 (CREATE_IN_PROGRESS, then UPDATE_IN_PROGRESS for
 * a known name), GET /pipelines lists the known ones, GET /pipelines/{name}
 * answers the next scripted status (the last one repeats) or 404, DELETE
 * answers 202 or 404. `answer` overrides any route, for error cases.
 * Only on 127.0.0.1.
 */
export class FakeApi {
  public static async start(): Promise<FakeApi> {
    const api = new FakeApi();
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  public readonly requests: ReceivedRequest[] = [];
  /** Scripted answers to `GET /pipelines/{name}`, consumed one per request. */
  public readonly statuses = new Map<string, unknown[]>();
  /** Names POST has accepted, with the status of the last 202. */
  public readonly known = new Map<string, string>();
  /** Takes precedence over the routes when it returns an answer. */
  public answer?: (request: ReceivedRequest) => FakeAnswer | undefined;
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf-8') };
        this.requests.push(request);
        const answer = this.answer?.(request) ?? this.route(request);
        res.writeHead(answer.status, { 'content-type': answer.raw === undefined ? 'application/json' : 'text/html' });
        res.end(answer.raw ?? JSON.stringify(answer.body));
      });
    });
  }

  /** The API's URL, as `--api` takes it. */
  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${STAGE}`;
  }

  /** Scripts the answers to `GET /pipelines/{name}`. */
  public script(name: string, ...statuses: unknown[]): void {
    this.statuses.set(name, statuses);
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(request: ReceivedRequest): FakeAnswer {
    if (!request.path.startsWith(`${STAGE}/`)) return { status: 403, body: { message: 'Missing Authentication Token' } };
    const path = request.path.slice(STAGE.length);
    const named = /^\/pipelines\/([^/]+)$/.exec(path);
    const name = named ? decodeURIComponent(named[1]) : undefined;
    if (request.method === 'POST' && path === '/pipelines') {
      const body = JSON.parse(request.body) as { name: string };
      const status = this.known.has(body.name) ? 'UPDATE_IN_PROGRESS' : 'CREATE_IN_PROGRESS';
      this.known.set(body.name, status);
      return { status: 202, body: { name: body.name, stackId: stackId(body.name), status, links: { self: `/pipelines/${body.name}` } } };
    }
    if (request.method === 'GET' && path === '/pipelines') {
      return {
        status: 200,
        body: { pipelines: [...this.known.keys()].map((n) => ({ name: n, stackName: `mlops-pipeline-${n}`, stackStatus: 'CREATE_COMPLETE', updatedAt: '2026-11-29T10:00:00Z' })) },
      };
    }
    if (name !== undefined && request.method === 'GET') {
      const script = this.statuses.get(name);
      if (script && script.length > 0) {
        const next = script.length > 1 ? script.shift() : script[0];
        return isAnswer(next) ? next : { status: 200, body: next };
      }
      return { status: 404, body: { message: `No pipeline named '${name}'` } };
    }
    if (name !== undefined && request.method === 'DELETE') {
      if (!this.known.has(name) && !this.statuses.has(name)) return { status: 404, body: { message: `No pipeline named '${name}'` } };
      return { status: 202, body: { name, stackId: stackId(name), status: 'DELETE_IN_PROGRESS' } };
    }
    return { status: 403, body: { message: 'Missing Authentication Token' } };
  }
}

export function stackId(name: string): string {
  return `arn:aws:cloudformation:eu-west-1:111111111111:stack/mlops-pipeline-${name}/0b1c2d3e`;
}

/** A scripted status entry that is an HTTP answer (an error while polling) rather than a 200 body. */
export function httpAnswer(status: number, body: unknown): FakeAnswer & { readonly fakeAnswer: true } {
  return { status, body, fakeAnswer: true };
}

function isAnswer(value: unknown): value is FakeAnswer {
  return typeof value === 'object' && value !== null && (value as { fakeAnswer?: boolean }).fakeAnswer === true;
}

/** A `GET /pipelines/{name}` body, in the contract's shape. */
export function pipelineStatus(name: string, options: {
  stackStatus: string;
  stackStatusReason?: string;
  execution?: { id: string; status: string } | null;
  stages?: Array<[string, string | undefined, string?]>;
  environments?: Array<{ name: string; endpointStatus: string | null; inferenceUrl: string | null } | { name: string; batchOutput: string }>;
}): Record<string, unknown> {
  return {
    name,
    stackName: `mlops-pipeline-${name}`,
    stackId: stackId(name),
    stackStatus: options.stackStatus,
    ...(options.stackStatusReason ? { stackStatusReason: options.stackStatusReason } : {}),
    pipeline: options.execution === undefined && options.stages === undefined ? null : {
      name: `mlops-${name}`,
      latestExecution: options.execution ?? null,
      stages: (options.stages ?? []).map(([stage, status, message]) => ({
        name: stage,
        ...(status ? { status, updatedAt: '2026-11-29T10:00:00Z' } : {}),
        ...(message ? { message } : {}),
      })),
    },
    environments: (options.environments ?? []).map((e) => ('batchOutput' in e
      ? { name: e.name, kind: 'batch', outputUri: e.batchOutput }
      : { name: e.name, kind: 'endpoint', endpointName: `${name}-${e.name}`, endpointStatus: e.endpointStatus, inferenceUrl: e.inferenceUrl })),
    links: { self: `/pipelines/${name}` },
  };
}
