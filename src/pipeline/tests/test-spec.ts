/**
 * What the construct tells the integration-test handler, as JSON: the
 * requests of one environment live in an SSM parameter (CodePipeline limits an
 * action's UserParameters to 1000 characters). Types only, so the handler
 * bundle carries no construct code.
 */

/** One expectation on a JSON path of the response body. */
export interface JsonPathSpec {
  readonly path: string;
  /** JSON text the value must equal. */
  readonly equals?: string;
  readonly min?: number;
  readonly max?: number;
}

/** One request and what its response must satisfy. */
export interface TestRequestSpec {
  readonly name: string;
  readonly body: string;
  readonly contentType: string;
  readonly accept?: string;
  readonly status: number;
  readonly bodyContains?: string[];
  readonly jsonPath?: JsonPathSpec[];
  readonly maxLatencyMs?: number;
}

/** The content of an environment's requests parameter. */
export interface TestSuiteSpec {
  readonly requests: TestRequestSpec[];
}

/** The action's UserParameters: small, with the stage's variables resolved by CodePipeline. */
export interface TestJobParameters {
  readonly environment: string;
  /** `#{Deploy-<env>.EndpointName}` */
  readonly endpointName: string;
  /** `#{Deploy-<env>.EndpointConfigName}`: the release under test. */
  readonly endpointConfigName: string;
  /** `#{Deploy-<env>.PreviousEndpointConfigName}`: `none` on a first release. */
  readonly previousConfig: string;
  /** Name of the SSM parameter holding the {@link TestSuiteSpec}. */
  readonly requestsParameter: string;
}

/** The value of `PreviousEndpointConfigName` when nothing served before the release. */
export const NO_PREVIOUS_CONFIG = 'none';
