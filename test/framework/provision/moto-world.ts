import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  paginateListStackResources,
  paginateListStacks,
  StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { LOGGER, REQUEST_SCHEMA } from './provision-fixtures';
import { BLUEPRINT_DIRECTORY, blueprintFileName } from '../../../src/framework/blueprint/blueprint-files';
import type { ApiDeps } from '../../../src/runtime/provisioning/api-handler';
import { FrameworkWorld, frameworkWorld } from '../../aws-contracts/worlds/framework-world';
import { motoS3ClientConfig, PROJECT_ROOT } from '../../harness/moto-server';

/**
 * The provisioning handler's world on the run's shared moto server: an
 * MlopsFramework deployed (offline) with this world's names, its assets
 * bucket, the bucket its blueprint templates are published to (holding the
 * real templates, as the package ships them, built into assets/blueprints/
 * by the test command before jest, each at the key the framework's settings
 * name), its topic's name and its stack prefix; the handler gets the
 * settings the framework gives its function, and its calls are checked
 * against that function's role. Names carry a random run ID instead of
 * resetting moto, which other test files use at the same time; the handler
 * can only name stacks with the prefix, so what it did is all under that
 * prefix and in these buckets.
 */
export interface MotoWorld {
  readonly deps: ApiDeps;
  readonly cloudformation: CloudFormationClient;
  readonly s3: S3Client;
  readonly sagemaker: SageMakerClient;
  readonly apigateway: APIGatewayClient;
  readonly assetsBucket: string;
  readonly blueprintBucket: string;
  readonly stackPrefix: string;
  /** The framework's topic: a test that reads its messages creates it (with this name) and subscribes. */
  readonly topicName: string;
  /** The framework as deployed with these names: the settings in deps are its provisioning function's. */
  readonly framework: FrameworkWorld;
}

/** What else a test's world has: the Git trigger's artifact bucket, when the framework has a Git source. */
export interface MotoWorldOptions {
  readonly gitArtifactsBucket?: string;
}

/** `endpoint`: the run's shared server by default; a test file that loads moto heavily passes its own. */
export async function createMotoWorld(endpoint = process.env.MOTO_ENDPOINT, options: MotoWorldOptions = {}): Promise<MotoWorld> {
  if (!endpoint) {
    throw new Error('MOTO_ENDPOINT is not set: run these tests through jest (test/harness/global-setup.ts starts moto)');
  }
  const run = Math.random().toString(36).slice(2, 10).replace(/^[0-9]+/, '') || 'run';
  const assetsBucket = `${run}-assets`;
  const blueprintBucket = `${run}-blueprints`;
  const stackPrefix = `mlops-${run}-`;
  const topicName = `${run}-mlops`;
  const framework = frameworkWorld({ stackPrefix, assetsBucket, blueprintBucket, topicName, ...options });
  const config = { endpoint, region: 'us-east-1' };
  const cloudformation = new CloudFormationClient(config);
  const s3 = new S3Client(motoS3ClientConfig(endpoint));
  const sagemaker = new SageMakerClient(config);
  const apigateway = new APIGatewayClient(config);
  const settings = framework.provisionSettings;
  await s3.send(new CreateBucketCommand({ Bucket: assetsBucket }));
  await s3.send(new CreateBucketCommand({ Bucket: blueprintBucket }));
  for (const [shape, url] of Object.entries(settings.blueprintUrls)) {
    const { bucket, key } = blueprintObjectOf(url);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: blueprintTemplate(shape) }));
  }
  const deps: ApiDeps = {
    settings,
    region: 'us-east-1',
    cloudformation,
    s3,
    codepipeline: new CodePipelineClient(config),
    sagemaker,
    schema: REQUEST_SCHEMA,
    referencedObjects: REQUEST_SCHEMA.referencedObjects,
    logger: LOGGER,
  };
  return { deps, cloudformation, s3, sagemaker, apigateway, assetsBucket, blueprintBucket, stackPrefix, topicName, framework };
}

/** The bucket and key of a blueprint URL as CDK writes an asset's (path style: `https://s3.<region>.amazonaws.com/<bucket>/<key>`). */
export function blueprintObjectOf(url: string): { bucket: string; key: string } {
  const match = /^https:\/\/s3\.[a-z0-9-]+\.amazonaws\.com\/([^/]+)\/(.+)$/.exec(url);
  if (!match) {
    throw new Error(`${url} is not a path-style S3 URL`);
  }
  return { bucket: match[1], key: decodeURIComponent(match[2]) };
}

/** The built blueprint template of a shape, as the framework stack ships it. */
export function blueprintTemplate(shape: string): string {
  const file = path.join(PROJECT_ROOT, BLUEPRINT_DIRECTORY, blueprintFileName(shape));
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: build the blueprints first (\`npx projen blueprints\`; the test task does it before jest)`);
  }
  return readFileSync(file, 'utf-8');
}

/**
 * What CloudFormation asked of the stack's release clean-up
 * (Custom::MlopsReleaseCleanup), which the moto launcher answers in place of
 * the framework's clean-up function and records; oldest first.
 */
export async function releaseCleanupRequests(stackId: string): Promise<ReleaseCleanupRequest[]> {
  const url = new URL('/_mlops/cloudformation/release-cleanups', process.env.MOTO_ENDPOINT);
  url.searchParams.set('stackId', stackId);
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`moto control API ${url.pathname} answered ${response.status}: ${await response.text()}`);
  }
  return ((await response.json()) as { requests: ReleaseCleanupRequest[] }).requests;
}

export interface ReleaseCleanupRequest {
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly stackId: string;
  readonly logicalResourceId: string;
  readonly physicalResourceId: string;
  readonly resourceProperties: Record<string, unknown>;
  readonly oldResourceProperties?: Record<string, unknown>;
}

/** The resources a stack has, as CloudFormation lists them. */
export async function stackResources(world: MotoWorld, stackId: string): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  for await (const page of paginateListStackResources({ client: world.cloudformation }, { StackName: stackId })) {
    resources.push(...(page.StackResourceSummaries ?? []));
  }
  return resources;
}

/**
 * The invocation URL of an environment's inference API: the REST API the
 * stack made for the endpoint (`<endpoint>-inference`), at its stage `v1`.
 * Found among the stack's own APIs, since moto keeps the APIs of deleted
 * stacks and other test files may name endpoints alike.
 */
export async function inferenceUrlOf(world: MotoWorld, stackId: string, endpointName: string): Promise<string> {
  const own = new Set((await stackResources(world, stackId))
    .filter((r) => r.ResourceType === 'AWS::ApiGateway::RestApi')
    .map((r) => r.PhysicalResourceId));
  const apis = (await world.apigateway.send(new GetRestApisCommand({ limit: 500 }))).items ?? [];
  const matches = apis.filter((api) => own.has(api.id) && api.name === `${endpointName}-inference`);
  if (matches.length !== 1) {
    throw new Error(`stack ${stackId} has ${matches.length} REST APIs named ${endpointName}-inference`);
  }
  return `https://${matches[0].id}.execute-api.us-east-1.amazonaws.com/v1/invocations`;
}

/** Puts an object in the assets bucket, as a team uploads its model. */
export async function uploadAsset(world: MotoWorld, key: string, body = 'model bytes'): Promise<void> {
  await world.s3.send(new PutObjectCommand({ Bucket: world.assetsBucket, Key: key, Body: body }));
}

/** A stack under the world's prefix as ListStacks and DescribeStacks show it; parameters and tags as sorted `key=value`. */
export interface StackRecord {
  readonly id: string | undefined;
  readonly name: string | undefined;
  readonly status: string | undefined;
  readonly updated: string | undefined;
  /** Undefined for a deleted stack. */
  readonly parameters: string[] | undefined;
  readonly tags: string[] | undefined;
}

/** Every stack under the prefix, deleted ones too, in ListStacks order. */
export async function stacksUnderPrefix(world: MotoWorld): Promise<StackRecord[]> {
  const stacks: StackRecord[] = [];
  for await (const page of paginateListStacks({ client: world.cloudformation }, {})) {
    for (const summary of page.StackSummaries ?? []) {
      if (!summary.StackName?.startsWith(world.stackPrefix)) {
        continue;
      }
      const detail = summary.StackStatus === 'DELETE_COMPLETE'
        ? undefined
        : (await world.cloudformation.send(new DescribeStacksCommand({ StackName: summary.StackId }))).Stacks?.[0];
      stacks.push({
        id: summary.StackId,
        name: summary.StackName,
        status: summary.StackStatus,
        updated: summary.LastUpdatedTime?.toISOString(),
        parameters: detail?.Parameters?.map((p) => `${p.ParameterKey}=${p.ParameterValue}`).sort(),
        tags: detail?.Tags?.map((t) => `${t.Key}=${t.Value}`).sort(),
      });
    }
  }
  return stacks;
}

/**
 * Everything the handler could have written: each stack under the prefix
 * (deleted ones too) with its status, parameters and tags, and each object in
 * both buckets with its ETag. Equal snapshots mean nothing was created or changed.
 */
export async function worldSnapshot(world: MotoWorld): Promise<unknown> {
  const stacks = await stacksUnderPrefix(world);
  const objects: string[] = [];
  for (const bucket of [world.assetsBucket, world.blueprintBucket]) {
    const listed = await world.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    objects.push(...(listed.Contents ?? []).map((o) => `${bucket}/${o.Key} ${o.ETag} ${o.LastModified?.toISOString()}`));
  }
  return { stacks: stacks.sort((a, b) => ((a.id ?? '') < (b.id ?? '') ? -1 : 1)), objects: objects.sort() };
}
