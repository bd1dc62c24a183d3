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
import { MAX_ENVIRONMENTS } from '../../config/pipeline-request';

/** Parameters every blueprint has. */
export const PARAMETERS = {
  modelName: 'ModelName',
  pipelineName: 'PipelineName',
  assetsBucket: 'AssetsBucket',
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
     * capture: its JSON members without the enclosing braces.
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
  };
}

/** The email parameter of subscription slot `slot` (1-based); empty for none. */
export function emailParameter(slot: number): string {
  return `NotificationEmail${slot}`;
}

/** Subscription slots: as many as a request may list. */
export const EMAIL_SLOTS = 10;

/** In a variant's JSON, this stands for the pipeline's release bucket (data capture goes there). */
export const RELEASE_BUCKET_PLACEHOLDER = '@@MLOPS_RELEASE_BUCKET@@';

/** How a blueprint shape is built: does the pipeline build its image, and how many environments. */
export interface BlueprintShape {
  readonly buildsImage: boolean;
  readonly environments: number;
}

/** Reads a shape name such as `prebuilt-2` or `container-3`. */
export function parseShape(shape: string): BlueprintShape {
  const match = /^(prebuilt|container)-([1-9][0-9]*)$/.exec(shape);
  if (!match) {
    throw new Error(`Not a blueprint shape: ${JSON.stringify(shape)}`);
  }
  return { buildsImage: match[1] === 'container', environments: Number(match[2]) };
}

/**
 * The blueprint a request needs: whether the pipeline builds its image, and
 * how many environments it has (the two things that change the stack's shape).
 */
export function blueprintShapeOf(request: { readonly image: object; readonly environments: readonly unknown[] }): string {
  return `${'containerSource' in request.image ? 'container' : 'prebuilt'}-${request.environments.length}`;
}

/** The blueprint shapes the package ships: a pipeline that builds its image or not, with 1 to MAX_ENVIRONMENTS environments. */
export function blueprintShapes(): string[] {
  const shapes: string[] = [];
  for (const image of ['prebuilt', 'container']) {
    for (let count = 1; count <= MAX_ENVIRONMENTS; count++) {
      shapes.push(`${image}-${count}`);
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

/** The stack outputs the provisioning handler reads (named apart from the parameters). */
export const OUTPUTS = {
  pipeline: 'Pipeline',
  environment: (slot: number) => ({
    name: `Env${slot}`,
    endpointName: `Env${slot}Endpoint`,
    inferenceUrl: `Env${slot}InferenceUrl`,
  }),
};
