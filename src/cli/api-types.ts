/**
 * The provisioning API's answers, as the CLI reads them. Optional fields are
 * ones the CLI can do without, so an older or newer API still works.
 */

/** `202` to `POST /pipelines`. */
export interface ProvisionAccepted {
  readonly name: string;
  readonly stackId?: string;
  /** `CREATE_IN_PROGRESS`, `UPDATE_IN_PROGRESS` or `UNCHANGED`. */
  readonly status: string;
  readonly links?: Record<string, string>;
}

/** `202` to `DELETE /pipelines/{name}`. */
export interface DeleteAccepted {
  readonly name: string;
  readonly stackId?: string;
  readonly status: string;
}

/** One entry of `GET /pipelines`. */
export interface PipelineSummary {
  readonly name: string;
  readonly stackName?: string;
  readonly stackStatus: string;
  readonly updatedAt?: string | null;
}

/** `200` to `GET /pipelines`. */
export interface PipelineList {
  readonly pipelines: PipelineSummary[];
}

/** The latest state of one CodePipeline stage. */
export interface StageState {
  readonly name: string;
  /** CodePipeline's stage status (`InProgress`, `Succeeded`, `Failed`, ...); absent before the stage first runs. */
  readonly status?: string;
  readonly updatedAt?: string;
  readonly message?: string;
}

/** `200` to `GET /pipelines/{name}`. */
export interface PipelineStatus {
  readonly name: string;
  readonly stackName?: string;
  readonly stackId?: string;
  readonly stackStatus: string;
  readonly stackStatusReason?: string;
  /** Null until the stack has created the pipeline. */
  readonly pipeline?: {
    readonly name?: string;
    readonly latestExecution?: { readonly id: string; readonly status: string } | null;
    readonly stages?: StageState[];
  } | null;
  readonly environments?: Array<{
    readonly name: string;
    /** `batch` for a batch environment (no endpoint); `endpoint` or absent (older APIs) otherwise. */
    readonly kind?: 'endpoint' | 'batch';
    readonly endpointName?: string | null;
    readonly endpointStatus?: string | null;
    readonly inferenceUrl?: string | null;
    /** A batch environment's output prefix: each release writes a folder under it. */
    readonly outputUri?: string | null;
  }>;
  readonly links?: Record<string, string>;
}

/** The body of a 4xx/5xx answer. */
export interface ApiErrorBody {
  readonly message?: string;
  readonly problems?: Array<{ readonly path?: string; readonly message?: string }>;
}
