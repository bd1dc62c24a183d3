/**
 * Classifies AWS SDK v3 errors by what a handler should do next, so the
 * handlers never compare error strings inline.
 */

/** The name an SDK v3 error carries (`ThrottlingException`, `ValidationException`, ...). */
export function errorName(err: unknown): string {
  if (err && typeof err === 'object' && 'name' in err && typeof (err as { name: unknown }).name === 'string') {
    return (err as { name: string }).name;
  }
  return 'Error';
}

/** The message of any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    return err.message;
  }
  return String(err);
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'SlowDown',
]);

/**
 * True for errors that will likely pass on a later attempt: throttling,
 * service-side failures and network time-outs. The SDK has already retried
 * these with backoff; a handler hands them back to CodePipeline as "try again"
 * instead of failing the release.
 */
export function isTransient(err: unknown): boolean {
  const name = errorName(err);
  if (TRANSIENT_NAMES.has(name)) {
    return true;
  }
  const meta = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  const status = meta?.httpStatusCode;
  if (status !== undefined && (status === 429 || status >= 500)) {
    return true;
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'ECONNREFUSED';
}

/** SageMaker answers a create of an existing name with this ValidationException. */
export function isAlreadyExists(err: unknown): boolean {
  return errorName(err) === 'ValidationException' && /already exist/i.test(errorMessage(err));
}

/**
 * A create of a name that is taken, which SageMaker answers with
 * ResourceInUse or an "already exists" ValidationException depending on the
 * resource: for a deterministic name, the resource of an earlier attempt.
 */
export function isNameTaken(err: unknown): boolean {
  return errorName(err) === 'ResourceInUse' || isAlreadyExists(err);
}

/** SageMaker reports a missing resource as a ValidationException "Could not find ...". */
export function isNotFound(err: unknown): boolean {
  const name = errorName(err);
  if (['ResourceNotFound', 'NotFound', 'NoSuchKey', 'NoSuchBucket', 'ObjectNotFoundException', 'ParameterNotFound'].includes(name)) {
    return true;
  }
  return name === 'ValidationException' && /could not find|does not exist|not found/i.test(errorMessage(err));
}

/** The endpoint is mid-change: SageMaker refuses another change until it settles. */
export function isEndpointBusy(err: unknown): boolean {
  const name = errorName(err);
  return name === 'ResourceInUse' || (name === 'ValidationException' && /in-progress|in progress|ResourceInUse/i.test(errorMessage(err)));
}

/** What a lookup finds, or undefined when the thing does not exist ({@link isNotFound}); other errors are thrown. */
export async function unlessNotFound<T>(lookup: () => Promise<T>): Promise<T | undefined> {
  try {
    return await lookup();
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw err;
  }
}
