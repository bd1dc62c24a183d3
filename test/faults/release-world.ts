import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { CreateBucketCommand, ListObjectsV2Command, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointCommandOutput,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { DeploySpec, EnvironmentDeploySpec } from '../../src/contract/deploy-settings';
import { SCALING_TAG } from '../../src/contract/scaling-tag';
import { endpointNameFor, isReleaseName, releaseId, releasePrefixFor, releaseName } from '../../src/contract/naming';
import { ReleaseClients } from '../../src/runtime/endpoint-release';
import { xgboostModelArtifact } from '../fixtures/model-artifact';
import { motoS3ClientConfig } from '../harness/moto-server';
import { envSpec } from '../pipeline/deploy/deploy-fixtures';

/*
 * Releases against the suite's shared moto server. That server is never
 * reset, so every case works on an endpoint (and release prefix) of its own
 * and looks only at resources under that name: the `dev` environment of a
 * pipeline of its own, whose model is named after the case (the pipelines
 * of test/aws-contracts/worlds/fault-worlds.ts, whose roles its calls act as).
 */

/** The environment every case's pipeline releases to. */
const ENVIRONMENT = 'dev';

const ARTIFACT_KEY = 'churn/model.tar.gz';

/** Fresh clients on the shared emulator: faults attach to a case's own clients only. */
export function motoReleaseClients(): ReleaseClients & { readonly sagemaker: SageMakerClient; readonly autoscaling: ApplicationAutoScalingClient } {
  const endpoint = process.env.MOTO_ENDPOINT!;
  const region = 'us-east-1';
  return {
    sagemaker: new SageMakerClient({ endpoint, region }),
    s3: new S3Client(motoS3ClientConfig(endpoint)),
    autoscaling: new ApplicationAutoScalingClient({ endpoint, region }),
  };
}

/** The buckets of one test file: the model bucket (versioned, holding the artifact) and the release bucket. */
export interface ReleaseBuckets {
  readonly models: string;
  readonly releases: string;
  /** The artifact version every release of the file deploys. */
  readonly version: string;
}

/** The names of a test file's buckets. */
export function releaseBucketNames(prefix: string): { readonly models: string; readonly releases: string } {
  return { models: `${prefix}-models`, releases: `${prefix}-releases` };
}

/** Creates a test file's buckets and uploads the artifact once. */
export async function createReleaseBuckets(prefix: string): Promise<ReleaseBuckets> {
  const s3 = motoReleaseClients().s3;
  const buckets = releaseBucketNames(prefix);
  for (const bucket of Object.values(buckets)) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
  const put = await s3.send(new PutObjectCommand({ Bucket: buckets.models, Key: ARTIFACT_KEY, Body: xgboostModelArtifact() }));
  return { ...buckets, version: put.VersionId! };
}

/** The endpoint of the pipeline of a case's model, as the pipeline names it. */
export function caseEndpoint(model: string): string {
  return endpointNameFor(model, ENVIRONMENT);
}

/** The model of the case whose endpoint this is (its pipeline's endpoint is `<model>-dev`). */
export function modelOfEndpoint(endpointName: string): string {
  return endpointName.replace(new RegExp(`-${ENVIRONMENT}$`), '');
}

/** The model of the case whose spec this is. */
export function caseModel(spec: DeploySpec): string {
  return modelOfEndpoint(spec.environments.dev.endpointName);
}

/** The deploy spec of the `dev` environment of the pipeline of model `model`, as that pipeline names its endpoint and releases. */
export function worldSpec(buckets: ReleaseBuckets, model: string, overrides: Partial<EnvironmentDeploySpec> = {}): DeploySpec {
  const endpointName = caseEndpoint(model);
  const dev = envSpec({
    endpointName,
    releasePrefix: releasePrefixFor(model, ENVIRONMENT),
    releaseBucket: buckets.releases,
    releaseKeyPrefix: `releases/${endpointName}/`,
    keepReleases: 1,
    ...overrides,
  });
  return { pipelineName: 'churn-mlops', artifact: { bucket: buckets.models, key: ARTIFACT_KEY }, environments: { dev } };
}

/** The model and endpoint config name of execution `executionId`'s release. */
export function releaseOf(spec: DeploySpec, executionId: string): string {
  return releaseName(spec.environments.dev.releasePrefix, releaseId(executionId));
}

/**
 * Puts an endpoint on a release made directly (no handler), as an earlier
 * release would have left it: the model, its config, the endpoint InService.
 */
export async function serveRelease(sagemaker: SageMakerClient, spec: DeploySpec, executionIds: string[]): Promise<void> {
  const env = spec.environments.dev;
  for (const executionId of executionIds) {
    const name = releaseOf(spec, executionId);
    await sagemaker.send(new CreateModelCommand({
      ModelName: name,
      ExecutionRoleArn: env.executionRoleArn,
      PrimaryContainer: { Image: env.imageUri },
    }));
    await sagemaker.send(new CreateEndpointConfigCommand({
      EndpointConfigName: name,
      ProductionVariants: [{ VariantName: env.variantName, ModelName: name, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
    }));
  }
  const serving = releaseOf(spec, executionIds[executionIds.length - 1]);
  await sagemaker.send(new CreateEndpointCommand({ EndpointName: env.endpointName, EndpointConfigName: serving }));
  // The emulator finishes a change after its first describe.
  await sagemaker.send(new DescribeEndpointCommand({ EndpointName: env.endpointName }));
}

/** Registers the environment's variant for scaling, as a release of an autoscaled environment leaves it (tagged with its endpoint). */
export async function registerScaling(autoscaling: ApplicationAutoScalingClient, spec: DeploySpec): Promise<void> {
  const env = spec.environments.dev;
  await autoscaling.send(new RegisterScalableTargetCommand({
    ServiceNamespace: 'sagemaker',
    ResourceId: `endpoint/${env.endpointName}/variant/${env.variantName}`,
    ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    MinCapacity: 1,
    MaxCapacity: 4,
    Tags: { [SCALING_TAG]: env.endpointName },
  }));
}

/** What exists of one environment: its endpoint, and its release configs, models and artifact copies. */
export interface WorldState {
  readonly endpoint?: { readonly status?: string; readonly config?: string };
  readonly configs: string[];
  readonly models: string[];
  readonly copies: string[];
  readonly scalableTargets: number;
}

/**
 * Looks at an environment without changing it (no DescribeEndpoint, which
 * moves the emulator's endpoints through their changes): lists only, except
 * for the endpoint's config once it is InService.
 */
export async function worldState(clients: ReturnType<typeof motoReleaseClients>, spec: DeploySpec): Promise<WorldState> {
  const env = spec.environments.dev;
  const ofPrefix = (names: Array<string | undefined>) => names.filter((n): n is string => !!n && isReleaseName(env.releasePrefix, n)).sort();
  const configs = await clients.sagemaker.send(new ListEndpointConfigsCommand({ NameContains: env.releasePrefix, MaxResults: 100 }));
  const models = await clients.sagemaker.send(new ListModelsCommand({ NameContains: env.releasePrefix, MaxResults: 100 }));
  const endpoints = await clients.sagemaker.send(new ListEndpointsCommand({ NameContains: env.endpointName, MaxResults: 100 }));
  const summary = endpoints.Endpoints?.find((e) => e.EndpointName === env.endpointName);
  const described = summary?.EndpointStatus === 'InService'
    ? await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: env.endpointName }))
    : undefined;
  const copies = await clients.s3.send(new ListObjectsV2Command({ Bucket: env.releaseBucket, Prefix: env.releaseKeyPrefix }));
  const targets = await clients.autoscaling.send(new DescribeScalableTargetsCommand({
    ServiceNamespace: 'sagemaker',
    ResourceIds: [`endpoint/${env.endpointName}/variant/${env.variantName}`],
  }));
  return {
    endpoint: summary && { status: summary.EndpointStatus, config: described?.EndpointConfigName },
    configs: ofPrefix((configs.EndpointConfigs ?? []).map((c) => c.EndpointConfigName)),
    models: ofPrefix((models.Models ?? []).map((m) => m.ModelName)),
    copies: (copies.Contents ?? []).map((o) => o.Key!).sort(),
    scalableTargets: targets.ScalableTargets?.length ?? 0,
  };
}

/** Every DescribeEndpoint answer a handler gets through this client, in order: what it saw of the endpoint. */
export function recordDescribes(sagemaker: SageMakerClient): DescribeEndpointCommandOutput[] {
  const seen: DescribeEndpointCommandOutput[] = [];
  sagemaker.middlewareStack.add((next: any, context: any) => async (args: any) => {
    const result = await next(args);
    if (context.commandName === 'DescribeEndpointCommand') {
      seen.push(result.output);
    }
    return result;
  }, { step: 'initialize', name: 'describeRecorder' });
  return seen;
}

/** The answers in which the endpoint was not up (in one of `statuses`) on one of `configs`, as "status on config". */
export function notServing(seen: readonly DescribeEndpointCommandOutput[], configs: readonly string[], statuses = ['InService', 'Updating']): string[] {
  return seen
    .filter((d) => !statuses.includes(d.EndpointStatus!) || !configs.includes(d.EndpointConfigName!))
    .map((d) => `${d.EndpointStatus} on ${d.EndpointConfigName}`);
}
