/**
 * Hostile `POST /pipelines` bodies about the request's top level: its shape,
 * `name`, `artifact`, `image`, `notifications`, `keepReleases`, and JSON
 * bombs that stay under the body limit (deep nesting and the limit itself
 * are in http-requests.ts, as raw text).
 */
import { changed, HostileCase } from './hostile-case';
import { churnRequest } from '../framework/provision/provision-fixtures';

const BASE = churnRequest();

function top(changes: Record<string, unknown>): HostileCase['body'] {
  return { ...BASE, ...changes };
}

function without(key: string): HostileCase['body'] {
  return changed(BASE, (copy) => { delete copy[key]; });
}

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

type Row = [name: string, body: unknown, path: string];

const ROWS: Row[] = [
  // the document
  ['the body is an array', [BASE], ''],
  ['the body is a string', 'churn', ''],
  ['the body is null', null, ''],
  ['the body is a number', 42, ''],
  ['the body is an empty object', {}, 'name'],
  ['name is missing', without('name'), 'name'],
  ['artifact is missing', without('artifact'), 'artifact'],
  ['image is missing', without('image'), 'image'],
  ['environments is missing', without('environments'), 'environments'],
  ['an unknown top-level key', top({ modelName: 'churn' }), 'modelName'],
  ['a key differing only in case', top({ Name: 'churn' }), 'Name'],
  ['constructor as a key', top({ constructor: { prototype: { admin: true } } }), 'constructor'],
  ['ten thousand unknown keys', { ...BASE, ...Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])) }, 'k0'],
  // name
  ['name is null', top({ name: null }), 'name'],
  ['name is a number', top({ name: 7 }), 'name'],
  ['name is an array', top({ name: ['churn'] }), 'name'],
  ['name is an object', top({ name: { value: 'churn' } }), 'name'],
  ['name is a boolean', top({ name: true }), 'name'],
  ['name is empty', top({ name: '' }), 'name'],
  ['name one past its 40-character limit', top({ name: 'n'.repeat(41) }), 'name'],
  ['a name of 100 000 characters', top({ name: 'n'.repeat(100_000) }), 'name'],
  ['name in upper case', top({ name: 'Churn' }), 'name'],
  ['name with a NUL', top({ name: 'churn\u0000' }), 'name'],
  ['name with a right-to-left override', top({ name: 'churn\u202egpj' }), 'name'],
  ['name with a zero-width space', top({ name: 'ch\u200burn' }), 'name'],
  ['name with an emoji', top({ name: 'churn-\u{1f680}' }), 'name'],
  ['name with a Cyrillic look-alike letter', top({ name: '\u0441hurn' }), 'name'],
  ['name in full-width letters', top({ name: '\uff43\uff48\uff55\uff52\uff4e' }), 'name'],
  ['name with path traversal', top({ name: '../churn' }), 'name'],
  ['name with a slash', top({ name: 'team/churn' }), 'name'],
  ['name percent-encoded', top({ name: 'churn%2Fx' }), 'name'],
  ['name with a double hyphen', top({ name: 'churn--model' }), 'name'],
  ['name with a leading hyphen', top({ name: '-churn' }), 'name'],
  ['name with a trailing hyphen', top({ name: 'churn-' }), 'name'],
  ['name with a space', top({ name: 'churn model' }), 'name'],
  ['name with an underscore', top({ name: 'churn_model' }), 'name'],
  ['name with a newline', top({ name: 'churn\nx' }), 'name'],
  // artifact
  ['artifact is a number', top({ artifact: 3 }), 'artifact'],
  ['artifact is null', top({ artifact: null }), 'artifact'],
  ['artifact is an object with bucket and key', top({ artifact: { bucket: 'b', key: 'churn/model.tar.gz' } }), 'artifact'],
  ['artifact is empty', top({ artifact: '' }), 'artifact'],
  ['artifact with a leading slash', top({ artifact: '/churn/model.tar.gz' }), 'artifact'],
  ['artifact climbing out with ..', top({ artifact: '../model.tar.gz' }), 'artifact'],
  ['artifact with .. in the middle', top({ artifact: 'churn/../../model.tar.gz' }), 'artifact'],
  ['artifact with a . segment', top({ artifact: './model.tar.gz' }), 'artifact'],
  ['artifact with an empty segment', top({ artifact: 'churn//model.tar.gz' }), 'artifact'],
  ['artifact as an S3 URI', top({ artifact: 's3://bucket/churn/model.tar.gz' }), 'artifact'],
  ['artifact with percent-encoded ..', top({ artifact: '%2e%2e/model.tar.gz' }), 'artifact'],
  ['artifact with a percent-encoded . segment', top({ artifact: 'churn/%2E/model.tar.gz' }), 'artifact'],
  ['artifact with a backslash', top({ artifact: 'churn\\model.tar.gz' }), 'artifact'],
  ['artifact with a trailing slash', top({ artifact: 'churn/model.tar.gz/' }), 'artifact'],
  ['artifact with another suffix', top({ artifact: 'churn/model.zip' }), 'artifact'],
  ['artifact suffix in upper case', top({ artifact: 'churn/model.TAR.GZ' }), 'artifact'],
  ['artifact with a NUL', top({ artifact: 'churn/\u0000model.tar.gz' }), 'artifact'],
  ['artifact with a trailing newline', top({ artifact: 'churn/model.tar.gz\n' }), 'artifact'],
  ['artifact with a right-to-left override', top({ artifact: 'churn/\u202ezg.rat.ledom.tar.gz' }), 'artifact'],
  ['artifact with a zero-width joiner', top({ artifact: 'churn/mo\u200ddel.tar.gz' }), 'artifact'],
  ['artifact with a byte order mark', top({ artifact: '\ufeffchurn/model.tar.gz' }), 'artifact'],
  ['artifact with a lone surrogate', top({ artifact: 'churn/\ud800.tar.gz' }), 'artifact'],
  ['artifact one byte past 1024', top({ artifact: `${'k'.repeat(1018)}.tar.gz` }), 'artifact'],
  ['artifact past 1024 bytes in two-byte letters', top({ artifact: `${'\u00e9'.repeat(509)}.tar.gz` }), 'artifact'],
  ['artifact of 100 000 characters', top({ artifact: `${'k'.repeat(100_000)}.tar.gz` }), 'artifact'],
  ['artifact under the reserved config/ prefix', top({ artifact: 'config/model.tar.gz' }), 'artifact'],
  // image
  ['image is a string', top({ image: 'xgboost:1.7-1' }), 'image'],
  ['image is null', top({ image: null }), 'image'],
  ['image is an array', top({ image: [{ framework: 'xgboost', version: '1.7-1' }] }), 'image'],
  ['image is an empty object', top({ image: {} }), 'image'],
  ['a framework without a version', top({ image: { framework: 'xgboost' } }), 'image.version'],
  ['a version without a framework', top({ image: { version: '1.7-1' } }), 'image.framework'],
  ['an unknown framework', top({ image: { framework: 'caffe', version: '1.0' } }), 'image.framework'],
  ['a framework in mixed case', top({ image: { framework: 'XGBoost', version: '1.7-1' } }), 'image.framework'],
  ['a version as a number', top({ image: { framework: 'xgboost', version: 1.7 } }), 'image.version'],
  ['an unknown version', top({ image: { framework: 'xgboost', version: '9.9-9' } }), 'image.version'],
  ['a framework and a uri', top({ image: { framework: 'xgboost', version: '1.7-1', uri: `${ECR}/churn:1` } }), 'image'],
  ['a container source with traversal', top({ image: { containerSource: '../containers/churn.zip' } }), 'image.containerSource'],
  ['a container source that is no zip', top({ image: { containerSource: 'containers/Dockerfile' } }), 'image.containerSource'],
  ['a container source under config/', top({ image: { containerSource: 'config/churn.zip' } }), 'image.containerSource'],
  ['a Docker Hub image uri', top({ image: { uri: 'docker.io/library/nginx:latest' } }), 'image.uri'],
  ['an image uri with an upper-case repository', top({ image: { uri: `${ECR}/Churn:1` } }), 'image.uri'],
  ['an image uri with a short digest', top({ image: { uri: `${ECR}/churn@sha256:abc` } }), 'image.uri'],
  ['an image uri of 600 characters', top({ image: { uri: `${ECR}/${'r'.repeat(550)}:1` } }), 'image.uri'],
  ['an image uri with a newline', top({ image: { uri: `${ECR}/churn:1\nx` } }), 'image.uri'],
  ['an unknown image key', top({ image: { framework: 'xgboost', version: '1.7-1', tag: 'latest' } }), 'image.tag'],
  // notifications
  ['notifications is a string', top({ notifications: 'ml-team@example.com' }), 'notifications'],
  ['notifications is null', top({ notifications: null }), 'notifications'],
  ['emails is a string', top({ notifications: { emails: 'ml-team@example.com' } }), 'notifications.emails'],
  ['eleven emails', top({ notifications: { emails: Array.from({ length: 11 }, (_, i) => `m${i}@example.com`) } }), 'notifications.emails'],
  ['an email without @', top({ notifications: { emails: ['ml-team.example.com'] } }), 'notifications.emails[0]'],
  ['an email with a space', top({ notifications: { emails: ['ml team@example.com'] } }), 'notifications.emails[0]'],
  ['an email with a header injection', top({ notifications: { emails: ['a@example.com\r\nBcc: b@example.com'] } }), 'notifications.emails[0]'],
  ['an email with a NUL', top({ notifications: { emails: ['ml\u0000@example.com'] } }), 'notifications.emails[0]'],
  ['an email with an escape character', top({ notifications: { emails: ['ml@example.com\u001b[2J'] } }), 'notifications.emails[0]'],
  ['an email past 254 characters', top({ notifications: { emails: [`${'a'.repeat(243)}@example.com`] } }), 'notifications.emails[0]'],
  ['an email twice in another case', top({ notifications: { emails: ['ml@example.com', 'ML@Example.com'] } }), 'notifications.emails[1]'],
  ['an email as a number', top({ notifications: { emails: [5] } }), 'notifications.emails[0]'],
  ['an unknown notifications key', top({ notifications: { sms: ['+15555550100'] } }), 'notifications.sms'],
  // keepReleases
  ['keepReleases of 0', top({ keepReleases: 0 }), 'keepReleases'],
  ['keepReleases one past 20', top({ keepReleases: 21 }), 'keepReleases'],
  ['keepReleases negative', top({ keepReleases: -1 }), 'keepReleases'],
  ['keepReleases fractional', top({ keepReleases: 2.5 }), 'keepReleases'],
  ['keepReleases as "NaN"', top({ keepReleases: 'NaN' }), 'keepReleases'],
  ['keepReleases as "Infinity"', top({ keepReleases: 'Infinity' }), 'keepReleases'],
  ['keepReleases of 1e308', top({ keepReleases: 1e308 }), 'keepReleases'],
  ['keepReleases is null', top({ keepReleases: null }), 'keepReleases'],
  // JSON bombs within the body limit
  ['environments of 50 000 elements', top({ environments: Array.from({ length: 50_000 }, () => 0) }), 'environments'],
];

export const TOP_LEVEL_CASES: readonly HostileCase[] = ROWS.map(([name, body, path]) => ({ name, route: '/pipelines', body, path }));
