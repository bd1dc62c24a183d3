/**
 * The request that provisions one pipeline through the MlopsFramework's API
 * (`POST /pipelines`), and the config file (`mlops-config.json`) that lists
 * such requests for the Git/file trigger. Types only: `validate.ts` checks an
 * unknown value against them (rules in `*-rules.ts`, numbers in `limits.ts`),
 * `json-schema.ts` publishes the same rules as a JSON Schema. Plain TypeScript, no aws-cdk-lib: the provisioning
 * handler, the CLI and the blueprint all import it.
 */

/** The image a provisioned model runs in: one of three kinds. */
export type ImageRequest =
  /** A SageMaker built-in framework image, resolved for the framework's region. */
  | { readonly framework: string; readonly version: string }
  /** A zip with a Dockerfile, a key in the assets bucket: the pipeline builds it and pushes it to ECR. */
  | { readonly containerSource: string }
  /** A ready image in ECR. */
  | { readonly uri: string };

/** A serverless variant instead of instances. */
export interface ServerlessRequest {
  /** 1024, 2048, 3072, 4096, 5120 or 6144. */
  readonly memorySizeMb: number;
  /** 1 to 200. */
  readonly maxConcurrency: number;
  /** 1 to maxConcurrency; default none. */
  readonly provisionedConcurrency?: number;
}

/** Target tracking on invocations per instance. */
export interface AutoScalingRequest {
  readonly maxInstances: number;
  /** Default: the instance count. */
  readonly minInstances?: number;
  readonly targetInvocationsPerInstance: number;
}

/** One JSON path expectation of a test request. */
export interface JsonPathRequest {
  readonly path: string;
  readonly equalsJson?: string;
  readonly min?: number;
  readonly max?: number;
}

/** A sample request sent to the new endpoint, with what its answer must be. */
export interface TestRequestEntry {
  readonly name?: string;
  readonly body: string;
  readonly contentType?: string;
  readonly accept?: string;
  readonly expect?: {
    readonly status?: number;
    readonly bodyContains?: string[];
    readonly jsonPath?: JsonPathRequest[];
    readonly maxLatencyMs?: number;
  };
}

/** What the Test stage of a batch environment checks in a release's output. */
export interface BatchCheckRequest {
  /** The fewest output objects the transform must write, 0 to 10000. Default 1. */
  readonly minObjects?: number;
  /** Texts every sampled output line must contain (the rules of a test's `expect.bodyContains`). Default none. */
  readonly bodyContains?: string[];
  /** Expectations on every sampled output line, which must then be JSON (the rules of a test's `expect.jsonPath`). Default none. */
  readonly jsonPath?: JsonPathRequest[];
}

/** A batch transform over data in the assets bucket instead of an endpoint. */
export interface BatchRequest {
  /** Key prefix in the assets bucket: every object under it is transformed. */
  readonly input: string;
  /** Key prefix in the assets bucket, ending in "/", overlapping neither way with `input`: each release writes under `<output><release id>/`. */
  readonly output: string;
  /** MIME type of the input records. Default `text/csv`. */
  readonly contentType?: string;
  /** `None`, `Line`, `RecordIO` or `TFRecord`. Default `Line`. */
  readonly splitType?: 'None' | 'Line' | 'RecordIO' | 'TFRecord';
  /** MIME type asked of the model. Default: the container's. */
  readonly accept?: string;
  /** 1 to 100. Default: SageMaker's (6). */
  readonly maxPayloadMb?: number;
  /** 1 to 100. Default: SageMaker's. */
  readonly maxConcurrentTransforms?: number;
  /** Default: at least one output object. */
  readonly check?: BatchCheckRequest;
}

/** Drift detection on an environment's endpoint. */
export interface MonitoringRequest {
  /** Key of the baseline dataset (a CSV or JSON Lines file) in the assets bucket. */
  readonly baselineDataset: string;
  /** `csv` (the first row names the columns), `csvNoHeader` or `jsonLines`. Default `csv`. */
  readonly datasetFormat?: 'csv' | 'csvNoHeader' | 'jsonLines';
  /** `hourly` or `daily`. Default `hourly`. */
  readonly frequency?: 'hourly' | 'daily';
  /** Processing instance type of the baseline and monitoring jobs. Default `ml.m5.xlarge`. */
  readonly instanceType?: string;
  /** 1 to 100. Default 1. */
  readonly instanceCount?: number;
  /** Violations in one check that raise the drift alarm, 1 to 1000000. Default 1. */
  readonly violationsThreshold?: number;
}

/** One environment, in release order. */
export interface EnvironmentRequest {
  readonly name: string;
  /** Default `ml.m5.large` (instance variants). */
  readonly instanceType?: string;
  /** Default 1. */
  readonly instanceCount?: number;
  readonly serverless?: ServerlessRequest;
  readonly autoScaling?: AutoScalingRequest;
  readonly dataCapture?: { readonly samplingPercentage?: number };
  /** A manual approval before this environment. Default false. */
  readonly approval?: boolean;
  /** Sample requests run against the endpoint before it is shared. Default none. */
  readonly tests?: TestRequestEntry[];
  /** Drift detection on the endpoint. Not with `serverless` or `batch`. Default none. */
  readonly monitoring?: MonitoringRequest;
  /**
   * A batch environment instead of an endpoint, on `instanceType` x `instanceCount`: not with
   * `serverless`, `autoScaling`, `dataCapture`, `tests` or `monitoring`; at most one per
   * provisioned pipeline, as its last environment. Default none (an endpoint).
   */
  readonly batch?: BatchRequest;
}

/** `POST /pipelines`: create or update one pipeline. */
export interface PipelineRequest {
  /** The pipeline's and model's name: lower-case letters, digits and single hyphens. */
  readonly name: string;
  /** Key of the `model.tar.gz` in the framework's assets bucket. */
  readonly artifact: string;
  readonly image: ImageRequest;
  readonly environments: EnvironmentRequest[];
  readonly notifications?: { readonly emails?: string[] };
  /** Default 2. */
  readonly keepReleases?: number;
}

/** `mlops-config.json`: the pipelines a repository or the assets bucket's `config/` asks for. */
export interface MlopsConfigFile {
  readonly $schema?: string;
  readonly version: 1;
  readonly pipelines: PipelineRequest[];
}

/** One thing wrong with a request: where (`environments[1].instanceType`) and what. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** A checked value, or every problem found in it. */
export type Validated<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: Problem[] };

/**
 * The most environments a provisioned pipeline may have: the framework ships
 * one blueprint per environment count (a construct-built ByomPipeline has no limit).
 */
export const MAX_ENVIRONMENTS = 4;
