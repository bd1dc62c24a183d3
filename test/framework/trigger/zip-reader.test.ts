import * as zlib from 'zlib';
import { buildZip } from './zip-builder';
import { isSafeEntryName, readZipEntry, ZipError, ZipReadOptions } from '../../../src/runtime/zip-reader';
import { zipFiles } from '../../fixtures/zip';

const LIMIT: ZipReadOptions = { maxEntryBytes: 256 * 1024 };
const CONFIG = '{"version":1,"pipelines":[]}';

function read(archive: Buffer, path = 'mlops-config.json', options = LIMIT): string | undefined {
  return readZipEntry(archive, path, options)?.toString('utf8');
}

describe('reading entries', () => {
  test('a stored entry (the shared fixture\'s archives)', () => {
    const archive = zipFiles({ 'README.md': '# repo', 'mlops-config.json': CONFIG });
    expect(read(archive)).toBe(CONFIG);
  });

  test('a deflated entry', () => {
    const content = `${CONFIG}${' '.repeat(5000)}`;
    const archive = buildZip([{ name: 'src/app.py', content: 'print(1)' }, { name: 'mlops-config.json', content }]);
    expect(archive.length).toBeLessThan(content.length);
    expect(read(archive)).toBe(content);
  });

  test('an entry in a folder, by its full path', () => {
    const archive = buildZip([{ name: 'deploy/mlops-config.json', content: CONFIG }, { name: 'mlops-config.json', content: '{}' }]);
    expect(read(archive, 'deploy/mlops-config.json')).toBe(CONFIG);
    expect(read(archive)).toBe('{}');
  });

  test('entries with data descriptors (sizes after the data, zeros in the local header)', () => {
    const archive = buildZip([
      { name: 'a.txt', content: 'first', dataDescriptor: true },
      { name: 'mlops-config.json', content: CONFIG, dataDescriptor: true },
      { name: 'b.txt', content: 'stored', method: 'store', dataDescriptor: true },
    ]);
    expect(read(archive)).toBe(CONFIG);
    expect(read(archive, 'b.txt')).toBe('stored');
  });

  test('an archive comment (the end record is not the last 22 bytes)', () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: CONFIG }], { comment: 'made by a tool; PK\u0005\u0006 inside' });
    expect(read(archive)).toBe(CONFIG);
  });

  test('an empty entry', () => {
    expect(read(buildZip([{ name: 'mlops-config.json', content: '' }]))).toBe('');
  });

  test('a missing entry is undefined, as is a case-different name', () => {
    const archive = buildZip([{ name: 'MLOPS-CONFIG.json', content: CONFIG }, { name: 'config/', content: '' }]);
    expect(readZipEntry(archive, 'mlops-config.json', LIMIT)).toBeUndefined();
  });

  test('an empty archive has no entries', () => {
    expect(readZipEntry(buildZip([]), 'mlops-config.json', LIMIT)).toBeUndefined();
  });
});

describe('names that could escape a directory', () => {
  test.each([
    '../mlops-config.json',
    '/mlops-config.json',
    'a/../mlops-config.json',
    './mlops-config.json',
    'a\\mlops-config.json',
    'C:mlops-config.json',
    'a//b',
    'a/\u0000b',
    '',
  ])('%j is not a safe name', (name) => {
    expect(isSafeEntryName(name)).toBe(false);
  });

  test.each(['mlops-config.json', 'deploy/mlops-config.json', '.github/x.json', 'a..b/c'])('%j is a safe name', (name) => {
    expect(isSafeEntryName(name)).toBe(true);
  });

  test('an entry named with a traversal is never matched, even when the path asked for normalizes to it', () => {
    const archive = buildZip([{ name: './mlops-config.json', content: '"evil"' }, { name: 'x/../mlops-config.json', content: '"evil"' }]);
    expect(readZipEntry(archive, 'mlops-config.json', LIMIT)).toBeUndefined();
  });

  test('a path with a traversal is refused before reading', () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: CONFIG }]);
    expect(() => readZipEntry(archive, '../mlops-config.json', LIMIT)).toThrow(/not a relative path/);
  });

  test('a local header naming another file than the central directory is refused', () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: CONFIG, localName: 'other.json' }]);
    expect(() => read(archive)).toThrow(/local header names another file \("other.json"\)/);
  });

  test('the same name twice is refused: tools disagree on which one wins', () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: CONFIG }, { name: 'mlops-config.json', content: '{}' }]);
    expect(() => read(archive)).toThrow(/lists mlops-config.json 2 times/);
  });
});

describe('refused archives and entries', () => {
  function refusal(archive: Buffer, path = 'mlops-config.json', options = LIMIT): ZipError {
    try {
      readZipEntry(archive, path, options);
    } catch (err) {
      expect(err).toBeInstanceOf(ZipError);
      return err as ZipError;
    }
    throw new Error('expected a ZipError');
  }

  test('zip64 archives, by their locator or by the end record\'s markers', () => {
    const content = [{ name: 'mlops-config.json', content: CONFIG }];
    expect(refusal(buildZip(content, { zip64Locator: true })).message).toMatch(/zip64 format .* not supported/);
    expect(refusal(buildZip(content, { entryCount: 0xffff })).message).toMatch(/zip64 format/);
  });

  test('an entry with zip64 sizes', () => {
    expect(refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, declaredSize: 0xffffffff }])).message).toMatch(/zip64 sizes/);
  });

  test('something that is not a zip, or is too short to be one', () => {
    expect(refusal(Buffer.from('not a zip at all, just some text that is long enough')).message).toMatch(/no end of central directory record/);
    expect(refusal(Buffer.from('PK')).message).toMatch(/too short to be a zip/);
  });

  test('a truncated archive, cut anywhere, is refused with a ZipError (never a crash or a wrong answer)', () => {
    const archive = buildZip([{ name: 'a.txt', content: 'x'.repeat(300) }, { name: 'mlops-config.json', content: CONFIG }]);
    for (let length = 0; length < archive.length; length++) {
      expect(() => readZipEntry(archive.subarray(0, length), 'mlops-config.json', LIMIT)).toThrow(ZipError);
    }
  });

  test('an archive missing its start (the directory points before the data)', () => {
    const archive = buildZip([{ name: 'a.txt', content: 'x'.repeat(300) }, { name: 'mlops-config.json', content: CONFIG }]);
    expect(refusal(archive.subarray(100)).message).toMatch(/central directory lies outside it|damaged/);
  });

  test('an encrypted entry', () => {
    expect(refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, extraFlags: 0x0001 }])).message).toBe('mlops-config.json is encrypted in the archive');
  });

  test('another compression method (bzip2)', () => {
    expect(refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, method: 12 }])).message).toMatch(/compression method 12/);
  });

  test('an entry over the size limit is refused before it is inflated', () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: 'x'.repeat(2000) }]);
    expect(refusal(archive, 'mlops-config.json', { maxEntryBytes: 1000 }).message).toBe('mlops-config.json is 2000 bytes, over the limit of 1000 bytes');
  });

  test('a zip bomb (a small declared size, gigabytes inflated) stops at the declared size', () => {
    // 64 MB of zeros deflate to about 64 KB; the header claims 100 bytes.
    const bomb = buildZip([{ name: 'mlops-config.json', content: Buffer.alloc(64 * 1024 * 1024), declaredSize: 100 }]);
    expect(bomb.length).toBeLessThan(200 * 1024);
    expect(refusal(bomb).message).toBe('mlops-config.json inflates to more than the 100 bytes its header says');
  });

  test('an entry that inflates to less than its declared size', () => {
    expect(refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, declaredSize: CONFIG.length + 10 }])).message).toBe(`mlops-config.json is ${CONFIG.length} bytes once inflated, not the ${CONFIG.length + 10} its header says`);
  });

  test('a stored entry whose two sizes differ', () => {
    expect(refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, method: 'store', declaredSize: 5 }])).message).toMatch(/sizes differ/);
  });

  test('a wrong checksum', () => {
    expect(refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, crc: 1234 }])).message).toMatch(/does not match its checksum/);
  });

  test('deflated data that is not deflate', () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: CONFIG, method: 'store' }]);
    // Mark the stored entry deflated in both headers: its bytes are not a deflate stream.
    const central = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    archive.writeUInt16LE(8, 8);
    archive.writeUInt16LE(8, central + 10);
    expect(refusal(archive).message).toMatch(/could not be inflated|inflates to more|once inflated/);
  });

  test('more entries than the limit', () => {
    const archive = buildZip([{ name: 'a', content: '' }, { name: 'b', content: '' }, { name: 'mlops-config.json', content: CONFIG }]);
    expect(refusal(archive, 'mlops-config.json', { ...LIMIT, maxEntries: 2 }).message).toBe('the archive has 3 entries, over the limit of 2');
  });

  test('a split archive', () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: CONFIG }]);
    archive.writeUInt16LE(1, archive.length - 22 + 4);
    expect(refusal(archive).message).toMatch(/split over several disks/);
  });

  test('a central directory entry with the wrong signature', () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: CONFIG }]);
    const central = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    archive.writeUInt32LE(0, central);
    expect(refusal(archive).message).toMatch(/central directory is damaged at entry 1 of 1/);
  });

  test('a local header that is not one', () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: CONFIG }]);
    archive.writeUInt32LE(0, 0);
    expect(refusal(archive).message).toMatch(/local header is missing or damaged/);
  });
});

test('the fixture\'s and zlib\'s checksums agree (the reader checks with zlib.crc32)', () => {
  expect(zlib.crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
});
