/**
 * The shapes of the bad-input corpus (issue #7): each case is hand-written,
 * named for what it does, and names the one problem path the answer must
 * hold. Table-driven tests run every array of cases.
 */

/** A JSON body for one of the API's POST routes, refused with a 400 naming `path`. */
export interface HostileCase {
  readonly name: string;
  readonly route: '/pipelines' | '/provisionpipeline' | '/pipelinestatus';
  readonly body: unknown;
  readonly path: string;
}

/** An HTTP request as API Gateway hands it over: any method, path, raw body and headers. */
export interface HostileHttpCase {
  readonly name: string;
  readonly method: string;
  readonly route: string;
  /** The raw body, exactly as sent (undefined: none). */
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly isBase64Encoded?: boolean;
  /** The 4xx status the API must answer with. */
  readonly status: number;
  readonly path: string;
}

/** A request with a value exactly at a limit: no problem may be reported at `path`. */
export interface AtLimitCase {
  readonly name: string;
  readonly route: '/pipelines' | '/provisionpipeline';
  readonly body: unknown;
  readonly path: string;
}

/** The base request (a copy) with `changes` applied by a function, for changes a spread cannot express. */
export function changed<T>(base: T, change: (copy: any) => void): T {
  const copy = JSON.parse(JSON.stringify(base));
  change(copy);
  return copy;
}
