import { CONFIG_PREFIX, DEFAULT_DOCUMENT_MAX_BYTES } from '../../config/limits';
import { errorName, isNotFound, isTransient } from '../aws-errors';
import { applyConfig, ConfigResult, rejectedFile } from './apply-config';
import { ConfigLocation, describeLocation } from './config-location';
import { readObjectCapped } from './object-body';
import { loggedReport, publishReport } from './publish-report';
import type { ConfigTriggerDeps } from './trigger-deps';
import { TriggerEventError } from './trigger-event-error';
import { utf8Text } from '../../config/utf8-text';

/** The prefix of config files in the assets bucket. */
export { CONFIG_PREFIX };
/** Only JSON files under the prefix are config files; anything else there is left alone. */
export const CONFIG_SUFFIX = '.json';

/** The object an EventBridge "Object Created" event from S3 names. */
export interface ConfigObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/** True for an EventBridge event from S3 about a created object. */
export function isObjectCreatedEvent(event: unknown): boolean {
  const e = event as { 'source'?: unknown; 'detail-type'?: unknown } | undefined;
  return e?.source === 'aws.s3' && e?.['detail-type'] === 'Object Created';
}

/** Reads bucket, key and version out of an "Object Created" event. */
export function configObjectOf(event: unknown): ConfigObject {
  const detail = (event as { detail?: { bucket?: { name?: unknown }; object?: { 'key'?: unknown; 'version-id'?: unknown } } }).detail;
  const bucket = detail?.bucket?.name;
  const key = detail?.object?.key;
  const versionId = detail?.object?.['version-id'];
  if (typeof bucket !== 'string' || bucket === '' || typeof key !== 'string' || key === '') {
    throw new TriggerEventError('The "Object Created" event has no detail.bucket.name or detail.object.key');
  }
  if (versionId !== undefined && typeof versionId !== 'string') {
    throw new TriggerEventError('The "Object Created" event\'s detail.object.version-id is not a string');
  }
  return { bucket, key, versionId: versionId || undefined };
}

/**
 * A config file uploaded under `config/` in the assets bucket: that exact
 * object version is read, applied and reported on the topic.
 *
 * Transient AWS errors (reading, provisioning or publishing) are thrown so
 * Lambda's asynchronous retry runs the whole event again, which is safe:
 * provisioning is idempotent by name and request hash. A failed publish is
 * thrown too, for the same reason: the report must not be lost, and the
 * retry sends it (the outcome is in the log before the publish either way).
 */
export async function handleConfigUpload(object: ConfigObject, deps: ConfigTriggerDeps, requestId: string): Promise<void> {
  const { logger, settings } = deps;
  if (object.bucket !== settings.assetsBucket) {
    // The rule should only send the assets bucket's events; reading any other bucket is not this function's business.
    logger.error('Ignored an upload to a bucket that is not the assets bucket', { bucket: object.bucket, key: object.key, requestId });
    return;
  }
  if (!object.key.startsWith(CONFIG_PREFIX) || !object.key.endsWith(CONFIG_SUFFIX)) {
    logger.info('Ignored an object that is not a config file', { key: object.key, requestId });
    return;
  }
  const location: ConfigLocation = { kind: 's3', ...object };
  const where = describeLocation(location);
  const result = await readAndApply(object, deps, requestId);
  const report = loggedReport(deps, location, result, { requestId });
  try {
    await publishReport(deps, report);
  } catch (err) {
    logger.error('The config file\'s report could not be published; the event will be retried', { source: where, requestId, error: err as Error });
    throw err;
  }
}

async function readAndApply(object: ConfigObject, deps: ConfigTriggerDeps, requestId: string): Promise<ConfigResult> {
  const read = await readConfigObject(object, deps, requestId);
  if (typeof read !== 'string') {
    return read;
  }
  return applyConfig(read, deps, requestId);
}

/** The object's text, or the rejection saying why it cannot be had. */
async function readConfigObject(object: ConfigObject, deps: ConfigTriggerDeps, requestId: string): Promise<string | ConfigResult> {
  let read;
  try {
    read = await readVersion(object, deps);
  } catch (err) {
    if (isTransient(err)) {
      throw err;
    }
    if (isNotFound(err) || errorName(err) === 'NoSuchVersion') {
      deps.logger.warn('The config file is gone', { key: object.key, versionId: object.versionId, requestId, error: err as Error });
      return rejectedFile('could not be read: this version no longer exists (deleted since it was uploaded?); nothing was provisioned');
    }
    // Access denied or any other lasting error: another try would fail alike, so it is reported now.
    deps.logger.error('The config file could not be read', { key: object.key, versionId: object.versionId, requestId, error: err as Error });
    return rejectedFile(`could not be read (${errorName(err)}; see the config trigger's log, request ID ${requestId}); nothing was provisioned`);
  }
  if (read.kind === 'too-large') {
    return rejectedFile(`is ${read.size} bytes or more, over the limit of ${DEFAULT_DOCUMENT_MAX_BYTES} bytes`);
  }
  const text = utf8Text(read.bytes);
  if (text === undefined) {
    return rejectedFile('is not UTF-8 text');
  }
  return text;
}

/**
 * S3's own notifications URL-encode keys ("a b.json" as "a+b.json");
 * EventBridge's are documented without saying. A key that is not found as
 * given is tried once decoded, so a config file with a space or a special
 * character in its name is read either way; keys without `%` or `+` read
 * the same both ways and are asked for once.
 */
async function readVersion(object: ConfigObject, deps: ConfigTriggerDeps) {
  const read = (key: string) =>
    readObjectCapped(deps.s3, { Bucket: object.bucket, Key: key, VersionId: object.versionId }, DEFAULT_DOCUMENT_MAX_BYTES);
  try {
    return await read(object.key);
  } catch (err) {
    const decoded = formDecoded(object.key);
    if (decoded === undefined || decoded === object.key || !isNotFound(err)) {
      throw err;
    }
    return read(decoded);
  }
}

/** `application/x-www-form-urlencoded` decoding, or undefined for a key that is not validly encoded. */
function formDecoded(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
