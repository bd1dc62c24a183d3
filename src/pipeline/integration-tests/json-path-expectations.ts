import type { JsonPathExpectation } from './integration-tests';
import type { JsonPathSpec } from '../../contract/test-settings';

/**
 * A JSON path expectation (of a test request or of a batch environment's
 * output lines) as the handlers read it. The pipeline schema's test fields
 * check it first (`IntegrationTests.requests()`, a batch environment's check).
 */
export function toJsonPathSpec(expectation: JsonPathExpectation): JsonPathSpec {
  return { path: expectation.path, equals: expectation.equalsJson, min: expectation.min, max: expectation.max };
}
