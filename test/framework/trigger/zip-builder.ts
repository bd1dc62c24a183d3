import * as zlib from 'zlib';

/**
 * Builds zips for the zip reader's tests, including the odd and hostile ones
 * real tools make or an attacker would: deflated entries, data descriptors,
 * wrong sizes, encrypted flags, names that differ between headers.
 * (`test/fixtures/zip.ts` makes stored, well-formed archives only.)
 */
export interface EntrySpec {
  readonly name: string;
  readonly content: string | Buffer;
  /** Default 'deflate'. */
  readonly method?: 'store' | 'deflate' | number;
  /** Sizes and CRC after the data (bit 3), zeros in the local header. */
  readonly dataDescriptor?: boolean;
  /** Extra general purpose flag bits, e.g. 0x0001 encrypted. */
  readonly extraFlags?: number;
  /** The uncompressed size written in the headers, when it must lie. */
  readonly declaredSize?: number;
  readonly crc?: number;
  /** The name in the local header, when it must differ from the central one. */
  readonly localName?: string;
}

export interface ArchiveOptions {
  readonly comment?: string;
  /** A zip64 end of central directory locator before the end record. */
  readonly zip64Locator?: boolean;
  /** Overrides the end record's entry count (0xffff: a zip64 marker). */
  readonly entryCount?: number;
}

export function buildZip(entries: readonly EntrySpec[], options: ArchiveOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content, 'utf8');
    const method = entry.method === 'store' ? 0 : entry.method === undefined || entry.method === 'deflate' ? 8 : entry.method;
    const packed = method === 8 ? zlib.deflateRawSync(data) : data;
    const crc = entry.crc ?? zlib.crc32(data);
    const size = entry.declaredSize ?? data.length;
    const flags = 0x0800 + (entry.dataDescriptor ? 0x0008 : 0) + (entry.extraFlags ?? 0);
    const name = Buffer.from(entry.name, 'utf8');
    const localName = Buffer.from(entry.localName ?? entry.name, 'utf8');

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(0x00210000, 10);
    local.writeUInt32LE(entry.dataDescriptor ? 0 : crc, 14);
    local.writeUInt32LE(entry.dataDescriptor ? 0 : packed.length, 18);
    local.writeUInt32LE(entry.dataDescriptor ? 0 : size, 22);
    local.writeUInt16LE(localName.length, 26);
    const descriptor = Buffer.alloc(entry.dataDescriptor ? 16 : 0);
    if (entry.dataDescriptor) {
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(packed.length, 8);
      descriptor.writeUInt32LE(size, 12);
    }
    parts.push(local, localName, packed, descriptor);

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
    offset += local.length + localName.length + packed.length + descriptor.length;
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
