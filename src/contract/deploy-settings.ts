/**
 * What the construct tells the deploy handler. The pipeline-wide part is JSON
 * in the handler's `MLOPS_DEPLOY_SPEC` environment variable; each
 * environment's part is JSON in an SSM parameter of its own, so a pipeline may
 * have any number of environments (Lambda allows 4 KB of environment
 * variables in all). Types only, so the handler bundle carries no construct code.
 */
import type { EnvironmentAccessSpec } from './access-settings';
import type { BatchEnvironmentSpec } from './batch-settings';
import type { MonitoringSpec } from './monitoring-settings';

/** Name of the handler environment variable holding the {@link DeploySettings}. */
export const DEPLOY_SPEC_VARIABLE = 'MLOPS_DEPLOY_SPEC';

/** The model artifact, as the construct was given it. */
export interface ArtifactLocation {
  readonly bucket: string;
  readonly key: string;
}

/** One environment of a pipeline. */
export interface EnvironmentDeploySpec {
  /** Stable endpoint name: every release of this environment updates it. */
  readonly endpointName: string;
  /** Each release's model and endpoint config are named `<releasePrefix>-<releaseId>`. */
  readonly releasePrefix: string;
  /** Stable production variant name, so scaling and alarms survive releases. */
  readonly variantName: string;
  readonly imageUri: string;
  /** Role SageMaker assumes to read the released artifact and pull the image. */
  readonly executionRoleArn: string;
  /** Set for an instance-backed variant. */
  readonly instanceType?: string;
  readonly initialInstanceCount?: number;
  /** Set instead of the instance fields for a serverless variant. */
  readonly serverless?: {
    readonly memorySizeMb: number;
    readonly maxConcurrency: number;
    readonly provisionedConcurrency?: number;
  };
  /** Capture of requests and responses to S3, when on. */
  readonly dataCapture?: {
    readonly samplingPercentage: number;
    readonly destinationS3Uri: string;
  };
  /** Target tracking on invocations per instance, when on (instance variants only). */
  readonly autoScaling?: {
    readonly minInstances: number;
    readonly maxInstances: number;
    readonly targetInvocationsPerInstance: number;
    readonly scaleInCooldownSeconds?: number;
    readonly scaleOutCooldownSeconds?: number;
  };
  /** Blue/green settings for updates of an instance variant. */
  readonly deployment?: {
    readonly type: string;
    readonly stepPercent?: number;
    readonly waitSeconds?: number;
    readonly bakeSeconds: number;
    /** CloudWatch alarms that roll the update back. */
    readonly rollbackAlarms: string[];
  };
  /** The VPC placement of the model's containers, when set. */
  readonly vpcConfig?: {
    readonly subnets: string[];
    readonly securityGroupIds: string[];
  };
  /** KMS key for the instances' storage volumes and the captured data. */
  readonly kmsKeyArn?: string;
  /** Where each release's immutable copy of the artifact goes: `s3://<bucket>/<keyPrefix><releaseId>/model.tar.gz`. */
  readonly releaseBucket: string;
  readonly releaseKeyPrefix: string;
  /** Releases (model + endpoint config) kept besides the serving one; older ones are deleted. */
  readonly keepReleases: number;
  /** Tags put on every model, endpoint config and endpoint of the environment. */
  readonly tags: Array<{ readonly key: string; readonly value: string }>;
  /**
   * Set for a batch environment: each release runs a transform job with the
   * release's model instead of updating an endpoint (the instance fields size it).
   */
  readonly batch?: BatchEnvironmentSpec;
  /**
   * Set when the environment detects drift: the Monitor step computes a
   * baseline and points the endpoint's monitoring schedule at it. The
   * endpoint name, key and tags are this spec's own.
   */
  readonly monitoring?: EnvironmentMonitoringSpec;
  /**
   * Set when the environment is in another account or region: the handler
   * assumes the role there, and copies each release on from `releaseBucket`
   * to the environment's own bucket, because SageMaker reads model artifacts
   * from its own region only.
   */
  readonly access?: RemoteEnvironmentSpec;
  /**
   * Set when the pipeline releases from a SageMaker Model Registry group
   * instead of an S3 artifact: each release names one package version of
   * it, and the model is created from that package (its own images and
   * model data), so `imageUri` and the release copy are not used.
   */
  readonly modelPackageGroup?: ModelPackageGroupSpec;
}

/** The model package group a pipeline releases from. */
export interface ModelPackageGroupSpec {
  /** The group's name. */
  readonly name: string;
  /** The group's account: a package of the same-named group in another account is not this group's. */
  readonly account: string;
  /** The group's region. */
  readonly region: string;
}

/** Drift detection as the construct writes it: a {@link MonitoringSpec} less what the environment's spec already says. */
export type EnvironmentMonitoringSpec = Omit<MonitoringSpec, 'endpointName' | 'kmsKeyArn' | 'tags'>;

/** An environment in another account or region, as the deploy handler sees it. */
export interface RemoteEnvironmentSpec extends EnvironmentAccessSpec {
  /** The bucket in the environment's account and region that SageMaker reads the release from. */
  readonly releaseBucket: string;
}

/** The handler's environment variable: the pipeline-wide settings and where each environment's spec is. */
export interface DeploySettings {
  readonly pipelineName: string;
  readonly artifact: ArtifactLocation;
  /** Environment name -> name of the SSM parameter holding its {@link EnvironmentDeploySpec} as JSON. */
  readonly environmentParameters: { readonly [name: string]: string };
}

/** Everything the deploy handler needs for a release, once the environments' specs are loaded. */
export interface DeploySpec {
  readonly pipelineName: string;
  readonly artifact: ArtifactLocation;
  readonly environments: { readonly [name: string]: EnvironmentDeploySpec };
}

/**
 * What a deploy-function action does: `release` (the Deploy stage: update the
 * endpoint, or run a batch environment's transform), `check-output` (a batch
 * environment's Test stage) or `monitor` (the Monitor stage: baseline and schedule).
 */
export type DeployStep = 'release' | 'check-output' | 'monitor';

/** The action's UserParameters: which environment, and which execution and artifact version it releases. */
export interface DeployUserParameters {
  readonly environment: string;
  readonly executionId: string;
  readonly artifactVersion: string;
  /** Default `release`. */
  readonly step?: DeployStep;
  /** `check-output` only: `#{Deploy-<env>.OutputUri}`, the release's output folder. */
  readonly outputUri?: string;
  /**
   * A registry pipeline's release: the ARN of the package version it
   * releases. Refused unless the environment's spec has a `modelPackageGroup`;
   * without it, such an environment releases the package its execution's
   * release request names (the artifact version: `{ "modelPackageArn": ... }`
   * at the pipeline's artifact location, written on approval).
   */
  readonly modelPackageArn?: string;
}
