import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { boundMetadataExpansion, EXPANSION_LIMITS, pngChunks } from '../../server/images/metadata.bounds';
import { createMetadataReader } from '../../server/images/metadata';
import { createCreditsWriter } from '../../server/transfer/credits-writer';
import { compressedXmpBomb, iccpBomb, pngWith, zlibBomb, ztxtIptcBomb } from '../support/bombs';
import { fixture } from '../support/app';

const MiB = 1024 * 1024;

describe('metadata expansion bounds', () => {
  const reader = createMetadataReader();
  const readMetadata = reader.read;
  after(() => reader.close());

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

  it('ExifTool runs under an address-space limit, for reading and for writing credits into a copy', async () => {
    // A WebP always goes to ExifTool (exifr does not read WebP), which starts its process; the
    // credits writer (downloads with credits embedded) starts its own, on a copy of an upload.
    const writer = createCreditsWriter();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bounds-writer-'));
    try {
      await readMetadata(fixture('mars.webp'), 'webp');
      await writer.writeCopy(fixture('Canon_40D.jpg'), path.join(dir, 'copy.jpg'), { 'XMP-dc:Rights': 'test' }, 'jpeg');
      const launches: Array<{ parent: string; limits: string }> = [];
      for (const pid of await readdir('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        const [cmdline, status] = await Promise.all([readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''), readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')]);
        if (!cmdline.includes('exiftool') || !new RegExp(`PPid:\\s+${process.pid}\\b`).test(status)) continue;
        launches.push({ parent: String(process.pid), limits: await readFile(`/proc/${pid}/limits`, 'utf8') });
      }
      // At least the reader's and the writer's (other test files' apps may have more running).
      expect(launches.length).to.be.greaterThanOrEqual(2);
      for (const { limits } of launches) expect(limits).to.match(/Max address space\s+536870912\s+536870912\s+bytes/);
    } finally {
      await writer.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
