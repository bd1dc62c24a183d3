/**
 * Hostile HTTP requests: bodies that are not JSON documents (too large,
 * empty, not UTF-8, the wrong content type) and pipeline names in the
 * path of GET and DELETE /pipelines/{name}.
 */
import { HostileHttpCase } from './hostile-case';
import { MAX_BODY_BYTES } from '../../src/runtime/provisioning/api-handler';
import { churnRequest } from '../framework/provision/provision-fixtures';

const VALID = JSON.stringify(churnRequest());

/** The valid request's bytes with one byte replaced by `byte`, base64-encoded as API Gateway sends binary bodies. */
function withByte(byte: number): string {
  const bytes = Buffer.from(VALID, 'utf-8');
  bytes[bytes.indexOf('churn/model')] = byte;
  return bytes.toString('base64');
}

/** The valid request with `key` set to JSON text nested `depth` levels deep (objects and arrays in turn), as raw text. */
function nestedAt(key: string, depth: number): string {
  const open = '{"a":['.repeat(depth / 2);
  const close = ']}'.repeat(depth / 2);
  return VALID.replace(/}$/, `,"${key}":${open}1${close}}`);
}

type BodyRow = [name: string, body: string | undefined, options: Partial<HostileHttpCase>];

const BODY_ROWS: BodyRow[] = [
  ['a body one byte over the limit', `${VALID}${' '.repeat(MAX_BODY_BYTES + 1 - VALID.length)}`, { status: 400, path: '' }],
  ['a body of 5 MB', `[${'0,'.repeat(2_500_000)}0]`, { status: 400, path: '' }],
  ['a body of two-byte letters over the limit in bytes, not in characters', JSON.stringify({ ...churnRequest(), extra: '\u00e9'.repeat(MAX_BODY_BYTES / 2) }), { status: 400, path: '' }],
  ['no body', undefined, { status: 400, path: '' }],
  ['an empty body', '', { status: 400, path: '' }],
  ['a body of whitespace', ' \n\t ', { status: 400, path: '' }],
  ['a body that is not JSON', 'name=churn&artifact=churn/model.tar.gz', { status: 400, path: '' }],
  ['a truncated JSON body', VALID.slice(0, -5), { status: 400, path: '' }],
  ['two JSON documents', `${VALID}${VALID}`, { status: 400, path: '' }],
  ['JSON with a trailing comma', VALID.replace(/}$/, ',}'), { status: 400, path: '' }],
  ['JSON with comments', `// a request\n${VALID}`, { status: 400, path: '' }],
  ['a NaN literal', VALID.replace('{', '{"keepReleases":NaN,'), { status: 400, path: '' }],
  ['keepReleases nested 10 000 levels deep', nestedAt('keepReleases', 10_000), { status: 400, path: 'keepReleases' }],
  ['an unknown key nested 50 000 levels deep', nestedAt('extra', 50_000), { status: 400, path: 'extra' }],
  ['arrays nested 100 000 deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, { status: 400, path: '' }],
  ['an invalid UTF-8 byte in a base64 body', withByte(0xff), { status: 400, path: '', isBase64Encoded: true }],
  ['a lone UTF-8 continuation byte in a base64 body', withByte(0x80), { status: 400, path: '', isBase64Encoded: true }],
  ['a form content type', VALID, { status: 400, path: 'content-type', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }],
  ['a text content type', VALID, { status: 400, path: 'content-type', headers: { 'content-type': 'text/plain' } }],
  ['a content type that merely contains json', VALID, { status: 400, path: 'content-type', headers: { 'Content-Type': 'text/json-ish' } }],
];

const BODY_CASES: HostileHttpCase[] = BODY_ROWS.map(([name, body, options]) => ({
  name, method: 'POST', route: '/pipelines', body, status: options.status!, path: options.path!, ...options,
}));

type NameRow = [name: string, method: string, route: string, status: number, path: string];

const NAME_ROWS: NameRow[] = [
  ['GET a name with encoded traversal', 'GET', '/pipelines/..%2Fadmin', 400, 'name'],
  ['GET a name of ..', 'GET', '/pipelines/..', 400, 'name'],
  ['DELETE a name with an encoded slash', 'DELETE', '/pipelines/churn%2Fprod', 400, 'name'],
  ['DELETE a name one past 40 characters', 'DELETE', `/pipelines/${'n'.repeat(41)}`, 400, 'name'],
  ['GET a name of 10 000 characters', 'GET', `/pipelines/${'n'.repeat(10_000)}`, 400, 'name'],
  ['GET a name in upper case', 'GET', '/pipelines/Churn', 400, 'name'],
  ['GET a name with an encoded NUL', 'GET', '/pipelines/churn%00', 400, 'name'],
  ['DELETE a name with an encoded right-to-left override', 'DELETE', '/pipelines/churn%E2%80%AE', 400, 'name'],
  ['GET a name with broken percent-encoding', 'GET', '/pipelines/churn%E2%80', 400, 'name'],
  ['GET a name with a space', 'GET', '/pipelines/churn%20model', 400, 'name'],
  ['GET a name with a wildcard', 'GET', '/pipelines/*', 400, 'name'],
  ['DELETE the stack prefix as a name', 'DELETE', '/pipelines/mlops-', 400, 'name'],
  ['GET a path below a pipeline', 'GET', '/pipelines/churn/stages', 404, 'path'],
  ['PUT on a pipeline', 'PUT', '/pipelines/churn', 405, 'method'],
  ['a method named like an Object property', 'constructor', '/pipelines', 405, 'method'],
];

const NAME_CASES: HostileHttpCase[] = NAME_ROWS.map(([name, method, route, status, path]) => ({ name, method, route, status, path }));

export const HTTP_CASES: readonly HostileHttpCase[] = [...BODY_CASES, ...NAME_CASES];
