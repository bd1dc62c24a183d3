import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';

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

/** An SDK error, as the classification reads it. */
type SdkError = Parameters<typeof isTransientError>[0];

/**
 * True for errors that will likely pass on a later attempt: throttling,
 * service-side failures and network time-outs, as the SDK's own retry
 * strategy classifies them (throttling names and HTTP 429, the time-out
 * names, 5xx answers, Node.js connection errors, errors modelled retryable,
 * and a transient cause). The SDK has already retried these with backoff; a
 * handler hands them back to CodePipeline as "try again" instead of failing
 * the release.
 *
 * What the classification does not cover, kept here: a thrown value that is
 * not an object (the library reads its fields unguarded), and
 * `LimitExceededException` outside HTTP 429, which the library takes for
 * throttling by name but CloudFormation answers for a quota reached (no stack
 * can be created until one is deleted: waiting does not help).
 */
export function isTransient(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) {
    return false;
  }
  const error = err as SdkError;
  if (error.name === 'LimitExceededException' && error.$metadata?.httpStatusCode !== 429) {
    return false;
  }
  return isThrottlingError(error) || isTransientError(error) || isServerError(error);
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
