import { App, CfnCondition, CfnMapping, CfnOutput, CfnParameter, CfnRule, DefaultStackSynthesizer, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ANY_MONITORING_CONDITION, ASSETS_KEY_CONDITION, DATASET_FORMAT_MAPPING, EMAIL_SLOTS, OUTPUTS, PARAMETERS, STAND_IN,
  emailParameter, environmentConditions, environmentParameters, parseShape, sharedHandlerParameters,
} from '../../blueprint/blueprint-parameters';
import {
  MONITORING_DATASET_FORMATS, MONITORING_FREQUENCIES, MONITORING_MAX_VIOLATIONS_THRESHOLD, PROCESSING_INSTANCE_TYPE_PATTERN,
  PROCESSING_MAX_INSTANCE_COUNT,
} from '../../config/limits';
import { ByomPipeline } from '../../pipeline/byom-pipeline';
import { EnvironmentProps } from '../../pipeline/environment/environment-props';
import { ModelImage, ModelImageBindOptions, ModelImageConfig } from '../../pipeline/image/model-image';
import { ModelArtifact } from '../../pipeline/model-artifact';
import { MONITORING_DEFAULTS } from '../../contract/monitoring-defaults';
import { DatasetFormat, DriftCheckFrequency } from '../../pipeline/monitoring/monitoring-props';
import { useSharedHandlers } from '../../pipeline/shared/handler-function';
import { IntegrationTests } from '../../pipeline/integration-tests/integration-tests';

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
 */
export function buildBlueprintStack(app: App, shape: string): Stack {
  const { buildsImage, environments, batch } = parseShape(shape);
  const stack = new Stack(app, `Blueprint-${shape}`, {
    // The template is shipped, not deployed by the CDK CLI: no bootstrap check, no CDK metadata.
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    analyticsReporting: false,
    description: `An MLOps pipeline provisioned by an MlopsFramework (blueprint ${shape})`,
  });
  const text = (name: string, description: string, props: { allowedValues?: string[]; allowedPattern?: string; default?: string } = {}) =>
    new CfnParameter(stack, name, { type: 'String', description, ...props }).valueAsString;
  const number = (name: string, description: string, props: { minValue: number; maxValue: number; default: number }) =>
    new CfnParameter(stack, name, { type: 'Number', description, ...props }).valueAsNumber;

  // Parameters the stand-ins become (the template refers to them once the stand-ins are replaced).
  text(PARAMETERS.modelName, 'The model\'s name (lower case letters, digits and hyphens)');
  text(PARAMETERS.pipelineName, 'The CodePipeline\'s name: the stack\'s name');
  const assetsBucket = text(PARAMETERS.assetsBucket, 'The framework\'s assets bucket (versioned, sending events to EventBridge)');
  const artifactKey = text(PARAMETERS.artifactKey, 'Key of the model artifact (model.tar.gz) in the assets bucket');
  const keepReleases = new CfnParameter(stack, PARAMETERS.keepReleases, {
    type: 'Number', minValue: 1, maxValue: 20, description: 'Releases kept per environment besides the serving one',
  }).valueAsNumber;
  // A shared handler's parameter the shape does not have would be unused (a
  // cfn-lint warning, and a value the provisioning handler must not send): a
  // placeholder that fails the synthesis if it is used after all.
  const handlerParameters = new Set(sharedHandlerParameters(shape));
  const handlerText = (name: string, description: string) => (handlerParameters.has(name)
    ? text(name, description)
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

  const assetsKeyArn = text(PARAMETERS.assetsKeyArn, 'ARN of the KMS key the assets bucket encrypts its objects with, or empty when it needs none of the pipeline\'s grants', {
    default: '',
  });
  new CfnCondition(stack, ASSETS_KEY_CONDITION, { expression: Fn.conditionNot(Fn.conditionEquals(assetsKeyArn, '')) });
  // With its key, as a ByomPipeline on a KMS-encrypted bucket: each role given read or write of the bucket gets the key's
  // decrypt or encrypt too. Every statement naming the key is kept only when the framework names one (see blueprintTemplate).
  const assets = s3.Bucket.fromBucketAttributes(stack, 'Assets', {
    bucketName: assetsBucket,
    encryptionKey: kms.Key.fromKeyArn(stack, 'AssetsKey', assetsKeyArn),
  });
  // The framework's assets bucket sends its events to EventBridge already;
  // a pipeline stack must not take over the bucket's notification settings.
  assets.enableEventBridgeNotification = () => undefined;

  const slots = Array.from({ length: environments }, (_, i) => i + 1);
  const isBatch = (slot: number) => batch && slot === environments;
  const endpointSlots = slots.filter((slot) => !isBatch(slot));
  const slotProps = new Map<number, EnvironmentProps>();
  for (const slot of slots) {
    const p = environmentParameters(slot);
    const name = STAND_IN.environmentName(slot);
    text(p.name, `Name of environment ${slot}`);
    text(p.endpointName, `Endpoint name of environment ${slot}`);
    text(p.releasePrefix, `Release name prefix of environment ${slot}`);
    text(p.approval, `Whether environment ${slot} waits for a manual approval`, { allowedValues: ['true', 'false'] });
    new CfnCondition(stack, `${p.approval}On`, { expression: Fn.conditionEquals(Fn.ref(p.approval), 'true') });
    if (!buildsImage) {
      text(p.imageUri, `Inference image URI of environment ${slot}`);
      text(p.imageRepositoryArn, `ARN of the ECR repository of environment ${slot}'s image`);
    }
    if (isBatch(slot)) {
      text(p.variant, `The instances of environment ${slot}'s transforms (the instance type and count of its deploy spec: JSON members, no braces)`);
      const input = text(p.batchInput, `Key prefix of environment ${slot}'s input in the assets bucket: every object under it is transformed`);
      const output = text(p.batchOutput, `Key prefix of environment ${slot}'s output in the assets bucket (ending in "/"): each release writes a folder under it`,
        { allowedPattern: '^.*/$' });
      text(p.batch, `The transform and output check of environment ${slot} (the batch member of its deploy spec, JSON)`);
      slotProps.set(slot, {
        name,
        approval: true,
        batch: { input: { bucket: assets, prefix: input }, output: { bucket: assets, prefix: output } },
      });
      continue;
    }
    const c = environmentConditions(slot);
    text(p.variant, `How environment ${slot} serves (the variant part of its deploy spec: JSON members, no braces)`);
    text(p.captureSampling, `Percentage of environment ${slot}'s requests captured, or empty for none`, { allowedPattern: '^$|^([1-9][0-9]?|100)$' });
    new CfnCondition(stack, `${p.captureSampling}On`, { expression: Fn.conditionNot(Fn.conditionEquals(Fn.ref(p.captureSampling), '')) });
    text(p.testScaling, `The test action's scaling parameters of environment ${slot} (JSON), or empty when it does not scale`);
    text(p.tests, `Integration test requests of environment ${slot} (JSON)`);
    text(p.hasTests, `Whether environment ${slot} has a Test stage`, { allowedValues: ['true', 'false'] });
    new CfnCondition(stack, `${p.hasTests}On`, { expression: Fn.conditionEquals(Fn.ref(p.hasTests), 'true') });
    new CfnCondition(stack, `${p.testScaling}On`, { expression: Fn.conditionNot(Fn.conditionEquals(Fn.ref(p.testScaling), '')) });

    const dataset = text(p.baselineDataset, `Key of environment ${slot}'s drift-detection baseline dataset in the assets bucket, or empty for no drift detection`);
    new CfnCondition(stack, c.monitoring, { expression: Fn.conditionNot(Fn.conditionEquals(Fn.ref(p.baselineDataset), '')) });
    // Drift detection reads the captured traffic: a stack asking for one without the other is refused before anything is made.
    new CfnRule(stack, `Env${slot}MonitoringNeedsCapture`, {
      ruleCondition: Fn.conditionNot(Fn.conditionEquals(Fn.ref(p.baselineDataset), '')),
      assertions: [{
        assert: Fn.conditionNot(Fn.conditionEquals(Fn.ref(p.captureSampling), '')),
        assertDescription: `Drift detection reads the captured requests: set ${p.captureSampling} when ${p.baselineDataset} is set`,
      }],
    });
    text(p.datasetFormat, `How environment ${slot}'s baseline dataset is laid out`, { allowedValues: [...MONITORING_DATASET_FORMATS], default: 'csv' });
    text(p.monitoringFrequency, `How often environment ${slot}'s drift check runs`, { allowedValues: [...MONITORING_FREQUENCIES], default: 'hourly' });
    new CfnCondition(stack, c.daily, { expression: Fn.conditionEquals(Fn.ref(p.monitoringFrequency), 'daily') });
    const instanceType = text(p.monitoringInstanceType, `Processing instance type of environment ${slot}'s baseline and drift-check jobs`,
      { allowedPattern: PROCESSING_INSTANCE_TYPE_PATTERN.source, default: MONITORING_DEFAULTS.instanceType });
    const instanceCount = number(p.monitoringInstanceCount, `Instances of each of environment ${slot}'s baseline and drift-check jobs`,
      { minValue: 1, maxValue: PROCESSING_MAX_INSTANCE_COUNT, default: MONITORING_DEFAULTS.instanceCount });
    const threshold = number(p.violationsThreshold, `Constraint violations in one of environment ${slot}'s drift checks that raise its drift alarm`,
      { minValue: 1, maxValue: MONITORING_MAX_VIOLATIONS_THRESHOLD, default: MONITORING_DEFAULTS.violationsThreshold });
    for (const [key, parameter] of Object.entries(p.monitoringNames)) {
      text(parameter, `${key} of environment ${slot}'s drift detection (derived from its endpoint name)`);
    }
    slotProps.set(slot, {
      name,
      approval: true,
      autoScaling: { maxInstances: 2, targetInvocationsPerInstance: 100 },
      dataCapture: { samplingPercentage: 100 },
      tests: IntegrationTests.requests([{ name: 'stand-in', body: '{}' }]),
      monitoring: {
        baselineDataset: { bucket: assets, prefix: dataset },
        // Stand-ins: the format and the frequency come from their parameters (see blueprintTemplate).
        datasetFormat: DatasetFormat.csv(),
        frequency: DriftCheckFrequency.HOURLY,
        instanceType,
        instanceCount: Token.asNumber(instanceCount),
        violationsThreshold: Token.asNumber(threshold),
      },
    });
  }
  if (endpointSlots.length > 0) {
    // The deploy spec's JSON of each dataset format, as the construct's DatasetFormat writes it.
    new CfnMapping(stack, DATASET_FORMAT_MAPPING, {
      mapping: {
        csv: { spec: JSON.stringify(DatasetFormat.csv()._spec) },
        csvNoHeader: { spec: JSON.stringify(DatasetFormat.csv({ header: false })._spec) },
        jsonLines: { spec: JSON.stringify(DatasetFormat.jsonLines()._spec) },
      },
    });
    const monitored = endpointSlots.map((slot) => Fn.conditionEquals(Fn.ref(environmentParameters(slot).baselineDataset), ''));
    // What every monitored slot shares is there when not every slot's dataset is empty (Fn::And takes 2 to 10 conditions).
    new CfnCondition(stack, ANY_MONITORING_CONDITION, {
      expression: Fn.conditionNot(monitored.length === 1 ? monitored[0] : Fn.conditionAnd(...monitored)),
    });
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
    environments: slots.map((slot) => slotProps.get(slot)!),
  });

  // Outputs are named for the provisioning handler, apart from the parameters.
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
