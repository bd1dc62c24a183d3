import type { APIGatewayProxyResult } from 'aws-lambda';
import { errorName, isTransient } from '../aws-errors';
import { jsonResponse } from './api-response';

/** Seconds a client should wait after a 503: the SDK has already retried with backoff by then. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The answer to an error no route handled: AWS throttling or a service-side
 * failure is a 503 the client may retry; anything else is a 500 carrying the
 * request ID to quote, the details being in the log only (never a stack
 * trace or an AWS message in the answer: they name roles and accounts).
 */
export function faultResponse(err: unknown, requestId: string): APIGatewayProxyResult {
  if (isTransient(err)) {
    return jsonResponse(503, {
      message: `AWS is busy or unavailable (${errorName(err)}); sending the same request again in ${RETRY_AFTER_SECONDS} seconds is safe`,
      requestId,
    }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
  }
  return jsonResponse(500, {
    message: `The provisioning API failed unexpectedly; quote request ID ${requestId} to the platform team`,
    requestId,
  });
}
