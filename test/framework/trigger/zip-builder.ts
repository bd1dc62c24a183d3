import * as zlib from 'zlib';
import { Zip, ZipDeflate, Zippable, ZipPassThrough, zipSync } from 'fflate';

/**
 * Zips for the zip reader's tests. Ordinary archives, as mainstream tools
 * write them, come from fflate ({@link ordinaryZip}, {@link streamedZip});
 * {@link buildZip} hand-builds the hostile ones no library writes: sizes that
 * lie, encrypted flags over plain data, names that differ between headers,
 * zip64 markers without zip64 records, unknown methods, wrong checksums,
 * archive comments.
 */

const FIXED_TIME = new Date(1980, 0, 1);

/** An archive of deflated (or, with `store`, stored) entries with their sizes and checksums in the headers. */
export function ordinaryZip(files: Record<string, string | Buffer>, options: { readonly store?: boolean } = {}): Buffer {
  const entries: Zippable = {};
  for (const [name, content] of Object.entries(files)) {
    entries[name] = [bytes(content), { level: options.store ? 0 : 6, mtime: FIXED_TIME }];
  }
  return Buffer.from(zipSync(entries));
}

/**
 * An archive written as a stream: each entry's sizes and checksum follow its
 * data (a data descriptor, general purpose flag bit 3), with zeros in the
 * local header. Entries named in `stored` are not compressed.
 */
export function streamedZip(files: Record<string, string | Buffer>, stored: readonly string[] = []): Buffer {
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) {
      throw err;
    }
    parts.push(chunk);
  });
  for (const [name, content] of Object.entries(files)) {
    const file = stored.includes(name) ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
    file.mtime = FIXED_TIME;
    zip.add(file);
    file.push(bytes(content), true);
  }
  zip.end();
  return Buffer.concat(parts);
}

/** One entry of a hand-built archive. */
export interface EntrySpec {
  readonly name: string;
  readonly content: string | Buffer;
  /** Default 'deflate'. */
  readonly method?: 'store' | 'deflate' | number;
  /** Extra general purpose flag bits, e.g. 0x0001 encrypted. */
  readonly extraFlags?: number;
  /** The uncompressed size written in the headers, when it must lie. */
  readonly declaredSize?: number;
  readonly crc?: number;
  /** The name in the local header, when it must differ from the central one. */
  readonly localName?: string;
}

/** What a hand-built archive says about itself. */
export interface ArchiveOptions {
  /** An archive comment (fflate writes none). */
  readonly comment?: string;
  /** A zip64 end of central directory locator before the end record. */
  readonly zip64Locator?: boolean;
  /** Overrides the end record's entry count (0xffff: a zip64 marker). */
  readonly entryCount?: number;
}

/** A hand-built archive whose headers say exactly what `entries` and `options` ask, true or not. */
export function buildZip(entries: readonly EntrySpec[], options: ArchiveOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = bytes(entry.content);
    const method = entry.method === 'store' ? 0 : entry.method === undefined || entry.method === 'deflate' ? 8 : entry.method;
    const packed = method === 8 ? zlib.deflateRawSync(data) : data;
    const crc = entry.crc ?? zlib.crc32(data);
    const size = entry.declaredSize ?? data.length;
    const flags = 0x0800 + (entry.extraFlags ?? 0);
    const name = Buffer.from(entry.name, 'utf8');
    const localName = Buffer.from(entry.localName ?? entry.name, 'utf8');

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(0x00210000, 10);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(localName.length, 26);
    parts.push(local, localName, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + localName.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const locator = Buffer.alloc(options.zip64Locator ? 20 : 0);
  if (options.zip64Locator) {
    locator.writeUInt32LE(0x07064b50, 0);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.entryCount ?? entries.length, 8);
  end.writeUInt16LE(options.entryCount ?? entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...parts, directory, locator, end, comment]);
}

function bytes(content: string | Buffer): Buffer {
  return Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
}
