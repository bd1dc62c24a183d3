/**
 * Turns a validated pipeline request into the CloudFormation input of its
 * stack: which blueprint template (by shape) and the value of each of its
 * parameters, computed with the same functions the ByomPipeline construct
 * uses (names, the deploy spec's variant and batch members, the test
 * requests, drift detection's names and defaults). Plain TypeScript: the
 * provisioning handler runs it.
 */
import {
  EMAIL_SLOTS, MONITORING_NAMES, MonitoringNameKey, PARAMETERS, blueprintShapeOf, emailParameter, environmentParameters, sharedHandlerParameters,
} from './blueprint-parameters';
import { frameworkImageUri, lookupFrameworkImage, processorFor } from '../catalog/framework-catalog';
import { modelMonitorImageUri } from '../catalog/model-monitor-catalog';
import { parseEcrImageUri } from '../config/image-uri';
import type { BatchRequest, EnvironmentRequest, PipelineRequest, Problem, TestRequestEntry } from '../config/pipeline-request';
import { batchEnvironmentSpec } from '../contract/batch-environment-settings';
import { MONITORING_DEFAULTS } from '../contract/monitoring-defaults';
import { endpointNameFor, releasePrefixFor, rollbackAlarmNames } from '../contract/naming';
import type { ProvisionSettings } from '../contract/provision-settings';
import { DEFAULT_TEST_CONTENT_TYPE, DEFAULT_TEST_STATUS, TestRequestSpec, TestSuiteSpec, defaultTestName } from '../contract/test-settings';
import { variantSpec } from '../contract/variant-settings';

/** A CloudFormation parameter value. */
export interface BlueprintParameter {
  readonly ParameterKey: string;
  readonly ParameterValue: string;
}

/** What CreateStack/UpdateStack need besides the stack name and role. */
export interface BlueprintStackInput {
  readonly shape: string;
  readonly templateUrl: string;
  readonly parameters: BlueprintParameter[];
}

/**
 * A valid request this framework still cannot provision, such as a framework
 * image SageMaker does not publish in the framework's region.
 */
export class BlueprintInputError extends Error {
  constructor(public readonly problems: Problem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'BlueprintInputError';
  }
}

/** The variant name every environment's endpoint serves from (the construct's). */
const VARIANT_NAME = 'AllTraffic';

/**
 * The stack input for a validated request.
 * @throws BlueprintInputError when the request asks for something unavailable in `region`
 */
export function blueprintStackInput(request: PipelineRequest, settings: ProvisionSettings, region: string): BlueprintStackInput {
  const shape = blueprintShapeOf(request);
  const templateUrl = settings.blueprintUrls[shape];
  if (!templateUrl) {
    throw new Error(`No blueprint for shape ${shape}: the request should have been rejected by validation`);
  }
  const shared = settings.sharedHandlers;
  const handlers: { [key: string]: string } = {
    [PARAMETERS.deployFunctionArn]: shared.deploy.functionArn,
    [PARAMETERS.deployRoleArn]: shared.deploy.roleArn,
    [PARAMETERS.testFunctionArn]: shared.test.functionArn,
    [PARAMETERS.testRoleArn]: shared.test.roleArn,
    [PARAMETERS.shareFunctionArn]: shared.share.functionArn,
    [PARAMETERS.shareRoleArn]: shared.share.roleArn,
    [PARAMETERS.cleanupServiceToken]: shared.cleanup.serviceToken,
    [PARAMETERS.cleanupRoleArn]: shared.cleanup.roleArn,
  };
  const values: { [key: string]: string } = {
    [PARAMETERS.modelName]: request.name,
    [PARAMETERS.pipelineName]: `${settings.stackPrefix}${request.name}`,
    [PARAMETERS.assetsBucket]: settings.assetsBucket,
    [PARAMETERS.assetsKeyArn]: settings.assetsKeyArn ?? '',
    [PARAMETERS.artifactKey]: request.artifact,
    [PARAMETERS.keepReleases]: String(request.keepReleases ?? 2),
    // Only those the shape's template has: CloudFormation refuses a parameter a template does not declare.
    ...Object.fromEntries(sharedHandlerParameters(shape).map((name) => [name, handlers[name]])),
  };
  if ('containerSource' in request.image) {
    values[PARAMETERS.containerSourceKey] = request.image.containerSource;
  }
  const problems: Problem[] = [];
  const last = request.environments.length;
  request.environments.forEach((env, i) => {
    const slot = i + 1;
    if (env.batch && slot !== last) {
      throw new Error(`environments[${i}] is a batch environment but not the last: the request should have been rejected by validation`);
    }
    const common = commonValues(request, env, slot);
    const kind = env.batch
      ? batchValues(env, env.batch, slot, settings.assetsBucket)
      : endpointValues(request, env, slot);
    if (env.monitoring) {
      checkAnalyzerImage(region, `environments[${i}].monitoring`, problems);
    }
    Object.assign(values, common, kind, imageValues(request, env, slot, region, problems));
  });
  const emails = request.notifications?.emails ?? [];
  for (let slot = 1; slot <= EMAIL_SLOTS; slot++) {
    values[emailParameter(slot)] = emails[slot - 1] ?? '';
  }
  if (problems.length > 0) {
    throw new BlueprintInputError(problems);
  }
  return {
    shape,
    templateUrl,
    parameters: Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
  };
}

/** What every slot has: names and the approval. */
function commonValues(request: PipelineRequest, env: EnvironmentRequest, slot: number): { [key: string]: string } {
  const p = environmentParameters(slot);
  return {
    [p.name]: env.name,
    [p.endpointName]: endpointNameFor(request.name, env.name),
    [p.releasePrefix]: releasePrefixFor(request.name, env.name),
    [p.approval]: String(env.approval ?? false),
  };
}

/** An endpoint slot: how it serves, its tests, its capture and its drift detection. */
function endpointValues(request: PipelineRequest, env: EnvironmentRequest, slot: number): { [key: string]: string } {
  const p = environmentParameters(slot);
  const endpointName = endpointNameFor(request.name, env.name);
  const { dataCapture: _capture, ...variant } = variantSpec({
    serverless: env.serverless,
    instanceType: env.instanceType,
    instanceCount: env.instanceCount,
    autoScaling: env.autoScaling,
    rollbackAlarms: rollbackAlarmNames(endpointName),
  });
  const tests = env.tests ?? [];
  const monitoring = env.monitoring;
  // Drift detection reads the captured traffic, so capture is on with it (all of it unless said otherwise).
  const capture = env.dataCapture ?? (monitoring ? {} : undefined);
  return {
    // The members, without the braces: the blueprint splices them into the deploy spec.
    [p.variant]: JSON.stringify(variant).slice(1, -1),
    [p.captureSampling]: capture && !env.serverless ? String(capture.samplingPercentage ?? 100) : '',
    [p.testScaling]: variant.autoScaling ? JSON.stringify({ variantName: VARIANT_NAME, autoScaling: variant.autoScaling }) : '',
    [p.tests]: JSON.stringify({ requests: tests.map(testRequestSpec) } satisfies TestSuiteSpec),
    [p.hasTests]: String(tests.length > 0),
    // Empty turns drift detection off; the other values are then unused, and given their defaults.
    [p.baselineDataset]: monitoring?.baselineDataset ?? '',
    [p.datasetFormat]: monitoring?.datasetFormat ?? 'csv',
    [p.monitoringFrequency]: monitoring?.frequency ?? 'hourly',
    [p.monitoringInstanceType]: monitoring?.instanceType ?? MONITORING_DEFAULTS.instanceType,
    [p.monitoringInstanceCount]: String(monitoring?.instanceCount ?? MONITORING_DEFAULTS.instanceCount),
    [p.violationsThreshold]: String(monitoring?.violationsThreshold ?? MONITORING_DEFAULTS.violationsThreshold),
    // The construct names every drift-detection resource after the endpoint.
    ...Object.fromEntries(Object.entries(MONITORING_NAMES)
      .map(([key, derive]) => [p.monitoringNames[key as MonitoringNameKey], derive(endpointName)])),
  };
}

/** A batch slot: its instances, its data in the assets bucket, and the deploy spec's batch member. */
function batchValues(env: EnvironmentRequest, batch: BatchRequest, slot: number, assetsBucket: string): { [key: string]: string } {
  const p = environmentParameters(slot);
  const instances = { instanceType: env.instanceType, instanceCount: env.instanceCount, rollbackAlarms: [] };
  const { instanceType, initialInstanceCount } = variantSpec(instances);
  return {
    [p.variant]: JSON.stringify({ instanceType, initialInstanceCount }).slice(1, -1),
    [p.batchInput]: batch.input,
    [p.batchOutput]: batch.output,
    [p.batch]: JSON.stringify(batchEnvironmentSpec({
      ...batch,
      inputS3Uri: `s3://${assetsBucket}/${batch.input}`,
      outputS3Uri: `s3://${assetsBucket}/${batch.output}`,
    })),
  };
}

/** A prebuilt image's URI and repository (a built one is the pipeline's own). */
function imageValues(
  request: PipelineRequest, env: EnvironmentRequest, slot: number, region: string, problems: Problem[],
): { [key: string]: string } {
  const p = environmentParameters(slot);
  const values: { [key: string]: string } = {};
  const image = request.image;
  if ('framework' in image) {
    // GPU instances get the GPU build: the same instance type the environment serves or transforms on.
    const instanceType = env.serverless ? undefined : variantSpec({ instanceType: env.instanceType, rollbackAlarms: [] }).instanceType;
    const query = { framework: image.framework, version: image.version, processor: processorFor(instanceType) };
    try {
      const published = lookupFrameworkImage(query);
      values[p.imageUri] = frameworkImageUri(query, region);
      values[p.imageRepositoryArn] = ecrRepositoryArn(region, published.accounts[region], published.repository);
    } catch (e) {
      problems.push({ path: `environments[${slot - 1}]`, message: `needs the ${query.processor} image of ${image.framework} ${image.version} in ${region}: ${(e as Error).message}` });
    }
  } else if ('uri' in image) {
    values[p.imageUri] = image.uri;
    // The schema accepted the URI, so it parses.
    const { account, region: imageRegion, repository } = parseEcrImageUri(image.uri)!;
    values[p.imageRepositoryArn] = ecrRepositoryArn(imageRegion, account, repository);
  }
  return values;
}

/**
 * The blueprint finds Model Monitor's analyzer image by region when the stack
 * is created: a region without one is refused here, before anything is made.
 */
function checkAnalyzerImage(region: string, path: string, problems: Problem[]): void {
  try {
    modelMonitorImageUri(region);
  } catch (e) {
    problems.push({ path, message: `needs SageMaker's Model Monitor analyzer image: ${(e as Error).message}` });
  }
}

function ecrRepositoryArn(region: string, account: string, repository: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

/** A request's test entry as the test handler reads it: IntegrationTests.requests() with the same defaults. */
function testRequestSpec(entry: TestRequestEntry, index: number): TestRequestSpec {
  const expect = entry.expect ?? {};
  return {
    name: entry.name ?? defaultTestName(index),
    body: entry.body,
    contentType: entry.contentType ?? DEFAULT_TEST_CONTENT_TYPE,
    accept: entry.accept,
    status: expect.status ?? DEFAULT_TEST_STATUS,
    bodyContains: expect.bodyContains?.length ? expect.bodyContains : undefined,
    jsonPath: expect.jsonPath?.length
      ? expect.jsonPath.map((e) => ({ path: e.path, equals: e.equalsJson, min: e.min, max: e.max }))
      : undefined,
    maxLatencyMs: expect.maxLatencyMs,
  };
}
