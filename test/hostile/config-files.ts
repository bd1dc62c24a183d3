/**
 * Hostile config files (`mlops-config.json`), as bytes: not JSON, not UTF-8,
 * too large, the wrong version or shape, and files whose pipelines are bad.
 * The config trigger and `mlops validate` must both refuse each, naming the
 * path (`''`: the file itself), and provision nothing. Also repository
 * archives whose entries try to stand in for the config file.
 */
import { DEFAULT_DOCUMENT_MAX_BYTES, MAX_CONFIG_PIPELINES } from '../../src/config/limits';
import { churnRequest } from '../framework/provision/provision-fixtures';
import { buildZip, EntrySpec } from '../framework/trigger/zip-builder';

/** One config file and the problem path its rejection must name. */
export interface ConfigFileCase {
  readonly name: string;
  readonly content: string | Buffer;
  readonly path: string;
}

/** One repository archive and what the rejection of the Git trigger job must say. */
export interface ArchiveCase {
  readonly name: string;
  readonly archive: Buffer;
  readonly reason: string;
}

const PIPELINE = churnRequest();

function file(document: unknown): string {
  return JSON.stringify(document, null, 2);
}

function config(changes: Record<string, unknown>): string {
  return file({ version: 1, pipelines: [PIPELINE], ...changes });
}

const VALID = config({});

type Row = [name: string, content: string | Buffer, path: string];

const FILE_ROWS: Row[] = [
  // the bytes
  ['an empty file', '', ''],
  ['a file of whitespace', '\n\n  \t\n', ''],
  ['a byte order mark and nothing else', '\ufeff', ''],
  ['two byte order marks', `\ufeff\ufeff${VALID}`, ''],
  ['a UTF-16 file with its byte order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALID, 'utf16le')]), ''],
  ['a Latin-1 letter in a UTF-8 file', Buffer.from(config({ pipelines: [{ ...PIPELINE, name: 'caf\u00e9' }] }), 'latin1'), ''],
  ['an invalid UTF-8 byte', Buffer.concat([Buffer.from(VALID.slice(0, 20)), Buffer.from([0xc3, 0x28]), Buffer.from(VALID.slice(20))]), ''],
  ['a file one byte over the limit', `${VALID}${' '.repeat(DEFAULT_DOCUMENT_MAX_BYTES + 1 - VALID.length)}`, ''],
  ['YAML instead of JSON', 'version: 1\npipelines:\n  - name: churn\n', ''],
  ['a config file with a trailing comma', VALID.replace(/\n}$/, ',\n}'), ''],
  ['a config file with comments', `/* pipelines */\n${VALID}`, ''],
  ['a NUL byte between tokens', `${VALID.slice(0, 1)}\u0000${VALID.slice(1)}`, ''],
  ['text after the document', `${VALID}\nx`, ''],
  ['pipelines nested 10 000 arrays deep', `{"version":1,"pipelines":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, 'pipelines[0]'],
  // the shape
  ['a file that is an array', file([PIPELINE]), ''],
  ['a file without a version', file({ pipelines: [PIPELINE] }), 'version'],
  ['version 2', config({ version: 2 }), 'version'],
  ['version as a string', config({ version: '1' }), 'version'],
  ['version 1.5', config({ version: 1.5 }), 'version'],
  ['version null', config({ version: null }), 'version'],
  ['a second version key, the last one wrong', VALID.replace('"version": 1,', '"version": 1, "version": 3,'), 'version'],
  ['a file without pipelines', file({ version: 1 }), 'pipelines'],
  ['no pipelines', config({ pipelines: [] }), 'pipelines'],
  ['pipelines as an object', config({ pipelines: { churn: PIPELINE } }), 'pipelines'],
  ['one pipeline past the limit', config({ pipelines: Array.from({ length: MAX_CONFIG_PIPELINES + 1 }, (_, i) => ({ ...PIPELINE, name: `p${i}` })) }), 'pipelines'],
  ['a misspelled top-level key', config({ pipeline: [PIPELINE] }), 'pipeline'],
  ['$schema as a number', config({ $schema: 1 }), '$schema'],
  // the pipelines
  ['a pipeline that is null', config({ pipelines: [PIPELINE, null] }), 'pipelines[1]'],
  ['two pipelines of one name', config({ pipelines: [PIPELINE, { ...PIPELINE, artifact: 'other/model.tar.gz' }] }), 'pipelines[1].name'],
  ['a pipeline name with a right-to-left override', config({ pipelines: [{ ...PIPELINE, name: 'churn\u202e' }] }), 'pipelines[0].name'],
  ['an artifact under config/', config({ pipelines: [{ ...PIPELINE, artifact: 'config/model.tar.gz' }] }), 'pipelines[0].artifact'],
  ['an artifact with traversal', config({ pipelines: [{ ...PIPELINE, artifact: '../other-team/model.tar.gz' }] }), 'pipelines[0].artifact'],
  ['an unknown instance type in the second pipeline', config({ pipelines: [PIPELINE, { ...PIPELINE, name: 'fraud', environments: [{ name: 'dev', instanceType: 'ml.m5.huge' }] }] }), 'pipelines[1].environments[0].instanceType'],
];

export const CONFIG_FILE_CASES: readonly ConfigFileCase[] = FILE_ROWS.map(([name, content, path]) => ({ name, content, path }));

const CONFIG_PATH = 'mlops-config.json';
const NOT_THERE = `${CONFIG_PATH} is not in the repository at this commit`;

function archive(entries: Array<Pick<EntrySpec, 'name'> & Partial<EntrySpec>>): Buffer {
  return buildZip(entries.map((entry) => ({ content: VALID, ...entry })));
}

export const ARCHIVE_CASES: readonly ArchiveCase[] = [
  { name: 'an archive whose only config file is ../mlops-config.json', archive: archive([{ name: `../${CONFIG_PATH}` }]), reason: NOT_THERE },
  { name: 'an archive whose only config file has an absolute name', archive: archive([{ name: `/${CONFIG_PATH}` }]), reason: NOT_THERE },
  { name: 'an archive whose config file climbs out of a folder', archive: archive([{ name: `docs/../${CONFIG_PATH}` }]), reason: NOT_THERE },
  { name: 'an archive whose config file has a ./ prefix', archive: archive([{ name: `./${CONFIG_PATH}` }]), reason: NOT_THERE },
  { name: 'an archive whose config file has backslashes', archive: archive([{ name: `docs\\..\\${CONFIG_PATH}` }]), reason: NOT_THERE },
  { name: 'an archive whose config file has a drive letter', archive: archive([{ name: `C:${CONFIG_PATH}` }]), reason: NOT_THERE },
  { name: 'an archive whose config file name ends in a NUL', archive: archive([{ name: `${CONFIG_PATH}\u0000` }]), reason: NOT_THERE },
  { name: 'an archive whose config file differs in letter case', archive: archive([{ name: CONFIG_PATH.toUpperCase() }]), reason: NOT_THERE },
  { name: 'an archive with a folder named like the config file', archive: archive([{ name: `${CONFIG_PATH}/`, content: '' }]), reason: NOT_THERE },
  { name: 'an archive listing the config file twice', archive: archive([{ name: CONFIG_PATH }, { name: CONFIG_PATH, content: '{}' }]), reason: `the archive lists ${CONFIG_PATH} 2 times` },
  { name: 'an archive whose local header names another file', archive: archive([{ name: CONFIG_PATH, localName: `../${CONFIG_PATH}` }]), reason: `${CONFIG_PATH}'s local header names another file` },
];
