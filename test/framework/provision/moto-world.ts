import {
  CloudFormationClient,
  DescribeStacksCommand,
  paginateListStacks,
} from '@aws-sdk/client-cloudformation';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { BLUEPRINT_SHAPES, blueprintTemplate } from './blueprint-fixture';
import { blueprintKey, LOGGER, provisionSettings, REQUEST_SCHEMA } from './provision-fixtures';
import type { ApiDeps } from '../../../src/runtime/provisioning/api-handler';
import { motoS3ClientConfig } from '../../harness/moto-server';

/**
 * The provisioning handler's world on the run's shared moto server: an assets
 * bucket, a bucket of blueprint templates, and a stack prefix. Names carry a
 * random run ID instead of resetting moto, which other test files use at the
 * same time; the handler can only name stacks with the prefix, so what it did
 * is all under that prefix and in these buckets.
 */
export interface MotoWorld {
  readonly deps: ApiDeps;
  readonly cloudformation: CloudFormationClient;
  readonly s3: S3Client;
  readonly sagemaker: SageMakerClient;
  readonly assetsBucket: string;
  readonly blueprintBucket: string;
  readonly stackPrefix: string;
}

export async function createMotoWorld(): Promise<MotoWorld> {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) {
    throw new Error('MOTO_ENDPOINT is not set: run these tests through jest (test/harness/global-setup.ts starts moto)');
  }
  const run = Math.random().toString(36).slice(2, 10).replace(/^[0-9]+/, '') || 'run';
  const assetsBucket = `${run}-assets`;
  const blueprintBucket = `${run}-blueprints`;
  const stackPrefix = `mlops-${run}-`;
  const config = { endpoint, region: 'us-east-1' };
  const cloudformation = new CloudFormationClient(config);
  const s3 = new S3Client(motoS3ClientConfig(endpoint));
  const sagemaker = new SageMakerClient(config);
  const settings = provisionSettings({ stackPrefix, assetsBucket, blueprintBucket });
  await s3.send(new CreateBucketCommand({ Bucket: assetsBucket }));
  await s3.send(new CreateBucketCommand({ Bucket: blueprintBucket }));
  for (const shape of BLUEPRINT_SHAPES) {
    await s3.send(new PutObjectCommand({ Bucket: blueprintBucket, Key: blueprintKey(shape), Body: blueprintTemplate(shape, settings) }));
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
  return { deps, cloudformation, s3, sagemaker, assetsBucket, blueprintBucket, stackPrefix };
}

/** Puts an object in the assets bucket, as a team uploads its model. */
export async function uploadAsset(world: MotoWorld, key: string, body = 'model bytes'): Promise<void> {
  await world.s3.send(new PutObjectCommand({ Bucket: world.assetsBucket, Key: key, Body: body }));
}

/**
 * Everything the handler could have written: each stack under the prefix
 * (deleted ones too) with its status, parameters and tags, and each object in
 * both buckets with its ETag. Equal snapshots mean nothing was created or changed.
 */
export async function worldSnapshot(world: MotoWorld): Promise<unknown> {
  const stacks: unknown[] = [];
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
        status: summary.StackStatus,
        updated: summary.LastUpdatedTime?.toISOString(),
        parameters: detail?.Parameters?.map((p) => `${p.ParameterKey}=${p.ParameterValue}`).sort(),
        tags: detail?.Tags?.map((t) => `${t.Key}=${t.Value}`).sort(),
      });
    }
  }
  const objects: string[] = [];
  for (const bucket of [world.assetsBucket, world.blueprintBucket]) {
    const listed = await world.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    objects.push(...(listed.Contents ?? []).map((o) => `${bucket}/${o.Key} ${o.ETag} ${o.LastModified?.toISOString()}`));
  }
  return { stacks: stacks.sort((a: any, b: any) => (a.id < b.id ? -1 : 1)), objects: objects.sort() };
}
