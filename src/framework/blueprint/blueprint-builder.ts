import { App, CfnCondition, CfnOutput, DefaultStackSynthesizer, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { addMonitoringMappings, addSlotParameters, batchSlot, endpointSlot } from './environment-slots';
import { StackParameters } from './stack-parameters';
import {
  ASSETS_KEY_CONDITION, EMAIL_SLOTS, OUTPUTS, PARAMETERS, STAND_IN,
  emailParameter, environmentParameters, parseShape, sharedHandlerParameters,
} from '../../blueprint/blueprint-parameters';
import { ByomPipeline } from '../../pipeline/byom-pipeline';
import { ModelImage, ModelImageBindOptions, ModelImageConfig } from '../../pipeline/image/model-image';
import { ModelArtifact } from '../../pipeline/model-artifact';
import { useSharedHandlers } from '../../pipeline/shared/handler-function';

/** The construct ID of the pipeline in a blueprint stack (its logical IDs start with it). */
export const BLUEPRINT_PIPELINE_ID = 'Pipeline';

/**
 * The stack a blueprint template is synthesized from: a ByomPipeline with
 * stand-in names and, for every other request field, a CloudFormation
 * parameter, using the framework's shared handlers. Every endpoint slot
 * is built with each optional part present (approval, tests, scaling, data
 * capture, drift detection), so that `blueprintTemplate` can make them
 * conditional; the last slot of a batch shape is a batch environment on
 * the assets bucket's input and output prefixes its parameters name.
 *
 * The steps run in the order the template lists what they declare.
 */
export function buildBlueprintStack(app: App, shape: string): Stack {
  const { buildsImage, environments, batch } = parseShape(shape);
  const stack = new Stack(app, `Blueprint-${shape}`, {
    // The template is shipped, not deployed by the CDK CLI: no bootstrap check, no CDK metadata.
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    analyticsReporting: false,
    description: `An MLOps pipeline provisioned by an MlopsFramework (blueprint ${shape})`,
  });
  const parameters = new StackParameters(stack);
  const input = addPipelineParameters(parameters);
  useBlueprintSharedHandlers(stack, parameters, shape);
  const assets = importAssetsBucket(stack, parameters, input.assetsBucket);

  const slots = Array.from({ length: environments }, (_, i) => i + 1);
  const isBatch = (slot: number) => batch && slot === environments;
  const environmentProps = slots.map((slot) => {
    addSlotParameters(stack, parameters, slot, buildsImage);
    return isBatch(slot) ? batchSlot(parameters, slot, assets) : endpointSlot(stack, parameters, slot, assets);
  });
  addMonitoringMappings(stack, slots.filter((slot) => !isBatch(slot)));
  addEmailParameters(stack, parameters);

  const image = buildsImage
    ? ModelImage.fromContainerSource(assets, parameters.text(PARAMETERS.containerSourceKey, 'Key of the container source zip in the assets bucket'))
    : new ParameterImage();
  const pipeline = new ByomPipeline(stack, BLUEPRINT_PIPELINE_ID, {
    modelName: STAND_IN.modelName,
    pipelineName: STAND_IN.pipelineName,
    artifact: ModelArtifact.fromBucket(assets, input.artifactKey),
    image,
    keepReleases: Token.asNumber(input.keepReleases),
    notifications: { emails: Array.from({ length: EMAIL_SLOTS }, (_, i) => STAND_IN.email(i + 1)) },
    environments: environmentProps,
  });
  addOutputs(stack, pipeline);
  return stack;
}

/** The pipeline's own parameters (the template refers to the names' parameters once their stand-ins are replaced). */
function addPipelineParameters(parameters: StackParameters) {
  parameters.text(PARAMETERS.modelName, 'The model\'s name (lower case letters, digits and hyphens)');
  parameters.text(PARAMETERS.pipelineName, 'The CodePipeline\'s name: the stack\'s name');
  const assetsBucket = parameters.text(PARAMETERS.assetsBucket, 'The framework\'s assets bucket (versioned, sending events to EventBridge)');
  const artifactKey = parameters.text(PARAMETERS.artifactKey, 'Key of the model artifact (model.tar.gz) in the assets bucket');
  const keepReleases = parameters.number(PARAMETERS.keepReleases, 'Releases kept per environment besides the serving one', { minValue: 1, maxValue: 20 });
  return { assetsBucket, artifactKey, keepReleases };
}

/** The framework's shared deploy, test, share and clean-up handlers, by the ARNs their parameters give. */
function useBlueprintSharedHandlers(stack: Stack, parameters: StackParameters, shape: string): void {
  // A shared handler's parameter the shape does not have would be unused (a
  // cfn-lint warning, and a value the provisioning handler must not send): a
  // placeholder that fails the synthesis if it is used after all.
  const handlerParameters = new Set(sharedHandlerParameters(shape));
  const handlerText = (name: string, description: string) => (handlerParameters.has(name)
    ? parameters.text(name, description)
    : Lazy.string({ produce: () => { throw new Error(`Blueprint ${shape} uses ${name}, which sharedHandlerParameters leaves out of it`); } }));
  const shared = (fn: string, role: string, what: string) => ({
    functionArn: handlerText(fn, `ARN of the framework's shared ${what} function`),
    roleArn: handlerText(role, `ARN of the role of the framework's shared ${what} function`),
  });
  useSharedHandlers(stack, {
    deploy: shared(PARAMETERS.deployFunctionArn, PARAMETERS.deployRoleArn, 'deploy'),
    test: shared(PARAMETERS.testFunctionArn, PARAMETERS.testRoleArn, 'test'),
    share: shared(PARAMETERS.shareFunctionArn, PARAMETERS.shareRoleArn, 'share'),
    cleanup: {
      serviceToken: handlerText(PARAMETERS.cleanupServiceToken, 'Service token of the framework\'s shared release clean-up'),
      roleArn: handlerText(PARAMETERS.cleanupRoleArn, 'ARN of the role of the framework\'s shared release clean-up function'),
    },
  });
}

/** The framework's assets bucket, with its key when the framework names one. */
function importAssetsBucket(stack: Stack, parameters: StackParameters, bucketName: string): s3.IBucket {
  const assetsKeyArn = parameters.text(PARAMETERS.assetsKeyArn, 'ARN of the KMS key the assets bucket encrypts its objects with, or empty when it needs none of the pipeline\'s grants', {
    default: '',
  });
  new CfnCondition(stack, ASSETS_KEY_CONDITION, { expression: Fn.conditionNot(Fn.conditionEquals(assetsKeyArn, '')) });
  // With its key, as a ByomPipeline on a KMS-encrypted bucket: each role given read or write of the bucket gets the key's
  // decrypt or encrypt too. Every statement naming the key is kept only when the framework names one (see blueprintTemplate).
  const assets = s3.Bucket.fromBucketAttributes(stack, 'Assets', {
    bucketName,
    encryptionKey: kms.Key.fromKeyArn(stack, 'AssetsKey', assetsKeyArn),
  });
  // The framework's assets bucket sends its events to EventBridge already;
  // a pipeline stack must not take over the bucket's notification settings.
  assets.enableEventBridgeNotification = () => undefined;
  return assets;
}

/** The notification emails: a fixed number of slots, each empty or an address. */
function addEmailParameters(stack: Stack, parameters: StackParameters): void {
  for (let slot = 1; slot <= EMAIL_SLOTS; slot++) {
    const name = emailParameter(slot);
    parameters.text(name, `Notification email ${slot}, or empty`, { allowedPattern: '^$|^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' });
    new CfnCondition(stack, `${name}Set`, { expression: Fn.conditionNot(Fn.conditionEquals(Fn.ref(name), '')) });
  }
}

/** Outputs named for the provisioning handler, apart from the parameters: the pipeline, and each environment's endpoint and URL or batch output. */
function addOutputs(stack: Stack, pipeline: ByomPipeline): void {
  const outputs = new Construct(stack, 'Outputs');
  const output = (name: string, value: string, description: string) =>
    new CfnOutput(outputs, name, { value, description }).overrideLogicalId(name);
  output(OUTPUTS.pipeline, pipeline.pipelineName, 'The CodePipeline');
  pipeline.environments.forEach((env, i) => {
    const out = OUTPUTS.environment(i + 1);
    output(out.name, env.name, `Environment ${i + 1}`);
    if (env.isBatch) {
      output(out.batchOutput, env._deploySpec.batch!.outputS3Uri, `Each release of environment ${i + 1} writes its transform's output in a folder here`);
      return;
    }
    output(out.endpointName, env.endpointName, `The SageMaker endpoint of environment ${i + 1}`);
    output(out.inferenceUrl, env.api!.url, `POST inference requests to environment ${i + 1} here (IAM auth)`);
  });
}

/**
 * A prebuilt image given per environment by parameters: its URI, and the ECR
 * repository the environment's SageMaker role may pull from. (Framework
 * images differ per environment: GPU instances get the GPU build.)
 */
class ParameterImage extends ModelImage {
  public bind(scope: Construct, options: ModelImageBindOptions): ModelImageConfig {
    const p = environmentParameters(slotOf(scope));
    options.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: [Fn.ref(p.imageRepositoryArn)],
    }));
    // An image in the account's own registry needs a registry token; tokens are
    // not tied to a repository, so AWS requires '*'.
    options.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    return { imageUri: Fn.ref(p.imageUri) };
  }
}

/** The environment slot a construct belongs to, from the stand-in name in its environment's ID. */
function slotOf(scope: Construct): number {
  for (const node of scope.node.scopes.reverse()) {
    const match = /^Env-zzenv([0-9]+)standin/.exec(node.node.id);
    if (match) {
      return Number(match[1]);
    }
  }
  throw new Error(`${scope.node.path} is not in a blueprint environment`);
}
