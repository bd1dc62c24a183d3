/**
 * The blueprint's parameters and the stand-in values it is synthesized with.
 * Plain TypeScript: the build (which synthesizes the blueprints) and the
 * provisioning handler (which fills the parameters in) both import it.
 *
 * Names a construct derives at synth time (endpoint, release prefix, API and
 * alarm names, stage names) cannot be CloudFormation parameters, because the
 * construct computes them. So the blueprint is synthesized with stand-in
 * names, and every place a stand-in or a name derived from it ends up in the
 * template becomes a reference to a parameter that the provisioning handler
 * computes with the construct's own naming functions.
 */
import { MAX_ENVIRONMENTS } from '../config/pipeline-request';
import {
  baselineJobPrefix, dataQualityDefinitionPrefix, modelQualityDefinitionPrefix, modelQualityScheduleName, monitoringScheduleName,
} from '../contract/monitoring-naming';

/** Parameters every blueprint has. */
export const PARAMETERS = {
  modelName: 'ModelName',
  pipelineName: 'PipelineName',
  assetsBucket: 'AssetsBucket',
  assetsKeyArn: 'AssetsKeyArn',
  artifactKey: 'ArtifactKey',
  containerSourceKey: 'ContainerSourceKey',
  keepReleases: 'KeepReleases',
  deployFunctionArn: 'DeployFunctionArn',
  deployRoleArn: 'DeployRoleArn',
  testFunctionArn: 'TestFunctionArn',
  testRoleArn: 'TestRoleArn',
  shareFunctionArn: 'ShareFunctionArn',
  shareRoleArn: 'ShareRoleArn',
  cleanupServiceToken: 'CleanupServiceToken',
  cleanupRoleArn: 'CleanupRoleArn',
} as const;

/**
 * The shared handlers' parameters a shape's template has. A pipeline whose
 * only environment is a batch environment runs no Test or Share action, so
 * it needs neither the test handler nor the share function (the share
 * handler's role is still made, as ByomPipeline makes it for every pipeline).
 */
export function sharedHandlerParameters(shape: string): string[] {
  const { environments, batch } = parseShape(shape);
  const all = [
    PARAMETERS.deployFunctionArn, PARAMETERS.deployRoleArn,
    PARAMETERS.testFunctionArn, PARAMETERS.testRoleArn,
    PARAMETERS.shareFunctionArn, PARAMETERS.shareRoleArn,
    PARAMETERS.cleanupServiceToken, PARAMETERS.cleanupRoleArn,
  ];
  const endpoints = environments - (batch ? 1 : 0);
  const unused: string[] = endpoints > 0 ? [] : [PARAMETERS.testFunctionArn, PARAMETERS.testRoleArn, PARAMETERS.shareFunctionArn];
  return all.filter((name) => !unused.includes(name));
}

/**
 * The names drift detection derives from an endpoint's name (its monitoring
 * prefix), with the construct's own functions: each is a parameter of every
 * endpoint slot (`Env<slot><key>`), since a hashed name cannot be derived in
 * CloudFormation. The blueprint replaces each stand-in endpoint's derived
 * name with its parameter, and keeps every policy statement naming one only
 * while the slot monitors; the provisioning handler computes the values. A
 * name drift detection adds goes here.
 */
export const MONITORING_NAMES = {
  /** The data-quality monitoring schedule; the drift alarms are named after it. */
  MonitoringSchedule: monitoringScheduleName,
  /** Prefix of the data-quality baseline jobs. */
  BaselineJobPrefix: baselineJobPrefix,
  /** Prefix of the data-quality job definitions. */
  DataQualityPrefix: dataQualityDefinitionPrefix,
  /**
   * The model-quality schedule and prefix of its job definitions: a
   * provisioned pipeline monitors no model quality, but its clean-up looks
   * for both kinds of schedule and definition of a monitored environment.
   */
  ModelQualitySchedule: modelQualityScheduleName,
  ModelQualityPrefix: modelQualityDefinitionPrefix,
} as const;

/** A key of {@link MONITORING_NAMES}. */
export type MonitoringNameKey = keyof typeof MONITORING_NAMES;

/** The parameters of environment slot `slot` (1-based). */
export function environmentParameters(slot: number) {
  const p = `Env${slot}`;
  return {
    name: `${p}Name`,
    endpointName: `${p}EndpointName`,
    releasePrefix: `${p}ReleasePrefix`,
    imageUri: `${p}ImageUri`,
    imageRepositoryArn: `${p}ImageRepositoryArn`,
    /**
     * The variant part of the deploy spec (see `variantSpec`) without data
     * capture: its JSON members without the enclosing braces. A batch slot's
     * has its instance type and count only.
     */
    variant: `${p}Variant`,
    /** Percentage of requests captured, or empty for no data capture. */
    captureSampling: `${p}CaptureSampling`,
    /** The test action's scaling parameters, JSON, or empty when the variant does not scale. */
    testScaling: `${p}TestScaling`,
    /** The integration test requests, JSON (`{"requests":[...]}`). */
    tests: `${p}Tests`,
    hasTests: `${p}HasTests`,
    approval: `${p}Approval`,
    /** Key of the drift-detection baseline dataset in the assets bucket, or empty for no drift detection. */
    baselineDataset: `${p}BaselineDataset`,
    /** How the baseline dataset is laid out: `csv`, `csvNoHeader` or `jsonLines` (a request's `datasetFormat`). */
    datasetFormat: `${p}DatasetFormat`,
    /** `hourly` or `daily`. */
    monitoringFrequency: `${p}MonitoringFrequency`,
    monitoringInstanceType: `${p}MonitoringInstanceType`,
    monitoringInstanceCount: `${p}MonitoringInstanceCount`,
    violationsThreshold: `${p}ViolationsThreshold`,
    /** The names drift detection derives from the endpoint's name (see {@link MONITORING_NAMES}), by key. */
    monitoringNames: Object.fromEntries(Object.keys(MONITORING_NAMES).map((key) => [key, `${p}${key}`])) as { [key in MonitoringNameKey]: string },
    /** A batch slot's input: a key prefix in the assets bucket. */
    batchInput: `${p}BatchInput`,
    /** A batch slot's output: a key prefix in the assets bucket, ending in "/". */
    batchOutput: `${p}BatchOutput`,
    /** The `batch` member of a batch slot's deploy spec, JSON (see `batchEnvironmentSpec`). */
    batch: `${p}Batch`,
  };
}

/** The conditions of environment slot `slot` that the parameters do not name. */
export function environmentConditions(slot: number) {
  const p = `Env${slot}`;
  return {
    /** The slot detects drift: its baseline dataset is set. */
    monitoring: `${p}MonitoringOn`,
    /** Its drift check runs daily (else hourly). */
    daily: `${p}MonitoringDaily`,
  };
}

/** Some environment slot detects drift (the statements every monitored slot shares). */
export const ANY_MONITORING_CONDITION = 'AnyMonitoringOn';

/** The framework named the assets bucket's KMS key (its {@link PARAMETERS.assetsKeyArn} is not empty). */
export const ASSETS_KEY_CONDITION = 'AssetsKeyArnSet';

/** The mapping from a `DatasetFormat` parameter value to the deploy spec's JSON of that format (key `spec`). */
export const DATASET_FORMAT_MAPPING = 'MlopsDatasetFormats';

/** The email parameter of subscription slot `slot` (1-based); empty for none. */
export function emailParameter(slot: number): string {
  return `NotificationEmail${slot}`;
}

/** Subscription slots: as many as a request may list. */
export const EMAIL_SLOTS = 10;

/** In a variant's JSON, this stands for the pipeline's release bucket (data capture goes there). */
export const RELEASE_BUCKET_PLACEHOLDER = '@@MLOPS_RELEASE_BUCKET@@';

/**
 * How a blueprint shape is built: does the pipeline build its image, how many
 * environments, and is the last one a batch environment.
 */
export interface BlueprintShape {
  readonly buildsImage: boolean;
  readonly environments: number;
  /** The last environment runs batch transforms (the others are endpoints). */
  readonly batch: boolean;
}

/** Reads a shape name such as `prebuilt-2`, `container-3` or `prebuilt-2-batch`. */
export function parseShape(shape: string): BlueprintShape {
  const match = /^(prebuilt|container)-([1-9][0-9]*)(-batch)?$/.exec(shape);
  if (!match) {
    throw new Error(`Not a blueprint shape: ${JSON.stringify(shape)}`);
  }
  return { buildsImage: match[1] === 'container', environments: Number(match[2]), batch: match[3] !== undefined };
}

/**
 * The blueprint a request needs: whether the pipeline builds its image, how
 * many environments it has and whether the last is a batch environment (the
 * things that change the stack's shape; the request schema allows a batch
 * environment only last).
 */
export function blueprintShapeOf(request: { readonly image: object; readonly environments: ReadonlyArray<{ readonly batch?: object }> }): string {
  const last = request.environments[request.environments.length - 1];
  const batch = last?.batch !== undefined ? '-batch' : '';
  return `${'containerSource' in request.image ? 'container' : 'prebuilt'}-${request.environments.length}${batch}`;
}

/**
 * The blueprint shapes the package ships: a pipeline that builds its image or
 * not, with 1 to MAX_ENVIRONMENTS environments, the last an endpoint or a batch environment.
 */
export function blueprintShapes(): string[] {
  const shapes: string[] = [];
  for (const image of ['prebuilt', 'container']) {
    for (const batch of ['', '-batch']) {
      for (let count = 1; count <= MAX_ENVIRONMENTS; count++) {
        shapes.push(`${image}-${count}${batch}`);
      }
    }
  }
  return shapes;
}

/**
 * Stand-in names: lower case (as requests are), long enough that the release
 * prefix of a stand-in endpoint is shortened with a hash and so differs from
 * the endpoint name (SageMaker's 63 characters less the release suffix), and
 * unlike anything else in a template.
 */
export const STAND_IN = {
  modelName: 'zzmodelstandinqvxjwkzzmodelstandinqvx',
  pipelineName: 'zzpipelinestandinqvxjwk',
  environmentName: (slot: number) => `zzenv${slot}standinqvxj`,
  email: (slot: number) => `zzemail${slot}standin@example.com`,
};

/**
 * The stack outputs the provisioning handler reads (named apart from the
 * parameters). An endpoint slot has its endpoint and inference URL, a batch
 * slot its output location instead.
 */
export const OUTPUTS = {
  pipeline: 'Pipeline',
  environment: (slot: number) => ({
    name: `Env${slot}`,
    endpointName: `Env${slot}Endpoint`,
    inferenceUrl: `Env${slot}InferenceUrl`,
    /** `s3://bucket/prefix/`: each release of a batch slot writes a folder under it. */
    batchOutput: `Env${slot}OutputUri`,
  }),
};
