import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { isAlreadyExists, isNotFound } from './aws-errors';
import { checkModelPackage } from './model-package';
import { StageResult, stageReleaseArtifact } from './release-artifact';
import type { ArtifactLocation, EnvironmentDeploySpec } from '../contract/deploy-settings';
import { releaseId, releaseName } from '../contract/naming';

/*
 * The first half of every release, endpoint or batch: an immutable copy of
 * the artifact version under the release's own key, and a SageMaker model
 * named after the release that serves it.
 */

/** The AWS clients a release uses; injected so tests and the demo choose where they point. */
export interface ReleaseClients {
  /** SageMaker where the endpoint runs. */
  readonly sagemaker: SageMakerClient;
  /** S3 in the pipeline's account: the first copy of each release. */
  readonly s3: S3Client;
  /** Application Auto Scaling where the endpoint runs. */
  readonly autoscaling: ApplicationAutoScalingClient;
  /** S3 in the environment's account and region, for an environment elsewhere: the copy SageMaker reads. */
  readonly environmentS3?: S3Client;
}

/** Identifies one release of one environment. */
export interface ReleaseRequest {
  readonly environment: string;
  readonly spec: EnvironmentDeploySpec;
  readonly executionId: string;
  readonly artifact: ArtifactLocation;
  readonly artifactVersion: string;
  /**
   * A registry pipeline's release: the package version it releases (the spec
   * has a `modelPackageGroup`).
   * @default - the one the release request (the artifact version) names
   */
  readonly modelPackageArn?: string;
}

export function artifactKey(spec: EnvironmentDeploySpec, release: string): string {
  return `${spec.releaseKeyPrefix}${release}/model.tar.gz`;
}

export function sageMakerTags(spec: EnvironmentDeploySpec) {
  return spec.tags.map((t) => ({ Key: t.key, Value: t.value }));
}

export /** Runs a create call; an existing resource of that name (a retried job) counts as created. */
async function createOnce(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (!isAlreadyExists(err)) {
      throw err;
    }
  }
}

/**
 * Copies the artifact version to the release's own key in the pipeline's
 * bucket and, for an environment in another account or region, on to the
 * same key in that environment's bucket (SageMaker reads only from its own
 * region). Says which bucket SageMaker reads from.
 */
async function stageRelease(request: ReleaseRequest, release: string, clients: ReleaseClients): Promise<StageResult & { readonly bucket: string }> {
  const { spec } = request;
  const copy = { bucket: spec.releaseBucket, key: artifactKey(spec, release) };
  const staged = await stageReleaseArtifact(
    clients.s3,
    { bucket: request.artifact.bucket, key: request.artifact.key, versionId: request.artifactVersion || undefined },
    copy,
  );
  if (!staged.staged || !spec.access) {
    return { ...staged, bucket: copy.bucket };
  }
  if (!clients.environmentS3) {
    throw new Error(`Environment ${request.environment} is in another account or region, but the handler has no S3 client there`);
  }
  // The copy is taken in the environment's region; the pipeline's own copy is looked at in the pipeline's.
  const onward = await stageReleaseArtifact(clients.environmentS3, copy, { bucket: spec.access.releaseBucket, key: copy.key }, clients.s3);
  return { ...onward, bucket: spec.access.releaseBucket };
}

/**
 * Stages the release's artifact and creates its model, named
 * `<releasePrefix>-<releaseId>`. Idempotent: a retried job finds both done.
 */
export async function createReleaseModel(
  request: ReleaseRequest,
  clients: ReleaseClients,
): Promise<{ readonly kind: 'created'; readonly release: string } | { readonly kind: 'failed'; readonly message: string }> {
  const { spec } = request;
  const release = releaseName(spec.releasePrefix, releaseId(request.executionId));
  if (spec.modelPackageGroup) {
    return createPackageModel(request, release, clients);
  }
  const staged = await stageRelease(request, release, clients);
  if (!staged.staged) {
    return { kind: 'failed', message: staged.reason };
  }
  await createOnce(() => clients.sagemaker.send(new CreateModelCommand({
    ModelName: release,
    ExecutionRoleArn: spec.executionRoleArn,
    PrimaryContainer: { Image: spec.imageUri, ModelDataUrl: `s3://${staged.bucket}/${artifactKey(spec, release)}` },
    VpcConfig: spec.vpcConfig && { Subnets: spec.vpcConfig.subnets, SecurityGroupIds: spec.vpcConfig.securityGroupIds },
    Tags: sageMakerTags(spec),
  })));
  return { kind: 'created', release };
}

/**
 * A registry release: the model is created from the package version itself
 * (SageMaker takes its images and model data from the package), once the
 * package is found to be an Approved version of the pipeline's group.
 */
async function createPackageModel(
  request: ReleaseRequest,
  release: string,
  clients: ReleaseClients,
): Promise<{ readonly kind: 'created'; readonly release: string } | { readonly kind: 'failed'; readonly message: string }> {
  const { spec } = request;
  const sagemaker = clients.sagemaker;
  const requested = request.modelPackageArn !== undefined
    ? { packageArn: request.modelPackageArn }
    : await requestedPackage(request, clients.s3);
  if (!('packageArn' in requested)) {
    return { kind: 'failed', message: `Environment ${request.environment} releases from model package group ${spec.modelPackageGroup!.name}, but ${requested.why}; nothing was created` };
  }
  const verdict = await checkModelPackage(requested.packageArn, spec.modelPackageGroup!, sagemaker);
  if (verdict.kind === 'refused') {
    return { kind: 'failed', message: verdict.message };
  }
  await createOnce(() => sagemaker.send(new CreateModelCommand({
    ModelName: release,
    ExecutionRoleArn: spec.executionRoleArn,
    Containers: [{ ModelPackageName: verdict.packageArn }],
    VpcConfig: spec.vpcConfig && { Subnets: spec.vpcConfig.subnets, SecurityGroupIds: spec.vpcConfig.securityGroupIds },
    Tags: sageMakerTags(spec),
  })));
  return { kind: 'created', release };
}

/**
 * The package version the execution's release request names: the request
 * object version (the pipeline's source, `{ "modelPackageArn": ... }`, written
 * when a version is approved) the execution was started with.
 */
async function requestedPackage(request: ReleaseRequest, s3: S3Client): Promise<{ readonly packageArn: string } | { readonly why: string }> {
  const { bucket, key } = request.artifact;
  const where = `the release request s3://${bucket}/${key}${request.artifactVersion ? ` (version ${request.artifactVersion})` : ''}`;
  let body: string | undefined;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: request.artifactVersion || undefined }));
    body = await object.Body?.transformToString();
  } catch (err) {
    // NoSuchKey or NoSuchVersion (the pipeline's source object is versioned): both are 404s.
    if (isNotFound(err) || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      return { why: `${where} does not exist` };
    }
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return { why: `${where} is not JSON` };
  }
  const arn = (parsed as { modelPackageArn?: unknown } | null)?.modelPackageArn;
  if (typeof arn !== 'string' || arn.length === 0) {
    return { why: `${where} names no modelPackageArn` };
  }
  return { packageArn: arn };
}
