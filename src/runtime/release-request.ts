/**
 * Starts a registry pipeline's release when a version of its model package
 * group is approved. A CodePipeline starts with a source action, so the
 * approval is turned into an object: the release request
 * (`{ "modelPackageArn": ... }`) at the key the pipeline's S3 source action
 * watches. Each new version of that object starts one execution, pinned to
 * that object version, and the Deploy actions release the package it names.
 *
 * The event is EventBridge's "SageMaker Model Package State Change", whose
 * detail mirrors DescribeModelPackage (ModelPackageArn, ModelPackageGroupName,
 * ModelApprovalStatus, ModelPackageStatus). The rule already delivers only
 * Approved versions of the group; the handler checks the package again with
 * DescribeModelPackage (the same check the Deploy action makes) because an
 * event may be stale: a version approved and then rejected before delivery
 * must not start a release.
 *
 * SageMaker may send several events for one state change: a request that
 * already names the package is not written again, so one approval starts
 * one release. Errors that may pass are thrown, so Lambda's asynchronous
 * retry repeats the event; a refused package is logged and dropped.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { isNotFound } from './aws-errors';
import { checkModelPackage } from './model-package';
import {
  MODEL_PACKAGE_STATE_CHANGE,
  RELEASE_REQUEST_SETTINGS_VARIABLE,
  ReleaseRequest,
  ReleaseRequestSettings,
} from '../contract/release-request-settings';

/** The fields of the event the handler reads. */
export interface ModelPackageStateChange {
  readonly 'detail-type'?: string;
  readonly 'detail'?: {
    readonly ModelPackageArn?: string;
    readonly ModelApprovalStatus?: string;
  };
}

export interface ReleaseRequestClients {
  readonly sagemaker: SageMakerClient;
  readonly s3: S3Client;
}

/** What became of one event. */
export type ReleaseRequestOutcome =
  | { readonly kind: 'requested'; readonly modelPackageArn: string; readonly versionId?: string }
  | { readonly kind: 'already-requested'; readonly modelPackageArn: string }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

/** The function's settings are wrong: no retry can fix that. */
export class ReleaseRequestSettingsError extends Error {}

/** The settings the construct put in the function's environment. */
export function readReleaseRequestSettings(env: NodeJS.ProcessEnv = process.env): ReleaseRequestSettings {
  const raw = env[RELEASE_REQUEST_SETTINGS_VARIABLE];
  if (!raw) {
    throw new ReleaseRequestSettingsError(`The release-request handler has no ${RELEASE_REQUEST_SETTINGS_VARIABLE} environment variable`);
  }
  let parsed: any;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ReleaseRequestSettingsError(`${RELEASE_REQUEST_SETTINGS_VARIABLE} is not valid JSON`);
  }
  const text = (v: unknown) => typeof v === 'string' && v.length > 0;
  const group = parsed?.group;
  if (!text(group?.name) || !text(group?.account) || !text(group?.region)) {
    throw new ReleaseRequestSettingsError(`${RELEASE_REQUEST_SETTINGS_VARIABLE}.group must have a name, an account and a region`);
  }
  if (!text(parsed.bucket) || !text(parsed.key)) {
    throw new ReleaseRequestSettingsError(`${RELEASE_REQUEST_SETTINGS_VARIABLE} must name the request's bucket and key`);
  }
  return { group: { name: group.name, account: group.account, region: group.region }, bucket: parsed.bucket, key: parsed.key };
}

/** Writes a release request for the approved package the event announces, if it may be released. */
export async function handleApprovalEvent(
  event: ModelPackageStateChange, settings: ReleaseRequestSettings, clients: ReleaseRequestClients, logger: Logger,
): Promise<ReleaseRequestOutcome> {
  if (event['detail-type'] !== MODEL_PACKAGE_STATE_CHANGE) {
    return ignored(logger, `not a ${MODEL_PACKAGE_STATE_CHANGE} event (${event['detail-type'] ?? 'no detail-type'})`);
  }
  const packageArn = event.detail?.ModelPackageArn;
  if (!packageArn) {
    return ignored(logger, 'the event names no ModelPackageArn');
  }
  if (event.detail?.ModelApprovalStatus !== 'Approved') {
    return ignored(logger, `${packageArn} is ${event.detail?.ModelApprovalStatus ?? 'not approved'}, not Approved`);
  }
  return requestRelease(packageArn, settings, clients, logger);
}

/** Writes a release request for `packageArn` once it passes the Deploy action's own check. */
export async function requestRelease(
  packageArn: string, settings: ReleaseRequestSettings, clients: ReleaseRequestClients, logger: Logger,
): Promise<ReleaseRequestOutcome> {
  const verdict = await checkModelPackage(packageArn, settings.group, clients.sagemaker);
  if (verdict.kind === 'refused') {
    // The same words the Deploy action would fail with; the message already says nothing was created.
    logger.warn('No release requested', { modelPackageArn: packageArn, reason: verdict.message });
    return { kind: 'refused', message: verdict.message };
  }
  const current = await currentRequest(settings, clients.s3);
  if (current?.modelPackageArn === verdict.packageArn) {
    logger.info('Release already requested', { modelPackageArn: verdict.packageArn });
    return { kind: 'already-requested', modelPackageArn: verdict.packageArn };
  }
  const request: ReleaseRequest = { modelPackageArn: verdict.packageArn };
  const written = await clients.s3.send(new PutObjectCommand({
    Bucket: settings.bucket,
    Key: settings.key,
    Body: JSON.stringify(request),
    ContentType: 'application/json',
  }));
  logger.info('Release requested', { modelPackageArn: verdict.packageArn, versionId: written.VersionId });
  return { kind: 'requested', modelPackageArn: verdict.packageArn, versionId: written.VersionId };
}

/** The request now at the key, if there is one it can read. */
async function currentRequest(settings: ReleaseRequestSettings, s3: S3Client): Promise<Partial<ReleaseRequest> | undefined> {
  let body: string | undefined;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: settings.bucket, Key: settings.key }));
    body = await object.Body?.transformToString();
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw err;
  }
  try {
    return JSON.parse(body ?? '') as Partial<ReleaseRequest>;
  } catch {
    // Not a request this handler wrote: the new one replaces it.
    return undefined;
  }
}

function ignored(logger: Logger, reason: string): ReleaseRequestOutcome {
  logger.info('Event ignored', { reason });
  return { kind: 'ignored', reason };
}
