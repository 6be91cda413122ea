// Decides an upload's image format from its first bytes. The file name and the client's
// Content-Type are never consulted: both are whatever the sender chose to claim.
import { open } from 'node:fs/promises';
import { UnsupportedMediaTypeError } from '../shared/errors';

/** The image formats the archive accepts, decided from the file's content. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'heif' | 'avif';

/** Enough for every signature below, including an ISO-BMFF `ftyp` box with a dozen compatible brands. */
export const SNIFF_BYTES = 64;

const MIME_TYPES: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  heif: 'image/heic',
  avif: 'image/avif',
};

const FORMAT_NAMES: Record<ImageFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
  tiff: 'TIFF',
  heif: 'HEIC/HEIF',
  avif: 'AVIF',
};

// HEIF brands. `mif1`/`msf1` only say "some HEIF still/sequence"; they decide nothing on their
// own because AVIF files are HEIF too and often carry `mif1` as the major brand.
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const GENERIC_HEIF_BRANDS = new Set(['mif1', 'msf1']);

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

function readUint32BE(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/** Brand check for an ISO-BMFF file: `[size]ftyp[major][minor version][compatible brands…]`. */
function sniffIsoBmff(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return null;
  const boxSize = readUint32BE(bytes, 0);
  // A size below 16 cannot hold major brand + minor version; 0 and 1 (to-end / 64-bit size) are not used for ftyp.
  if (boxSize < 16) return null;
  const major = ascii(bytes, 8, 12);
  const compatible: string[] = [];
  const end = Math.min(boxSize, bytes.length);
  for (let offset = 16; offset + 4 <= end; offset += 4) compatible.push(ascii(bytes, offset, offset + 4));

  if (AVIF_BRANDS.has(major)) return 'avif';
  if (HEIC_BRANDS.has(major)) return 'heif';
  // Major brand is generic (mif1, msf1, miaf, …): the compatible brands say what codec is inside.
  if (compatible.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
  if (compatible.some((brand) => HEIC_BRANDS.has(brand))) return 'heif';
  if (GENERIC_HEIF_BRANDS.has(major) || compatible.some((brand) => GENERIC_HEIF_BRANDS.has(brand))) return 'heif';
  // Other ISO-BMFF files (MP4, MOV, 3GP, JPEG 2000 …) are not images we accept.
  return null;
}

/** Pure: the format the leading bytes of a file announce, or null when none of ours. */
export function sniffImageFormatFromBytes(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 6) {
    const gif = ascii(bytes, 0, 6);
    if (gif === 'GIF87a' || gif === 'GIF89a') return 'gif';
  }
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  return sniffIsoBmff(bytes);
}

/** Pure: a few common things people upload by mistake, named so the refusal can say what the file is. */
export function describeNonImage(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'an empty file';
  if (ascii(bytes, 0, 5) === '%PDF-') return 'a PDF document';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive (or an Office document)';
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') return 'a video or another ISO media file';
  if (ascii(bytes, 0, 2) === 'BM') return 'a BMP image';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).trimStart().toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'an SVG drawing';
  return undefined;
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Reads at most SNIFF_BYTES from the start of the file; never the whole upload. */
export async function sniffImageFormat(path: string): Promise<ImageFormat | null> {
  return sniffImageFormatFromBytes(await readHead(path));
}

/** As sniffImageFormat, but refuses anything else with a 415 whose message says what was accepted. */
export async function requireImageFormat(path: string): Promise<ImageFormat> {
  const head = await readHead(path);
  const format = sniffImageFormatFromBytes(head);
  if (format) return format;
  const what = describeNonImage(head);
  const prefix = what ? `This is ${what}, not an image the archive accepts.` : 'This file is not an image the archive accepts.';
  throw new UnsupportedMediaTypeError(
    `${prefix} Upload a ${ACCEPTED_FORMATS_TEXT} file; the type is read from the file's content, not its name.`,
    { details: { accepted: Object.keys(MIME_TYPES) } },
  );
}

/**
 * MIME type to serve the original with. HEIF-family files that are not AVIF are labelled
 * image/heic: in practice they are HEVC stills from phones, which is what browsers and
 * operating systems expect under that type.
 */
export function mimeTypeOf(format: ImageFormat): string {
  return MIME_TYPES[format];
}

/** Human name for messages ("The file looks like a JPEG but …"). */
export function formatName(format: ImageFormat): string {
  return FORMAT_NAMES[format];
}

/** The list users see when their file is refused. */
export const ACCEPTED_FORMATS_TEXT = 'JPEG, PNG, WebP, GIF, TIFF, HEIC/HEIF or AVIF image, or an MP4, MOV, WebM or MKV video';
