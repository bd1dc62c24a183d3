/**
 * Turns a validated pipeline request into the CloudFormation input of its
 * stack: which blueprint template (by shape) and the value of each of its
 * parameters, computed with the same functions the ByomPipeline construct
 * uses (names, the deploy spec's variant, the test requests). Plain
 * TypeScript: the provisioning handler runs it.
 */
import { EMAIL_SLOTS, PARAMETERS, blueprintShapeOf, emailParameter, environmentParameters } from './blueprint-parameters';
import { parseEcrImageUri } from '../../config/image-rules';
import type { EnvironmentRequest, PipelineRequest, Problem, TestRequestEntry } from '../../config/pipeline-request';
import { variantSpec } from '../../pipeline/environment/variant-spec';
import { frameworkImageUri, lookupFrameworkImage, processorFor } from '../../pipeline/image/framework-catalog';
import { endpointNameFor, releasePrefixFor, rollbackAlarmNames } from '../../pipeline/naming';
import { DEFAULT_TEST_CONTENT_TYPE, DEFAULT_TEST_STATUS, TestRequestSpec, TestSuiteSpec, defaultTestName } from '../../pipeline/tests/test-spec';
import type { ProvisionSettings } from '../provision/provision-settings';

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
  const values: { [key: string]: string } = {
    [PARAMETERS.modelName]: request.name,
    [PARAMETERS.pipelineName]: `${settings.stackPrefix}${request.name}`,
    [PARAMETERS.assetsBucket]: settings.assetsBucket,
    [PARAMETERS.artifactKey]: request.artifact,
    [PARAMETERS.keepReleases]: String(request.keepReleases ?? 2),
    [PARAMETERS.deployFunctionArn]: shared.deploy.functionArn,
    [PARAMETERS.deployRoleArn]: shared.deploy.roleArn,
    [PARAMETERS.testFunctionArn]: shared.test.functionArn,
    [PARAMETERS.testRoleArn]: shared.test.roleArn,
    [PARAMETERS.shareFunctionArn]: shared.share.functionArn,
    [PARAMETERS.shareRoleArn]: shared.share.roleArn,
    [PARAMETERS.cleanupServiceToken]: shared.cleanup.serviceToken,
    [PARAMETERS.cleanupRoleArn]: shared.cleanup.roleArn,
  };
  if ('containerSource' in request.image) {
    values[PARAMETERS.containerSourceKey] = request.image.containerSource;
  }
  const problems: Problem[] = [];
  request.environments.forEach((env, i) => {
    Object.assign(values, environmentValues(request, env, i + 1, region, problems));
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

function environmentValues(
  request: PipelineRequest, env: EnvironmentRequest, slot: number, region: string, problems: Problem[],
): { [key: string]: string } {
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
  const values: { [key: string]: string } = {
    [p.name]: env.name,
    [p.endpointName]: endpointName,
    [p.releasePrefix]: releasePrefixFor(request.name, env.name),
    // The members, without the braces: the blueprint splices them into the deploy spec.
    [p.variant]: JSON.stringify(variant).slice(1, -1),
    [p.captureSampling]: env.dataCapture && !env.serverless ? String(env.dataCapture.samplingPercentage ?? 100) : '',
    [p.testScaling]: variant.autoScaling ? JSON.stringify({ variantName: VARIANT_NAME, autoScaling: variant.autoScaling }) : '',
    [p.tests]: JSON.stringify({ requests: tests.map(testRequestSpec) } satisfies TestSuiteSpec),
    [p.hasTests]: String(tests.length > 0),
    [p.approval]: String(env.approval ?? false),
  };
  const image = request.image;
  if ('framework' in image) {
    const query = { framework: image.framework, version: image.version, processor: processorFor(variant.instanceType) };
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
