import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';

/**
 * One structured JSON logger per handler. Handlers log identifiers, statuses
 * and reasons only: never credentials, request bodies or payloads.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.MLOPS_LOG_LEVEL ?? 'INFO') as LogLevel });
}
