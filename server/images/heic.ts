// HEVC-coded HEIF (iPhone HEIC) pixels. sharp's prebuilt libvips reads HEIF headers but ships no
// HEVC decoder (patents), so the pixels come from libheif compiled to WebAssembly (libheif-js,
// the package heic-decode wraps; used directly here to pick the primary image and to decode
// straight into the buffer handed to sharp). The wasm decoder needs the whole file in memory.
import { createRequire } from 'node:module';

/** The part of libheif-js's hand-written JS API used here (the package ships no types for it). */
interface HeifImageHandle {
  get_width(): number;
  get_height(): number;
  is_primary(): boolean;
  has_alpha_channel(): boolean;
  /** Decodes to interleaved 8-bit RGBA, writing into `target.data`; calls back with null on failure. */
  display(
    target: { data: Uint8ClampedArray; width: number; height: number },
    callback: (result: { data: Uint8ClampedArray } | null) => void,
  ): void;
  free(): void;
}

interface LibHeif {
  ready?: Promise<unknown>;
  HeifDecoder: new () => { decoder: { delete(): void } | null; decode(buffer: Uint8Array): HeifImageHandle[] };
}

export class HeifDecodeError extends Error {}

function loadLibheif(): LibHeif {
  // Loaded on first use (require's cache keeps it): the bundle embeds a 1.4 MB wasm binary that
  // most processes never need.
  return createRequire(import.meta.url)('libheif-js/wasm-bundle') as LibHeif;
}

export interface DecodedHeif {
  /** An uncompressed TIFF (header written by writeTiffHeader) that sharp reads without copying the pixels again. */
  tiff: Buffer;
  /** The RGBA pixels inside `tiff`. */
  pixels: Uint8Array;
  width: number;
  height: number;
  hasAlpha: boolean;
}

/**
 * Decodes the primary image of a HEIF file to RGBA. libheif applies the container's
 * rotation/mirror (irot/imir) itself, so the result is already display-oriented; the EXIF
 * Orientation inside a HEIF is informational and must not be applied again.
 *
 * `icc` (the profile sharp's metadata() found in the container, e.g. Display P3) is embedded in
 * the returned TIFF so that sharp colour-manages the pixels to sRGB like any other input.
 */
export async function decodeHeif(file: Uint8Array, icc?: Uint8Array): Promise<DecodedHeif> {
  const lib = loadLibheif();
  await lib.ready;
  const decoder = new lib.HeifDecoder();
  let images: HeifImageHandle[] = [];
  try {
    images = decoder.decode(file);
    const image = images.find((candidate) => candidate.is_primary()) ?? images[0];
    if (!image) throw new HeifDecodeError('no image found in the HEIF container');
    const width = image.get_width();
    const height = image.get_height();
    const layout = tiffLayout(width, height, 4, icc);
    const tiff = Buffer.alloc(layout.totalBytes);
    writeTiffHeader(tiff, layout, icc);
    const pixels = new Uint8ClampedArray(tiff.buffer, tiff.byteOffset + layout.pixelOffset, layout.pixelBytes);
    const result = await new Promise<{ data: Uint8ClampedArray } | null>((resolve) => image.display({ data: pixels, width, height }, resolve));
    if (!result) throw new HeifDecodeError('the HEVC image data could not be decoded');
    return { tiff, pixels: tiff.subarray(layout.pixelOffset), width, height, hasAlpha: image.has_alpha_channel() };
  } finally {
    for (const image of images) image.free();
    decoder.decoder?.delete();
  }
}

interface TiffLayout {
  width: number;
  height: number;
  channels: 3 | 4;
  entries: number;
  bitsPerSampleOffset: number;
  iccOffset: number;
  pixelOffset: number;
  pixelBytes: number;
  totalBytes: number;
}

function tiffLayout(width: number, height: number, channels: 3 | 4, icc: Uint8Array | undefined): TiffLayout {
  const entries = 10 + (channels === 4 ? 1 : 0) + (icc ? 1 : 0);
  const ifdBytes = 2 + entries * 12 + 4;
  const bitsPerSampleOffset = 8 + ifdBytes;
  const iccOffset = bitsPerSampleOffset + 8;
  // Word-aligned start of the pixels (TIFF asks for even offsets).
  const pixelOffset = (iccOffset + (icc?.length ?? 0) + 3) & ~3;
  const pixelBytes = width * height * channels;
  if (pixelOffset + pixelBytes > 0xffffffff) throw new HeifDecodeError('image too large for an in-memory TIFF');
  return { width, height, channels, entries, bitsPerSampleOffset, iccOffset, pixelOffset, pixelBytes, totalBytes: pixelOffset + pixelBytes };
}

/**
 * Pure: 8-bit RGB(A) pixels as an uncompressed TIFF carrying `icc`. Used to colour-manage HEIC
 * pixels after they were shrunk: converting 12 megapixels from Display P3 costs far more than
 * converting the 1600 px derivative.
 */
export function pixelsAsTiff(pixels: Uint8Array, width: number, height: number, channels: 3 | 4, icc?: Uint8Array): Buffer {
  const layout = tiffLayout(width, height, channels, icc);
  if (pixels.length !== layout.pixelBytes) throw new RangeError(`expected ${layout.pixelBytes} bytes of pixels, got ${pixels.length}`);
  const tiff = Buffer.alloc(layout.totalBytes);
  writeTiffHeader(tiff, layout, icc);
  tiff.set(pixels, layout.pixelOffset);
  return tiff;
}

const SHORT = 3;
const LONG = 4;
const UNDEFINED = 7;

/**
 * Little-endian baseline TIFF header for one uncompressed strip of 8-bit RGB(A). Raw input to
 * sharp cannot carry an ICC profile, a TIFF can: that is the only reason for this wrapper.
 */
function writeTiffHeader(target: Buffer, layout: TiffLayout, icc: Uint8Array | undefined): void {
  target.write('II', 0, 'latin1');
  target.writeUInt16LE(42, 2);
  target.writeUInt32LE(8, 4);
  let offset = 8;
  target.writeUInt16LE(layout.entries, offset);
  offset += 2;
  const entry = (tag: number, type: number, count: number, value: number) => {
    target.writeUInt16LE(tag, offset);
    target.writeUInt16LE(type, offset + 2);
    target.writeUInt32LE(count, offset + 4);
    if (type === SHORT && count === 1) target.writeUInt16LE(value, offset + 8);
    else target.writeUInt32LE(value, offset + 8);
    offset += 12;
  };
  // Tags must be in ascending order.
  entry(256, LONG, 1, layout.width); // ImageWidth
  entry(257, LONG, 1, layout.height); // ImageLength
  entry(258, SHORT, layout.channels, layout.bitsPerSampleOffset); // BitsPerSample 8 per channel
  entry(259, SHORT, 1, 1); // Compression: none
  entry(262, SHORT, 1, 2); // PhotometricInterpretation: RGB
  entry(273, LONG, 1, layout.pixelOffset); // StripOffsets
  entry(277, SHORT, 1, layout.channels); // SamplesPerPixel
  entry(278, LONG, 1, layout.height); // RowsPerStrip: one strip
  entry(279, LONG, 1, layout.pixelBytes); // StripByteCounts
  entry(284, SHORT, 1, 1); // PlanarConfiguration: chunky
  if (layout.channels === 4) entry(338, SHORT, 1, 2); // ExtraSamples: unassociated alpha (libheif does not premultiply)
  if (icc) entry(34675, UNDEFINED, icc.length, layout.iccOffset); // ICC profile
  target.writeUInt32LE(0, offset); // no next IFD
  for (let i = 0; i < layout.channels; i += 1) target.writeUInt16LE(8, layout.bitsPerSampleOffset + i * 2);
  if (icc) target.set(icc, layout.iccOffset);
}
