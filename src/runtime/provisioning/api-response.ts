import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Problem } from './request-schema';

/** Every answer is JSON; clients and proxies must not cache a pipeline's state. */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** A rejected request: a summary and every problem found, each with where and what. */
export function problemResponse(statusCode: number, message: string, problems: Problem[], headers?: Record<string, string>): APIGatewayProxyResult {
  return jsonResponse(statusCode, { message, problems }, headers);
}
