/**
 * What the construct tells the integration-test handler, as JSON: the
 * action's small UserParameters (CodePipeline limits them to 1000
 * characters), and for request tests the requests of one environment in an
 * SSM parameter. Types only, so the handler bundle carries no construct code.
 */
import type { EnvironmentAccessSpec } from './access-settings';
import type { EnvironmentDeploySpec } from './deploy-settings';


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

/** A CodeBuild test suite: the project the handler starts for each test job. */
export interface TestBuildSpec {
  readonly projectName: string;
  /**
   * `#{TestSuite-<env>.VersionId}`: the version of the suite's zip that the
   * execution's Source stage saw, so every environment of a release runs the
   * same suite. Unset when the build spec carries the commands inline.
   */
  readonly sourceVersion?: string;
}

/**
 * How an autoscaled environment's variant scales. A rollback takes the
 * variant out of scaling for the update (SageMaker refuses instance-type
 * changes of a scaled variant) and puts it back with these settings.
 */
export interface TestScalingSpec {
  readonly variantName: string;
  readonly autoScaling: NonNullable<EnvironmentDeploySpec['autoScaling']>;
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
  /** Request tests: the name of the SSM parameter holding the {@link TestSuiteSpec}. Set this or `build`. */
  readonly requestsParameter?: string;
  /** CodeBuild tests. Set this or `requestsParameter`. */
  readonly build?: TestBuildSpec;
  /** Set when the environment's variant autoscales. */
  readonly scaling?: TestScalingSpec;
  /** Set when the endpoint is in another account or region: the handler assumes this role there. */
  readonly access?: EnvironmentAccessSpec;
}

/** The value of `PreviousEndpointConfigName` when nothing served before the release. */
export const NO_PREVIOUS_CONFIG = 'none';

/** A test request's content type when it names none. */
export const DEFAULT_TEST_CONTENT_TYPE = 'application/json';
/** The status a test request expects when it names none. */
export const DEFAULT_TEST_STATUS = 200;
/** The name of the test request at `index` when it has none: `#1`, `#2`, ... */
export function defaultTestName(index: number): string {
  return `#${index + 1}`;
}
