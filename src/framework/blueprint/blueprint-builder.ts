import { App, CfnCondition, CfnOutput, CfnParameter, DefaultStackSynthesizer, Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EMAIL_SLOTS, OUTPUTS, PARAMETERS, STAND_IN, emailParameter, environmentParameters, parseShape } from './blueprint-parameters';
import { ByomPipeline } from '../../pipeline/byom-pipeline';
import { EnvironmentProps } from '../../pipeline/environment/environment-props';
import { ModelImage, ModelImageBindOptions, ModelImageConfig } from '../../pipeline/image/model-image';
import { ModelArtifact } from '../../pipeline/model-artifact';
import { useSharedHandlers } from '../../pipeline/shared/handler-function';
import { IntegrationTests } from '../../pipeline/tests/integration-tests';

/** The construct ID of the pipeline in a blueprint stack (its logical IDs start with it). */
export const BLUEPRINT_PIPELINE_ID = 'Pipeline';

/**
 * The stack a blueprint template is synthesized from: a ByomPipeline with
 * stand-in names and, for every other request field, a CloudFormation
 * parameter, using the framework's shared handlers. Every environment slot
 * is built with each optional part present (approval, tests, scaling, data
 * capture), so that `blueprintTemplate` can make them conditional.
 */
export function buildBlueprintStack(app: App, shape: string): Stack {
  const { buildsImage, environments } = parseShape(shape);
  const stack = new Stack(app, `Blueprint-${shape}`, {
    // The template is shipped, not deployed by the CDK CLI: no bootstrap check, no CDK metadata.
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    analyticsReporting: false,
    description: `An MLOps pipeline provisioned by an MlopsFramework (blueprint ${shape})`,
  });
  const text = (name: string, description: string, props: { allowedValues?: string[]; allowedPattern?: string } = {}) =>
    new CfnParameter(stack, name, { type: 'String', description, ...props }).valueAsString;

  // Parameters the stand-ins become (the template refers to them once the stand-ins are replaced).
  text(PARAMETERS.modelName, 'The model\'s name (lower case letters, digits and hyphens)');
  text(PARAMETERS.pipelineName, 'The CodePipeline\'s name: the stack\'s name');
  const assetsBucket = text(PARAMETERS.assetsBucket, 'The framework\'s assets bucket (versioned, sending events to EventBridge)');
  const artifactKey = text(PARAMETERS.artifactKey, 'Key of the model artifact (model.tar.gz) in the assets bucket');
  const keepReleases = new CfnParameter(stack, PARAMETERS.keepReleases, {
    type: 'Number', minValue: 1, maxValue: 20, description: 'Releases kept per environment besides the serving one',
  }).valueAsNumber;
  const shared = (fn: string, role: string, what: string) => ({
    functionArn: text(fn, `ARN of the framework's shared ${what} function`),
    roleArn: text(role, `ARN of the role of the framework's shared ${what} function`),
  });
  useSharedHandlers(stack, {
    deploy: shared(PARAMETERS.deployFunctionArn, PARAMETERS.deployRoleArn, 'deploy'),
    test: shared(PARAMETERS.testFunctionArn, PARAMETERS.testRoleArn, 'test'),
    share: shared(PARAMETERS.shareFunctionArn, PARAMETERS.shareRoleArn, 'share'),
    cleanup: {
      serviceToken: text(PARAMETERS.cleanupServiceToken, 'Service token of the framework\'s shared release clean-up'),
      roleArn: text(PARAMETERS.cleanupRoleArn, 'ARN of the role of the framework\'s shared release clean-up function'),
    },
  });

  const assets = s3.Bucket.fromBucketName(stack, 'Assets', assetsBucket);
  // The framework's assets bucket sends its events to EventBridge already;
  // a pipeline stack must not take over the bucket's notification settings.
  assets.enableEventBridgeNotification = () => undefined;

  const slots = Array.from({ length: environments }, (_, i) => i + 1);
  for (const slot of slots) {
    const p = environmentParameters(slot);
    text(p.name, `Name of environment ${slot}`);
    text(p.endpointName, `Endpoint name of environment ${slot}`);
    text(p.releasePrefix, `Release name prefix of environment ${slot}`);
    text(p.variant, `How environment ${slot} serves (the variant part of its deploy spec: JSON members, no braces)`);
    text(p.captureSampling, `Percentage of environment ${slot}'s requests captured, or empty for none`, { allowedPattern: '^$|^([1-9][0-9]?|100)$' });
    new CfnCondition(stack, `${p.captureSampling}On`, { expression: Fn.conditionNot(Fn.conditionEquals(Fn.ref(p.captureSampling), '')) });
    text(p.testScaling, `The test action's scaling parameters of environment ${slot} (JSON), or empty when it does not scale`);
    text(p.tests, `Integration test requests of environment ${slot} (JSON)`);
    text(p.hasTests, `Whether environment ${slot} has a Test stage`, { allowedValues: ['true', 'false'] });
    text(p.approval, `Whether environment ${slot} waits for a manual approval`, { allowedValues: ['true', 'false'] });
    new CfnCondition(stack, `${p.approval}On`, { expression: Fn.conditionEquals(Fn.ref(p.approval), 'true') });
    new CfnCondition(stack, `${p.hasTests}On`, { expression: Fn.conditionEquals(Fn.ref(p.hasTests), 'true') });
    new CfnCondition(stack, `${p.testScaling}On`, { expression: Fn.conditionNot(Fn.conditionEquals(Fn.ref(p.testScaling), '')) });
    if (!buildsImage) {
      text(p.imageUri, `Inference image URI of environment ${slot}`);
      text(p.imageRepositoryArn, `ARN of the ECR repository of environment ${slot}'s image`);
    }
  }
  for (let slot = 1; slot <= EMAIL_SLOTS; slot++) {
    const name = emailParameter(slot);
    text(name, `Notification email ${slot}, or empty`, { allowedPattern: '^$|^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' });
    new CfnCondition(stack, `${name}Set`, { expression: Fn.conditionNot(Fn.conditionEquals(Fn.ref(name), '')) });
  }

  const image = buildsImage
    ? ModelImage.fromContainerSource(assets, text(PARAMETERS.containerSourceKey, 'Key of the container source zip in the assets bucket'))
    : new ParameterImage();
  const pipeline = new ByomPipeline(stack, BLUEPRINT_PIPELINE_ID, {
    modelName: STAND_IN.modelName,
    pipelineName: STAND_IN.pipelineName,
    artifact: ModelArtifact.fromBucket(assets, artifactKey),
    image,
    keepReleases: Token.asNumber(keepReleases),
    notifications: { emails: Array.from({ length: EMAIL_SLOTS }, (_, i) => STAND_IN.email(i + 1)) },
    environments: slots.map((slot): EnvironmentProps => ({
      name: STAND_IN.environmentName(slot),
      approval: true,
      autoScaling: { maxInstances: 2, targetInvocationsPerInstance: 100 },
      dataCapture: { samplingPercentage: 100 },
      tests: IntegrationTests.requests([{ name: 'stand-in', body: '{}' }]),
    })),
  });

  // Outputs are named for the provisioning handler, apart from the parameters.
  const outputs = new Construct(stack, 'Outputs');
  const output = (name: string, value: string, description: string) =>
    new CfnOutput(outputs, name, { value, description }).overrideLogicalId(name);
  output(OUTPUTS.pipeline, pipeline.pipelineName, 'The CodePipeline');
  pipeline.environments.forEach((env, i) => {
    const out = OUTPUTS.environment(i + 1);
    output(out.name, env.name, `Environment ${i + 1}`);
    output(out.endpointName, env.endpointName, `The SageMaker endpoint of environment ${i + 1}`);
    output(out.inferenceUrl, env.api!.url, `POST inference requests to environment ${i + 1} here (IAM auth)`);
  });
  return stack;
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
