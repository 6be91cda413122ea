import { readdir, readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { boundMetadataExpansion, EXPANSION_LIMITS, pngChunks } from '../../server/images/metadata.bounds';
import { readMetadata } from '../../server/images/metadata';
import { compressedXmpBomb, iccpBomb, pngWith, zlibBomb, ztxtIptcBomb } from '../support/bombs';
import { fixture } from '../support/app';

const MiB = 1024 * 1024;

describe('metadata expansion bounds', () => {
  it('cuts each kind of bomb chunk out of what the readers get, naming it', async () => {
    for (const [bomb, label] of [
      [iccpBomb(), 'PNG iCCP (ICC profile)'],
      [ztxtIptcBomb(), 'PNG zTXt "Raw profile type iptc"'],
      [compressedXmpBomb(), 'PNG iTXt "XML:com.adobe.xmp" (compressed)'],
    ] as const) {
      const t0 = performance.now();
      const bounded = await boundMetadataExpansion(bomb.png);
      expect(performance.now() - t0, `${bomb.name} checked within the cap's work`).to.be.below(2000);
      expect(bounded.unread.map((u) => u.block)).to.deep.equal([label]);
      expect(bounded.unread[0].reason).to.match(/inflates to more than \d+ MiB/);
      expect(pngChunks(bounded.bytes).map((c) => c.type)).to.deep.equal(['IHDR', 'IDAT', 'IEND']);
    }
  });

  it('leaves a PNG with ordinary compressed metadata untouched', async () => {
    const fixtures = (await readdir(fixture(''))).filter((name) => name.endsWith('.png'));
    expect(fixtures.length).to.be.greaterThan(0);
    for (const name of fixtures) {
      const bytes = await readFile(fixture(name));
      const bounded = await boundMetadataExpansion(bytes);
      expect(bounded.unread, name).to.deep.equal([]);
      expect(bounded.bytes).to.equal(bytes);
    }
  });

  it('counts all compressed chunks of a file against one total', async () => {
    // Five 4 MiB text chunks: each under its own cap, together over the 16 MiB total.
    const { compressed } = zlibBomb(Buffer.alloc(0), Buffer.alloc(MiB, 'a'), 4, Buffer.alloc(0));
    const chunkOf = (keyword: string) => {
      const data = Buffer.concat([Buffer.from(`${keyword}\0`, 'latin1'), Buffer.from([0]), compressed]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      return Buffer.concat([length, Buffer.from('zTXt'), data, Buffer.alloc(4)]);
    };
    const png = pngWith(['one', 'two', 'three', 'four', 'five'].map(chunkOf));
    const bounded = await boundMetadataExpansion(png, EXPANSION_LIMITS);
    expect(bounded.unread.map((u) => u.block)).to.deep.equal(['PNG zTXt "five"']);
    expect(bounded.unread[0].reason).to.match(/16 MiB in all/);
  });

  it('readMetadata stores the other metadata and says which block it did not read', async () => {
    const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bounds-'));
    try {
      const file = path.join(dir, 'x.png');
      await writeFile(file, compressedXmpBomb().png);
      const result = await readMetadata(file, 'png');
      expect(result.normalised.unreadBlocks?.[0].block).to.equal('PNG iTXt "XML:com.adobe.xmp" (compressed)');
      expect(result.raw.warnings.join('\n')).to.match(/not read: inflates to more than 8 MiB/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ExifTool runs under an address-space limit', async () => {
    // A WebP always goes to ExifTool (exifr does not read WebP), which starts its process.
    await readMetadata(fixture('mars.webp'), 'webp');
    const limits: string[] = [];
    for (const pid of await readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const [cmdline, status] = await Promise.all([readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''), readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')]);
      if (!cmdline.includes('exiftool') || !new RegExp(`PPid:\\s+${process.pid}\\b`).test(status)) continue;
      limits.push(await readFile(`/proc/${pid}/limits`, 'utf8'));
    }
    expect(limits.length).to.be.greaterThan(0);
    for (const table of limits) expect(table).to.match(/Max address space\s+536870912\s+536870912\s+bytes/);
  });
});
