import type { Readable } from 'stream';
import * as zlib from 'zlib';
import { Entry, fromBufferPromise, getFileNameLowLevel, ZipFile } from 'yauzl';

/**
 * Reads one file out of a zip archive held in memory: the repository a
 * CodePipeline source action hands over as a zip. yauzl reads the archive
 * (central directory, zip64, local headers, inflating); this wrapper adds the
 * policy for an archive nobody vetted: entry names that could escape a
 * directory are never matched, an ambiguous or encrypted entry is refused,
 * and the sizes are capped before and while inflating. Anything refused is a
 * {@link ZipError} saying why.
 */

/** An archive this reader refuses: the message says why, for the person who made it. */
export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

/** Options of {@link readZipEntry}. */
export interface ZipReadOptions {
  /** The largest uncompressed size accepted for the entry, in bytes. */
  readonly maxEntryBytes: number;
  /** The most central directory entries read before giving up. Default 100 000. */
  readonly maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;
const STORED = 0;
const DEFLATED = 8;

/**
 * The content of the entry named exactly `path` (forward slashes, relative),
 * or undefined when the archive has no such file. Entries whose names could
 * escape a directory (absolute, `..`, backslashes, drive letters) are never
 * matched, so a crafted name cannot stand in for the file asked for.
 *
 * @throws ZipError for an archive yauzl cannot read (truncated, split, not a
 * zip), one over the entry limit, or whose entry is encrypted, of another
 * compression method, over the size limit, listed twice, named otherwise in
 * its local header, or does not match its sizes or checksum.
 */
export async function readZipEntry(archive: Buffer, path: string, options: ZipReadOptions): Promise<Buffer | undefined> {
  if (!isSafeEntryName(path)) {
    throw new ZipError(`"${path}" is not a relative path inside the archive`);
  }
  // Names stay raw (decodeStrings: false): yauzl would otherwise fail the whole
  // archive on any unsafe name instead of leaving it unmatched. Sizes are
  // checked below, with messages that name the entry.
  const zip = await yauzlStep(() => fromBufferPromise(archive, {
    lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false,
  }));
  try {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (zip.entryCount > maxEntries) {
      throw new ZipError(`the archive has ${zip.entryCount} entries, over the limit of ${maxEntries}`);
    }
    const matches = (await yauzlStep(() => allEntries(zip))).filter((entry) => entryName(entry) === path);
    if (matches.length === 0) {
      return undefined;
    }
    // Two entries of one name: tools disagree on which one wins, so neither is trusted.
    if (matches.length > 1) {
      throw new ZipError(`the archive lists ${path} ${matches.length} times`);
    }
    return await extract(zip, matches[0], path, options.maxEntryBytes);
  } finally {
    zip.close();
  }
}

/**
 * A name that stays inside the directory it is extracted to: relative,
 * forward slashes only, no empty, `.` or `..` segment, no drive letter or
 * control character.
 */
export function isSafeEntryName(name: string): boolean {
  if (name.length === 0 || name.startsWith('/') || name.includes('\\') || /[\u0000-\u001f]/.test(name) || /^[A-Za-z]:/.test(name)) {
    return false;
  }
  return name.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

async function allEntries(zip: ZipFile): Promise<Entry[]> {
  const entries: Entry[] = [];
  for await (const entry of zip.eachEntry()) {
    entries.push(entry);
  }
  return entries;
}

/** The entry's name, or undefined when it is not a safe one ({@link isSafeEntryName}). */
function entryName(entry: Entry): string | undefined {
  // strictFileNames: a backslash stays a backslash (and so unsafe) rather than becoming a folder separator.
  const name = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
  return isSafeEntryName(name) ? name : undefined;
}

async function extract(zip: ZipFile, entry: Entry, name: string, maxEntryBytes: number): Promise<Buffer> {
  if (entry.isEncrypted()) {
    throw new ZipError(`${name} is encrypted in the archive`);
  }
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    throw new ZipError(`${name} uses compression method ${entry.compressionMethod}; only stored (0) and deflated (8) entries are supported`);
  }
  // Before anything is inflated: a zip bomb that admits its size stops here.
  if (entry.uncompressedSize > maxEntryBytes) {
    throw new ZipError(`${name} is ${entry.uncompressedSize} bytes, over the limit of ${maxEntryBytes} bytes`);
  }
  if (entry.compressionMethod === STORED && entry.compressedSize !== entry.uncompressedSize) {
    throw new ZipError(`${name} is stored uncompressed but its sizes differ (${entry.compressedSize} and ${entry.uncompressedSize})`);
  }
  const local = await yauzlStep(() => zip.readLocalFileHeaderPromise(entry));
  // A local header naming another file is a crafted archive: tools reading local headers would see something else.
  if (!local.fileName.equals(entry.fileNameRaw)) {
    throw new ZipError(`${name}'s local header names another file ("${local.fileName.toString('utf8')}")`);
  }
  const content = await readCapped(await yauzlStep(() => zip.openReadStreamPromise(entry)), name, entry.uncompressedSize);
  if (content.length !== entry.uncompressedSize) {
    throw new ZipError(`${name} is ${content.length} bytes once inflated, not the ${entry.uncompressedSize} its header says`);
  }
  if (zlib.crc32(content) !== entry.crc32) {
    throw new ZipError(`${name} does not match its checksum: the archive is damaged`);
  }
  return content;
}

/**
 * The entry's bytes, stopped as soon as they pass the declared size: an entry
 * that claims to be small but inflates to gigabytes (a zip bomb whose header
 * lies) costs one chunk past the cap, never the gigabytes.
 */
function readCapped(stream: Readable, name: string, declaredSize: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > declaredSize) {
        stream.destroy();
        reject(new ZipError(`${name} inflates to more than the ${declaredSize} bytes its header says`));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (err) => reject(new ZipError(`${name} could not be inflated: ${err.message}`)));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** A yauzl call whose failure (a damaged or unsupported archive) becomes a ZipError with yauzl's reason. */
async function yauzlStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw err instanceof ZipError ? err : new ZipError((err as Error).message);
  }
}
