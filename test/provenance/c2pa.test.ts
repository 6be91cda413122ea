import { expect } from 'chai';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { isC2paJumbf, loadC2paLibrary, provenanceFromXmp, readC2pa, scanC2pa } from '../../server/provenance/c2pa';

const FIXTURES = new URL('../fixtures/images/', import.meta.url).pathname;
const fixture = (name: string) => join(FIXTURES, name);
const EMBEDDED = ['C.jpg', 'CA.jpg', 'C_with_CAWG_data.jpg', 'XCA.jpg', 'firefly_thirdparty_gemini.png'];
const ABSENT = ['Canon_40D.jpg', 'libpng-test.png', 'noexif.jpg', 'mars.webp', 'Irvine_CA.avif', 'earth_apollo17.jpg'];
// The prebuilt binary c2pa-node 0.5.5 ships in its tarball is for linux x64 only.
const LIBRARY_EXPECTED = process.platform === 'linux' && process.arch === 'x64';

/** A minimal JUMBF superbox: 'jumb' holding a 'jumd' with the given UUID prefix and label. */
function jumbf(uuidPrefix: string, label: string | undefined): Buffer {
  const uuid = Buffer.concat([Buffer.from(uuidPrefix, 'latin1'), Buffer.from('0011001080000000aa00389b71', 'hex').subarray(0, 16 - uuidPrefix.length)]);
  const labelBytes = label === undefined ? Buffer.alloc(0) : Buffer.from(`${label}\0`, 'utf8');
  const jumdBody = Buffer.concat([uuid, Buffer.from([label === undefined ? 0x01 : 0x03]), labelBytes]);
  const jumd = Buffer.concat([Buffer.alloc(4), Buffer.from('jumd'), jumdBody]);
  jumd.writeUInt32BE(jumd.length, 0);
  const jumb = Buffer.concat([Buffer.alloc(4), Buffer.from('jumb'), jumd]);
  jumb.writeUInt32BE(jumb.length, 0);
  return jumb;
}

describe('C2PA: JUMBF scan of the fixtures', () => {
  for (const name of EMBEDDED) {
    it(`finds the embedded manifest store in ${name}`, async () => {
      const scan = await scanC2pa(fixture(name));
      expect(scan.present).to.equal(true);
      const summary = await readC2pa(fixture(name), { useLibrary: false });
      expect(summary).to.deep.equal({ present: true, reader: 'jumbf-scan', validationState: 'unknown' });
    });
  }

  for (const name of ABSENT) {
    it(`finds no manifest in ${name}`, async () => {
      expect(await readC2pa(fixture(name))).to.deep.equal({ present: false, reader: 'jumbf-scan' });
    });
  }

  it('reports the remote manifest of cloud.jpg from its XMP without an embedded store', async () => {
    const summary = await readC2pa(fixture('cloud.jpg'));
    expect(summary.present).to.equal(false);
    expect(summary.reader).to.equal('jumbf-scan');
    expect(summary.remoteManifestUrl).to.equal('https://cai-manifests.adobe.com/manifests/adobe-urn-uuid-5f37e182-3687-462e-a7fb-573462780391');
  });

  it('stops within its read budget', async () => {
    // With a budget too small to reach the APP11 segments the store is not seen.
    expect((await scanC2pa(fixture('C.jpg'), 16)).present).to.equal(false);
  });
});

describe('C2PA: scanner on hand-made containers', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'c2pa-scan-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function pngChunk(type: string, data: Buffer): Buffer {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, data, Buffer.alloc(4)]);
  }
  const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  it('recognises the c2pa description box by UUID or label, and nothing else', () => {
    expect(isC2paJumbf(jumbf('c2pa', 'c2pa'))).to.equal(true);
    expect(isC2paJumbf(jumbf('xxxx', 'c2pa'))).to.equal(true);
    expect(isC2paJumbf(jumbf('c2pa', undefined))).to.equal(true);
    expect(isC2paJumbf(jumbf('xxxx', 'other'))).to.equal(false);
    expect(isC2paJumbf(jumbf('xxxx', undefined))).to.equal(false);
    expect(isC2paJumbf(Buffer.from('jumbjumd'))).to.equal(false);
  });

  it('finds a caBX chunk and compressed iTXt XMP in a PNG', async () => {
    const xmp = '<x:xmpmeta><rdf:Description dcterms:provenance="https://example.org/manifest/1"/></x:xmpmeta>';
    const itxt = Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\x01\x00\0\0', 'latin1'), deflateSync(Buffer.from(xmp))]);
    const file = join(dir, 'made.png');
    await writeFile(file, Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', Buffer.alloc(13)), pngChunk('iTXt', itxt), pngChunk('caBX', jumbf('c2pa', 'c2pa')), pngChunk('IEND', Buffer.alloc(0))]));
    expect(await scanC2pa(file)).to.deep.equal({ present: true, container: 'png', remoteManifestUrl: 'https://example.org/manifest/1' });
  });

  it('ignores a caBX chunk that holds another JUMBF box', async () => {
    const file = join(dir, 'other.png');
    await writeFile(file, Buffer.concat([PNG_SIGNATURE, pngChunk('caBX', jumbf('xxxx', 'other')), pngChunk('IEND', Buffer.alloc(0))]));
    expect((await scanC2pa(file)).present).to.equal(false);
  });

  it('finds the C2PA uuid box in an ISO-BMFF file', async () => {
    const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypheic\0\0\0\0', 'latin1')]);
    const uuidBox = Buffer.concat([Buffer.from([0, 0, 0, 40]), Buffer.from('uuid'), Buffer.from('d8fec3d61b0e483c92975828877ec481', 'hex'), Buffer.alloc(16)]);
    const file = join(dir, 'made.heic');
    await writeFile(file, Buffer.concat([ftyp, uuidBox]));
    expect(await scanC2pa(file)).to.deep.equal({ present: true, container: 'bmff' });
    await writeFile(file, ftyp);
    expect((await scanC2pa(file)).present).to.equal(false);
  });

  it('finds a C2PA chunk in a WebP file', async () => {
    const body = jumbf('c2pa', 'c2pa');
    const chunk = Buffer.concat([Buffer.from('C2PA'), Buffer.alloc(4), body, Buffer.alloc(body.length % 2)]);
    chunk.writeUInt32LE(body.length, 4);
    const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBP'), chunk]);
    riff.writeUInt32LE(riff.length - 8, 4);
    const file = join(dir, 'made.webp');
    await writeFile(file, riff);
    expect(await scanC2pa(file)).to.deep.equal({ present: true, container: 'webp' });
  });

  it('survives truncated and tiny files', async () => {
    const original = await readFile(fixture('C.jpg'));
    const cut = join(dir, 'cut.jpg');
    await writeFile(cut, original.subarray(0, 40));
    expect((await scanC2pa(cut)).present).to.equal(false);
    const tiny = join(dir, 'tiny.bin');
    await writeFile(tiny, Buffer.from([0xff]));
    expect(await scanC2pa(tiny)).to.deep.equal({ present: false, container: 'other' });
  });

  it('reads dcterms:provenance in its XMP forms', () => {
    expect(provenanceFromXmp('<rdf:Description dcterms:provenance="https://a.example/m"/>')).to.equal('https://a.example/m');
    expect(provenanceFromXmp('<dcterms:provenance> https://b.example/m </dcterms:provenance>')).to.equal('https://b.example/m');
    expect(provenanceFromXmp('<dcterms:provenance rdf:resource="https://c.example/m"/>')).to.equal('https://c.example/m');
    expect(provenanceFromXmp('<dcterms:provenance>not a url</dcterms:provenance>')).to.equal(undefined);
  });
});

describe('C2PA: c2pa-node reader', () => {
  it(`loads c2pa-node on this platform when it ships a binary for it (${process.platform}/${process.arch})`, async () => {
    expect(Boolean(await loadC2paLibrary())).to.equal(LIBRARY_EXPECTED);
  });

  for (const name of ['C.jpg', 'CA.jpg', 'C_with_CAWG_data.jpg']) {
    it(`reads ${name}: intact, signed by the C2PA test certificate (not on the trust list)`, async () => {
      const summary = await readC2pa(fixture(name));
      expect(summary.present).to.equal(true);
      if (!LIBRARY_EXPECTED) return expect(summary.reader).to.equal('jumbf-scan');
      expect(summary.reader).to.equal('c2pa-node');
      expect(summary.validationState).to.equal('untrusted');
      expect(summary.signer).to.equal('C2PA Test Signing Cert');
      expect(summary.title).to.equal(name);
      expect(summary.validationErrors).to.deep.equal(['signingCredential.untrusted']);
    });
  }

  it('reads the claim generator and actions of C.jpg and CA.jpg', async () => {
    if (!LIBRARY_EXPECTED) return;
    const created = await readC2pa(fixture('C.jpg'));
    expect(created.claimGenerator).to.equal('make_test_images/0.33.1 c2pa-rs/0.33.1');
    expect(created.actions).to.deep.equal(['c2pa.created']);
    const edited = await readC2pa(fixture('CA.jpg'));
    expect(edited.actions).to.deep.equal(['c2pa.opened', 'c2pa.color_adjustments']);
  });

  it('reports XCA.jpg (pixels changed after signing) as invalid with assertion.dataHash.mismatch', async () => {
    const summary = await readC2pa(fixture('XCA.jpg'));
    expect(summary.present).to.equal(true);
    if (!LIBRARY_EXPECTED) return;
    expect(summary.validationState).to.equal('invalid');
    expect(summary.validationErrors).to.include('assertion.dataHash.mismatch');
  });

  it('reads the Firefly PNG: generator and Adobe signer', async () => {
    const summary = await readC2pa(fixture('firefly_thirdparty_gemini.png'));
    expect(summary.present).to.equal(true);
    if (!LIBRARY_EXPECTED) return;
    expect(summary.claimGenerator).to.equal('Adobe_Firefly');
    expect(summary.signer).to.equal('Adobe Inc.');
    expect(summary.title).to.equal('Generated Image');
  });

  it('does not fetch the remote manifest of cloud.jpg', async () => {
    // The library would try the network for this file; readC2pa must not hand it over.
    const started = Date.now();
    const summary = await readC2pa(fixture('cloud.jpg'));
    expect(summary.reader).to.equal('jumbf-scan');
    expect(Date.now() - started).to.be.below(2000);
  });
});
