import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import {
  NEAR_DUPLICATE_MAX_DISTANCE,
  hammingDistance,
  hashFromGreyscale32,
  isPerceptualHash,
  perceptualHash,
} from '../../server/provenance/phash';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/images/${name}`, import.meta.url));
const hashOf = (name: string) => perceptualHash(sharp(fixture(name)).rotate());
const hashOfBuffer = (bytes: Buffer) => perceptualHash(sharp(bytes).rotate());

describe('hammingDistance', () => {
  it('counts differing bits across both 32-bit halves', () => {
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).to.equal(64);
    expect(hammingDistance('0123456789abcdef', '0123456789abcdef')).to.equal(0);
    expect(hammingDistance('8000000000000001', '0000000000000000')).to.equal(2);
    expect(hammingDistance('00000000ffffffff', '0000000000000000')).to.equal(32);
    expect(hammingDistance('f0f0f0f0f0f0f0f0', '0f0f0f0f0f0f0f0f')).to.equal(64);
    expect(hammingDistance('0000000100000000', '0000000000000000')).to.equal(1);
  });

  it('ignores case and is symmetric', () => {
    expect(hammingDistance('ABCDEF0123456789', 'abcdef0123456788')).to.equal(1);
    expect(hammingDistance('abcdef0123456788', 'ABCDEF0123456789')).to.equal(1);
  });

  it('agrees with a bigint popcount on arbitrary values', () => {
    const values = ['0123456789abcdef', 'fedcba9876543210', 'deadbeefcafebabe', '7fffffff80000000', '1111111111111111'];
    for (const a of values) {
      for (const b of values) {
        const expected = [...(BigInt('0x' + a) ^ BigInt('0x' + b)).toString(2)].filter((c) => c === '1').length;
        expect(hammingDistance(a, b), `${a} vs ${b}`).to.equal(expected);
      }
    }
  });

  it('rejects strings that are not 16 hex digits', () => {
    expect(() => hammingDistance('xyz', '0000000000000000')).to.throw(TypeError);
    expect(() => hammingDistance('00000000000000000', '0000000000000000')).to.throw(TypeError);
    expect(isPerceptualHash('0123456789ABCDEF')).to.equal(true);
    expect(isPerceptualHash('0123456789abcde')).to.equal(false);
  });
});

describe('hashFromGreyscale32', () => {
  it('sets half the bits, and inverting the picture inverts every bit', () => {
    // A picture with structure at many frequencies, so no coefficient sits exactly on the median.
    const pixels = Array.from({ length: 1024 }, (_, i) => {
      const x = i % 32;
      const y = Math.floor(i / 32);
      return 128 + 60 * Math.sin(x / 3 + y / 7) + 40 * Math.cos((x * y) / 50) + ((x * 7 + y * 13) % 11);
    });
    const hash = hashFromGreyscale32(pixels);
    const inverted = hashFromGreyscale32(pixels.map((p) => 255 - p));
    expect(isPerceptualHash(hash)).to.equal(true);
    expect(hammingDistance(hash, '0000000000000000')).to.equal(32);
    expect(hammingDistance(hash, inverted)).to.equal(64);
  });

  it('does not depend on overall brightness (the DC term is left out)', () => {
    const pixels = Array.from({ length: 1024 }, (_, i) => 100 + 50 * Math.sin((i % 32) / 4) * Math.cos(i / 32 / 5) + (i % 7));
    expect(hashFromGreyscale32(pixels.map((p) => p + 40))).to.equal(hashFromGreyscale32(pixels));
  });
});

describe('perceptualHash', () => {
  it('returns 16 lowercase hex digits and is deterministic', async () => {
    const a = await hashOf('DSCN0010.jpg');
    expect(a).to.match(/^[0-9a-f]{16}$/);
    expect(await hashOf('DSCN0010.jpg')).to.equal(a);
  });

  it('keeps resized and recompressed copies within the near-duplicate threshold', async () => {
    for (const name of ['DSCN0010.jpg', 'Bush-dog.jpg', 'earth_apollo17.jpg', 'landscape_1.jpg']) {
      const original = await hashOf(name);
      const oriented = await sharp(fixture(name)).rotate().png().toBuffer();
      const { width = 0 } = await sharp(oriented).metadata();
      const variants: Record<string, Buffer> = {
        'half size': await sharp(oriented).resize(Math.round(width / 2)).jpeg({ quality: 85 }).toBuffer(),
        'JPEG q40': await sharp(oriented).jpeg({ quality: 40 }).toBuffer(),
        WebP: await sharp(oriented).webp({ quality: 70 }).toBuffer(),
        PNG: await sharp(oriented).png().toBuffer(),
      };
      for (const [kind, bytes] of Object.entries(variants)) {
        const distance = hammingDistance(original, await hashOfBuffer(bytes));
        expect(distance, `${name} ${kind}`).to.be.at.most(NEAR_DUPLICATE_MAX_DISTANCE);
      }
    }
  });

  it('sees through an EXIF orientation tag once the caller applies it', async () => {
    const oriented = await sharp(fixture('DSCN0010.jpg')).rotate().png().toBuffer();
    // Pixels stored turned 90° clockwise, tagged 8 so a viewer turns them back.
    const tagged = await sharp(oriented).rotate(90).withMetadata({ orientation: 8 }).jpeg({ quality: 90 }).toBuffer();
    const original = await hashOf('DSCN0010.jpg');
    expect(hammingDistance(original, await hashOfBuffer(tagged))).to.be.at.most(NEAR_DUPLICATE_MAX_DISTANCE);
    // Without orientation the sideways pixels are a different picture: proves the tag did the work.
    expect(hammingDistance(original, await perceptualHash(sharp(tagged)))).to.be.greaterThan(NEAR_DUPLICATE_MAX_DISTANCE);
  });

  it('puts different photographs far apart', async () => {
    const pairs: Array<[string, string]> = [
      ['Canon_40D.jpg', 'DSCN0010.jpg'],
      ['Bush-dog.jpg', 'landscape_1.jpg'],
      ['mars.webp', 'earth_apollo17.jpg'],
      ['iptc-staff-photographer-example.jpg', 'iptc-independent-photographer-example.jpg'],
    ];
    for (const [a, b] of pairs) {
      expect(hammingDistance(await hashOf(a), await hashOf(b)), `${a} vs ${b}`).to.be.greaterThan(20);
    }
  });

  it('hashes landscape_1..8 (one photo in 8 EXIF orientations) within the threshold of each other', async () => {
    const hashes = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((n) => hashOf(`landscape_${n}.jpg`)));
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) {
        expect(hammingDistance(hashes[i], hashes[j]), `landscape_${i + 1} vs landscape_${j + 1}`).to.be.at.most(
          NEAR_DUPLICATE_MAX_DISTANCE,
        );
      }
    }
    // Read without orientation, the rotated ones are different pictures: the test depends on .rotate().
    const raw6 = await perceptualHash(sharp(fixture('landscape_6.jpg')));
    expect(hammingDistance(hashes[0], raw6)).to.be.greaterThan(NEAR_DUPLICATE_MAX_DISTANCE);
  });

  it('flattens transparency onto white', async () => {
    const transparent = await sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: await sharp({ create: { width: 32, height: 32, channels: 4, background: '#000000ff' } }).png().toBuffer(), left: 0, top: 0 }])
      .png()
      .toBuffer();
    const onWhite = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } })
      .composite([{ input: await sharp({ create: { width: 32, height: 32, channels: 3, background: '#000000' } }).png().toBuffer(), left: 0, top: 0 }])
      .png()
      .toBuffer();
    expect(await perceptualHash(sharp(transparent))).to.equal(await perceptualHash(sharp(onWhite)));
  });
});
