import * as zlib from 'zlib';
import { buildZip, ordinaryZip, streamedZip } from './zip-builder';
import { isSafeEntryName, readZipEntry, ZipError, ZipReadOptions } from '../../../src/runtime/zip-reader';
import { zipFiles } from '../../fixtures/zip';

const LIMIT: ZipReadOptions = { maxEntryBytes: 256 * 1024 };
const CONFIG = '{"version":1,"pipelines":[]}';

async function read(archive: Buffer, path = 'mlops-config.json', options = LIMIT): Promise<string | undefined> {
  return (await readZipEntry(archive, path, options))?.toString('utf8');
}

describe('reading entries', () => {
  test('a stored entry (the shared fixture\'s archives)', async () => {
    const archive = zipFiles({ 'README.md': '# repo', 'mlops-config.json': CONFIG });
    expect(await read(archive)).toBe(CONFIG);
  });

  test('a deflated entry', async () => {
    const content = `${CONFIG}${' '.repeat(5000)}`;
    const archive = ordinaryZip({ 'src/app.py': 'print(1)', 'mlops-config.json': content });
    expect(archive.length).toBeLessThan(content.length);
    expect(await read(archive)).toBe(content);
  });

  test('an entry in a folder, by its full path', async () => {
    const archive = ordinaryZip({ 'deploy/mlops-config.json': CONFIG, 'mlops-config.json': '{}' });
    expect(await read(archive, 'deploy/mlops-config.json')).toBe(CONFIG);
    expect(await read(archive)).toBe('{}');
  });

  test('entries with data descriptors (sizes after the data, zeros in the local header)', async () => {
    const archive = streamedZip({ 'a.txt': 'first', 'mlops-config.json': CONFIG, 'b.txt': 'stored' }, ['b.txt']);
    expect(archive.readUInt16LE(6) % 16).toBeGreaterThanOrEqual(8);
    expect(archive.readUInt32LE(18)).toBe(0);
    expect(await read(archive)).toBe(CONFIG);
    expect(await read(archive, 'b.txt')).toBe('stored');
  });

  test('an archive comment (the end record is not the last 22 bytes)', async () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: CONFIG }], { comment: 'made by a tool; PK\u0005\u0006 inside' });
    expect(await read(archive)).toBe(CONFIG);
  });

  test('an empty entry', async () => {
    expect(await read(ordinaryZip({ 'mlops-config.json': '' }))).toBe('');
  });

  test('a missing entry is undefined, as is a case-different name', async () => {
    const archive = ordinaryZip({ 'MLOPS-CONFIG.json': CONFIG, 'config/': '' });
    expect(await readZipEntry(archive, 'mlops-config.json', LIMIT)).toBeUndefined();
  });

  test('an empty archive has no entries', async () => {
    expect(await readZipEntry(ordinaryZip({}), 'mlops-config.json', LIMIT)).toBeUndefined();
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

  test('an entry named with a traversal is never matched, even when the path asked for normalizes to it', async () => {
    const archive = buildZip([{ name: './mlops-config.json', content: '"evil"' }, { name: 'x/../mlops-config.json', content: '"evil"' }]);
    expect(await readZipEntry(archive, 'mlops-config.json', LIMIT)).toBeUndefined();
  });

  test('a backslash is never read as a folder separator', async () => {
    const archive = buildZip([{ name: 'deploy\\mlops-config.json', content: '"evil"' }]);
    expect(await readZipEntry(archive, 'deploy/mlops-config.json', LIMIT)).toBeUndefined();
  });

  test('a path with a traversal is refused before reading', async () => {
    const archive = ordinaryZip({ 'mlops-config.json': CONFIG });
    await expect(readZipEntry(archive, '../mlops-config.json', LIMIT)).rejects.toThrow(/not a relative path/);
  });

  test('a local header naming another file than the central directory is refused', async () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: CONFIG, localName: 'other.json' }]);
    await expect(read(archive)).rejects.toThrow(/local header names another file \("other.json"\)/);
  });

  test('the same name twice is refused: tools disagree on which one wins', async () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: CONFIG }, { name: 'mlops-config.json', content: '{}' }]);
    await expect(read(archive)).rejects.toThrow(/lists mlops-config.json 2 times/);
  });
});

describe('refused archives and entries', () => {
  async function refusal(archive: Buffer, path = 'mlops-config.json', options = LIMIT): Promise<ZipError> {
    try {
      await readZipEntry(archive, path, options);
    } catch (err) {
      expect(err).toBeInstanceOf(ZipError);
      return err as ZipError;
    }
    throw new Error('expected a ZipError');
  }

  test('a zip64 locator or entry count without the zip64 records behind it', async () => {
    const content = [{ name: 'mlops-config.json', content: CONFIG }];
    expect((await refusal(buildZip(content, { zip64Locator: true }))).message).toMatch(/invalid zip64 end of central directory record signature/);
    expect((await refusal(buildZip(content, { entryCount: 0xffff }))).message).toMatch(/unexpected EOF|central directory file header signature/);
  });

  test('an entry with a zip64 size marker but no zip64 size is over any limit', async () => {
    expect((await refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, declaredSize: 0xffffffff }]))).message)
      .toBe(`mlops-config.json is ${0xffffffff} bytes, over the limit of ${LIMIT.maxEntryBytes} bytes`);
  });

  test('something that is not a zip, or is too short to be one', async () => {
    expect((await refusal(Buffer.from('not a zip at all, just some text that is long enough'))).message).toMatch(/End of central directory record signature not found/);
    expect((await refusal(Buffer.from('PK'))).message).toMatch(/End of central directory record signature not found/);
  });

  test('a truncated archive, cut anywhere, is refused with a ZipError (never a crash or a wrong answer)', async () => {
    const archive = ordinaryZip({ 'a.txt': 'x'.repeat(300), 'mlops-config.json': CONFIG });
    for (let length = 0; length < archive.length; length++) {
      await expect(readZipEntry(archive.subarray(0, length), 'mlops-config.json', LIMIT)).rejects.toThrow(ZipError);
    }
  });

  test('an archive missing its start (the directory points before the data)', async () => {
    const archive = ordinaryZip({ 'a.txt': 'x'.repeat(300), 'mlops-config.json': CONFIG });
    expect((await refusal(archive.subarray(100))).message).toMatch(/central directory file header signature|unexpected EOF/);
  });

  test('an encrypted entry', async () => {
    expect((await refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, extraFlags: 0x0001 }]))).message).toBe('mlops-config.json is encrypted in the archive');
  });

  test('strong encryption', async () => {
    expect((await refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, extraFlags: 0x0041 }]))).message).toMatch(/strong encryption is not supported/);
  });

  test('another compression method (bzip2)', async () => {
    expect((await refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, method: 12 }]))).message).toMatch(/compression method 12/);
  });

  test('an entry over the size limit is refused before it is inflated', async () => {
    const archive = ordinaryZip({ 'mlops-config.json': 'x'.repeat(2000) });
    expect((await refusal(archive, 'mlops-config.json', { maxEntryBytes: 1000 })).message).toBe('mlops-config.json is 2000 bytes, over the limit of 1000 bytes');
  });

  test('a zip bomb (a small declared size, gigabytes inflated) stops at the declared size', async () => {
    // 64 MB of zeros deflate to about 64 KB; the header claims 100 bytes.
    const bomb = buildZip([{ name: 'mlops-config.json', content: Buffer.alloc(64 * 1024 * 1024), declaredSize: 100 }]);
    expect(bomb.length).toBeLessThan(200 * 1024);
    expect((await refusal(bomb)).message).toBe('mlops-config.json inflates to more than the 100 bytes its header says');
  });

  test('an entry that inflates to less than its declared size', async () => {
    expect((await refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, declaredSize: CONFIG.length + 10 }]))).message)
      .toBe(`mlops-config.json is ${CONFIG.length} bytes once inflated, not the ${CONFIG.length + 10} its header says`);
  });

  test('a stored entry whose two sizes differ', async () => {
    expect((await refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, method: 'store', declaredSize: 5 }]))).message).toMatch(/sizes differ/);
  });

  test('a wrong checksum', async () => {
    expect((await refusal(buildZip([{ name: 'mlops-config.json', content: CONFIG, crc: 1234 }]))).message).toMatch(/does not match its checksum/);
  });

  test('deflated data that is not deflate', async () => {
    const archive = buildZip([{ name: 'mlops-config.json', content: CONFIG, method: 'store' }]);
    // Mark the stored entry deflated in both headers: its bytes are not a deflate stream.
    const central = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    archive.writeUInt16LE(8, 8);
    archive.writeUInt16LE(8, central + 10);
    expect((await refusal(archive)).message).toMatch(/could not be inflated|inflates to more|once inflated/);
  });

  test('more entries than the limit', async () => {
    const archive = ordinaryZip({ 'a': '', 'b': '', 'mlops-config.json': CONFIG });
    expect((await refusal(archive, 'mlops-config.json', { ...LIMIT, maxEntries: 2 })).message).toBe('the archive has 3 entries, over the limit of 2');
  });

  test('a split archive', async () => {
    const archive = ordinaryZip({ 'mlops-config.json': CONFIG });
    archive.writeUInt16LE(1, archive.length - 22 + 4);
    expect((await refusal(archive)).message).toMatch(/multi-disk zip files are not supported/);
  });

  test('a central directory entry with the wrong signature', async () => {
    const archive = ordinaryZip({ 'mlops-config.json': CONFIG });
    const central = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    archive.writeUInt32LE(0, central);
    expect((await refusal(archive)).message).toMatch(/invalid central directory file header signature/);
  });

  test('a local header that is not one', async () => {
    const archive = ordinaryZip({ 'mlops-config.json': CONFIG });
    archive.writeUInt32LE(0, 0);
    expect((await refusal(archive)).message).toMatch(/invalid local file header signature/);
  });
});

test('the fixture\'s and zlib\'s checksums agree (the reader checks with zlib.crc32)', () => {
  expect(zlib.crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
});
