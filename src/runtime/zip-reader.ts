import * as zlib from 'zlib';

/**
 * Reads one file out of a zip archive held in memory: the repository a
 * CodePipeline source action hands over as a zip. Only what a source
 * artifact needs: a single-disk archive, stored or deflated entries, found
 * through the central directory (the local headers may lie, and with data
 * descriptors their sizes are zero). Anything else is refused with a
 * {@link ZipError} saying why, never guessed at.
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

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const END_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const ZIP64_LOCATOR_SIZE = 20;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATED = 8;
/** General purpose flag bits: 0 encrypted, 6 strong encryption, 13 encrypted central directory. */
const ENCRYPTION_BITS = [0, 6, 13];
/** General purpose flag bit 11: the name is UTF-8. */
const UTF8_NAMES_BIT = 11;
const DEFAULT_MAX_ENTRIES = 100_000;

interface CentralEntry {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

interface Directory {
  readonly offset: number;
  readonly size: number;
  readonly count: number;
}

/**
 * The content of the entry named exactly `path` (forward slashes, relative),
 * or undefined when the archive has no such file. Entries whose names could
 * escape a directory (absolute, `..`, backslashes, drive letters) are never
 * matched, so a crafted name cannot stand in for the file asked for.
 *
 * @throws ZipError for an archive that is truncated, zip64, split, or whose
 * entry is encrypted, of another compression method, over the size limit,
 * listed twice, or does not match its checksum.
 */
export function readZipEntry(archive: Buffer, path: string, options: ZipReadOptions): Buffer | undefined {
  if (!isSafeEntryName(path)) {
    throw new ZipError(`"${path}" is not a relative path inside the archive`);
  }
  const directory = findDirectory(archive);
  const matches = centralEntries(archive, directory, options.maxEntries ?? DEFAULT_MAX_ENTRIES)
    .filter((entry) => entry.name === path);
  if (matches.length === 0) {
    return undefined;
  }
  // Two entries of one name: tools disagree on which one wins, so neither is trusted.
  if (matches.length > 1) {
    throw new ZipError(`the archive lists ${path} ${matches.length} times`);
  }
  return extract(archive, matches[0], directory, options.maxEntryBytes);
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

/** The end of central directory record: the last 22 bytes, or earlier when the archive has a comment. */
function findDirectory(archive: Buffer): Directory {
  if (archive.length < END_SIZE) {
    throw new ZipError(`the archive is ${archive.length} bytes: too short to be a zip (truncated?)`);
  }
  const lowest = Math.max(0, archive.length - END_SIZE - MAX_COMMENT);
  let end = -1;
  for (let at = archive.length - END_SIZE; at >= lowest; at--) {
    // The comment length must reach exactly the end of the archive, so a signature inside a comment is not taken.
    if (archive.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY && at + END_SIZE + archive.readUInt16LE(at + 20) === archive.length) {
      end = at;
      break;
    }
  }
  if (end < 0) {
    throw new ZipError('the archive has no end of central directory record: it is not a zip, or it is truncated');
  }
  const disk = archive.readUInt16LE(end + 4);
  const directoryDisk = archive.readUInt16LE(end + 6);
  const countOnDisk = archive.readUInt16LE(end + 8);
  const count = archive.readUInt16LE(end + 10);
  const size = archive.readUInt32LE(end + 12);
  const offset = archive.readUInt32LE(end + 16);
  const zip64Locator = end >= ZIP64_LOCATOR_SIZE && archive.readUInt32LE(end - ZIP64_LOCATOR_SIZE) === ZIP64_END_LOCATOR;
  if (zip64Locator || count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    throw new ZipError('the archive is in zip64 format (over 65 535 entries or 4 GB), which is not supported');
  }
  if (disk !== 0 || directoryDisk !== 0 || countOnDisk !== count) {
    throw new ZipError('the archive is split over several disks, which is not supported');
  }
  if (offset + size > end) {
    throw new ZipError('the archive\'s central directory lies outside it (truncated?)');
  }
  return { offset, size, count };
}

function centralEntries(archive: Buffer, directory: Directory, maxEntries: number): CentralEntry[] {
  if (directory.count > maxEntries) {
    throw new ZipError(`the archive has ${directory.count} entries, over the limit of ${maxEntries}`);
  }
  const entries: CentralEntry[] = [];
  const limit = directory.offset + directory.size;
  let at = directory.offset;
  for (let i = 0; i < directory.count; i++) {
    if (at + CENTRAL_SIZE > limit || archive.readUInt32LE(at) !== CENTRAL_HEADER) {
      throw new ZipError(`the archive's central directory is damaged at entry ${i + 1} of ${directory.count}`);
    }
    const flags = archive.readUInt16LE(at + 8);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const next = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > limit) {
      throw new ZipError(`the archive's central directory is damaged at entry ${i + 1} of ${directory.count}`);
    }
    const nameBytes = archive.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
    // Without the UTF-8 flag names are CP437; ASCII names (all a config path needs) read the same either way.
    const name = nameBytes.toString(hasFlag(flags, UTF8_NAMES_BIT) ? 'utf8' : 'latin1');
    const entry: CentralEntry = {
      name,
      flags,
      method: archive.readUInt16LE(at + 10),
      crc: archive.readUInt32LE(at + 16),
      compressedSize: archive.readUInt32LE(at + 20),
      size: archive.readUInt32LE(at + 24),
      localOffset: archive.readUInt32LE(at + 42),
    };
    if (isSafeEntryName(name)) {
      entries.push(entry);
    }
    at = next;
  }
  return entries;
}

function extract(archive: Buffer, entry: CentralEntry, directory: Directory, maxEntryBytes: number): Buffer {
  const { name } = entry;
  if (ENCRYPTION_BITS.some((bit) => hasFlag(entry.flags, bit))) {
    throw new ZipError(`${name} is encrypted in the archive`);
  }
  if (entry.method !== STORED && entry.method !== DEFLATED) {
    throw new ZipError(`${name} uses compression method ${entry.method}; only stored (0) and deflated (8) entries are supported`);
  }
  if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localOffset === 0xffffffff) {
    throw new ZipError(`${name} has zip64 sizes, which are not supported`);
  }
  if (entry.size > maxEntryBytes) {
    throw new ZipError(`${name} is ${entry.size} bytes, over the limit of ${maxEntryBytes} bytes`);
  }
  const local = entry.localOffset;
  if (local + LOCAL_SIZE > directory.offset || archive.readUInt32LE(local) !== LOCAL_HEADER) {
    throw new ZipError(`${name}'s local header is missing or damaged`);
  }
  const localNameLength = archive.readUInt16LE(local + 26);
  const localExtraLength = archive.readUInt16LE(local + 28);
  const localName = archive.subarray(local + LOCAL_SIZE, local + LOCAL_SIZE + localNameLength).toString(hasFlag(entry.flags, UTF8_NAMES_BIT) ? 'utf8' : 'latin1');
  // A local header naming another file is a crafted archive: tools reading local headers would see something else.
  if (localName !== name) {
    throw new ZipError(`${name}'s local header names another file ("${localName}")`);
  }
  const start = local + LOCAL_SIZE + localNameLength + localExtraLength;
  const stop = start + entry.compressedSize;
  if (stop > directory.offset) {
    throw new ZipError(`${name}'s data runs past the end of the archive's entries (truncated?)`);
  }
  const data = archive.subarray(start, stop);
  let content: Buffer;
  if (entry.method === STORED) {
    if (entry.compressedSize !== entry.size) {
      throw new ZipError(`${name} is stored uncompressed but its sizes differ (${entry.compressedSize} and ${entry.size})`);
    }
    content = Buffer.from(data);
  } else {
    content = inflate(data, name, entry.size);
  }
  if (content.length !== entry.size) {
    throw new ZipError(`${name} is ${content.length} bytes once inflated, not the ${entry.size} its header says`);
  }
  if (zlib.crc32(content) !== entry.crc) {
    throw new ZipError(`${name} does not match its checksum: the archive is damaged`);
  }
  return content;
}

/** Whether bit `bit` of a 16-bit flags field is set (arithmetic, as the project's lint has no bitwise operators). */
function hasFlag(flags: number, bit: number): boolean {
  return Math.floor(flags / 2 ** bit) % 2 === 1;
}

/**
 * Inflates with the output capped at the declared size (plus one byte to
 * notice more), so an entry that claims to be small but inflates to
 * gigabytes (a zip bomb) stops at the cap instead of exhausting memory.
 */
function inflate(data: Buffer, name: string, declaredSize: number): Buffer {
  try {
    return zlib.inflateRawSync(data, { maxOutputLength: declaredSize + 1 });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ZipError(`${name} inflates to more than the ${declaredSize} bytes its header says`);
    }
    throw new ZipError(`${name} could not be inflated: ${(err as Error).message}`);
  }
}
