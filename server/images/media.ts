// The sharp adapter. Everything the archive asks of the pixels goes through here, and every
// libvips failure leaves this file as one of the project's errors (413 / 422), never raw.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type AvifOptions, type Metadata, type OutputInfo, type Sharp, type WebpOptions } from 'sharp';
import { PayloadTooLargeError, UnprocessableError } from '../shared/errors';
import { formatName, mimeTypeOf } from '../files/file-type';
import { decodeHeif, pixelsAsTiff, type DecodedHeif } from './heic';
import type { DerivativeInfo, FileFacts, ImageFormat } from './image.types';

export interface MediaLimits {
  /** Largest width × height accepted (sharp's limitInputPixels). */
  maxPixels: number;
  /**
   * Largest file read whole into memory. Only HEVC-coded HEIF needs that (the wasm decoder takes
   * a buffer); other formats are streamed from disk by libvips. Defaults to DEFAULT_MAX_IN_MEMORY_BYTES.
   */
  maxBytes?: number;
  /**
   * Set by an ingest, so that its analysis and its derivatives decode an HEVC (iPhone HEIC) file
   * once: the wasm decode is the slowest step of such an upload. Holds the decoded pixels, so it
   * lives only as long as that ingest.
   */
  hevcDecodes?: HevcDecodes;
}

/** Decoded HEVC images by file path, without a colour profile attached (see openHevc). */
export type HevcDecodes = Map<string, Promise<DecodedHeif>>;

export const DEFAULT_MAX_IN_MEMORY_BYTES = 50 * 1024 * 1024;

export const DERIVATIVE_SIZES = { thumbnail: 400, display: 1600 } as const;

/**
 * 'error' refuses truncated files and corrupt scan data, but still accepts files for which
 * libjpeg only warns (extraneous bytes before a marker and the like), which real cameras and
 * editors write all the time. sharp's stricter default ('warning') would refuse those.
 */
const FAIL_ON = 'error' as const;

// Every pipeline here reads a file once and never again: libvips' operation cache would only hold
// decoded pixels of finished uploads in memory, which is what bounded ingest memory cannot afford.
sharp.cache(false);

/** sharp reports AVIF and HEIC both as 'heif'. */
const SHARP_FORMATS: Record<ImageFormat, string> = {
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  tiff: 'tiff',
  heif: 'heif',
  avif: 'heif',
};

interface Header {
  metadata: Metadata;
  /** Width and height as displayed (after EXIF orientation; HEIF sizes already include irot). */
  width: number;
  height: number;
}

function megapixels(pixels: number): string {
  const value = pixels / 1_000_000;
  // "2500", "100", "12", "1.2", "0.0068": whole numbers once it no longer matters.
  return value >= 10 ? String(Math.round(value)) : String(Number(value.toPrecision(2)));
}

function tooManyPixels(width: number, height: number, maxPixels: number, cause?: unknown): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `The image is ${width} × ${height} pixels (${megapixels(width * height)} megapixels); the limit is ${megapixels(maxPixels)} megapixels.`,
    { code: 'too_many_pixels', cause, details: { width, height, maxPixels } },
  );
}

/** libvips messages name the server-side temp path and repeat lines; keep one readable line. */
function libvipsReason(error: unknown, filePath: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message
    .split('\n')
    .map((line) => line.split(filePath).join('').replace(/^[:\s]+/, '').trim())
    .find((line) => line.length > 0);
  const reason = firstLine ?? 'unknown error';
  return reason.length > 160 ? `${reason.slice(0, 157)}…` : reason;
}

/** Maps a libvips/libheif failure to the project's errors. */
function translate(error: unknown, filePath: string, format: ImageFormat, maxPixels: number, size?: { width: number; height: number }): Error {
  if (error instanceof PayloadTooLargeError || error instanceof UnprocessableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/exceeds pixel limit/i.test(message)) {
    return size
      ? tooManyPixels(size.width, size.height, maxPixels, error)
      : new PayloadTooLargeError(`The image has more than ${megapixels(maxPixels)} megapixels, the limit.`, { code: 'too_many_pixels', cause: error });
  }
  const name = formatName(format);
  const article = /^[AEIOU]/.test(name) ? 'an' : 'a';
  return new UnprocessableError(
    `The file looks like ${article} ${name} but its image data cannot be decoded (${libvipsReason(error, filePath)}).`,
    { code: 'undecodable_image', cause: error, details: { format } },
  );
}

/**
 * Reads the header only (no pixels are decoded), checks it agrees with the sniffed format and
 * enforces the pixel limit, so a PNG claiming 50,000 × 50,000 pixels is refused in a millisecond.
 */
async function readHeader(filePath: string, format: ImageFormat, limits: MediaLimits): Promise<Header> {
  let metadata: Metadata;
  try {
    // The limit is checked below with a useful message; sharp's own check would only say "exceeds".
    metadata = await sharp(filePath, { limitInputPixels: false, failOn: FAIL_ON }).metadata();
  } catch (error) {
    throw translate(error, filePath, format, limits.maxPixels);
  }
  if (metadata.format !== SHARP_FORMATS[format] || !metadata.width || !metadata.height) {
    throw translate(new Error(`the image decoder reads it as ${metadata.format ?? 'nothing it knows'}`), filePath, format, limits.maxPixels);
  }
  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  // metadata.height is one frame's height for animations; frames are decoded one at a time.
  if (width * height > limits.maxPixels) throw tooManyPixels(width, height, limits.maxPixels);
  return { metadata, width, height };
}

function isHevc(format: ImageFormat, header: Header): boolean {
  return (format === 'heif' || format === 'avif') && header.metadata.compression === 'hevc';
}

/** `icc` is attached to the decoded pixels so that sharp converts them to sRGB. */
async function openHevc(filePath: string, limits: MediaLimits, icc: Uint8Array | undefined): Promise<Sharp> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_IN_MEMORY_BYTES;
  const { size } = await stat(filePath);
  if (size > maxBytes) {
    throw new PayloadTooLargeError(
      `The HEIC file is ${Math.ceil(size / 1024 / 1024)} MB; HEIC files are decoded in memory and the limit is ${Math.floor(maxBytes / 1024 / 1024)} MB.`,
      { details: { bytes: size, maxBytes } },
    );
  }
  let decoded: DecodedHeif;
  try {
    decoded = await decodeHevc(filePath, limits.hevcDecodes, icc);
  } catch (error) {
    throw translate(error, filePath, 'heif', limits.maxPixels);
  }
  // The decoder always returns RGBA; an opaque alpha channel would only cost bytes downstream.
  const image = sharp(decoded.tiff, { limitInputPixels: limits.maxPixels, failOn: FAIL_ON });
  return decoded.hasAlpha ? image : image.removeAlpha();
}

/**
 * One decode per file and ingest when `shared` is given: it is decoded without a profile, and a
 * caller that wants `icc` gets the pixels copied into a TIFF carrying it (a copy costs a few
 * milliseconds, a decode about a second).
 */
async function decodeHevc(filePath: string, shared: HevcDecodes | undefined, icc: Uint8Array | undefined): Promise<DecodedHeif> {
  if (!shared) return decodeHeif(await readFile(filePath), icc);
  let decoding = shared.get(filePath);
  if (!decoding) {
    decoding = readFile(filePath).then((bytes) => decodeHeif(bytes));
    shared.set(filePath, decoding);
  }
  const decoded = await decoding;
  return icc ? { ...decoded, tiff: pixelsAsTiff(decoded.pixels, decoded.width, decoded.height, 4, icc) } : decoded;
}

/**
 * libvips decodes lazily, so a corrupt or truncated file only fails when a caller outside this
 * file (e.g. the perceptual hash) runs the pipeline. The promise forms of toBuffer/toFile, on
 * this instance and on its clones, are wrapped so that such failures still arrive as 413/422.
 */
function translatingErrors(image: Sharp, filePath: string, format: ImageFormat, header: Header, maxPixels: number): Sharp {
  const fail = (error: unknown) => {
    throw translate(error, filePath, format, maxPixels, header);
  };
  const toBuffer = image.toBuffer.bind(image) as (...args: unknown[]) => unknown;
  const toFile = image.toFile.bind(image) as (...args: unknown[]) => unknown;
  const clone = image.clone.bind(image);
  // Casts: sharp's overloads (callback vs promise) cannot be re-declared generically; callback
  // forms are passed through untouched and the promise forms keep their resolved types.
  image.toBuffer = ((...args: unknown[]) => {
    const result = toBuffer(...args);
    return result instanceof Promise ? result.catch(fail) : result;
  }) as Sharp['toBuffer'];
  image.toFile = ((...args: unknown[]) => {
    const result = toFile(...args);
    return result instanceof Promise ? result.catch(fail) : result;
  }) as Sharp['toFile'];
  image.clone = () => translatingErrors(clone(), filePath, format, header, maxPixels);
  return image;
}

/**
 * An oriented sharp pipeline over the original, with the pixel limit enforced from the header
 * before anything is decoded (and again by libvips through limitInputPixels). For HEVC HEIF the
 * pixels are decoded here (wasm) and are already display-oriented by libheif.
 */
export async function openImage(filePath: string, format: ImageFormat, limits: MediaLimits): Promise<Sharp> {
  const header = await readHeader(filePath, format, limits);
  return openWithHeader(filePath, format, header, limits, header.metadata.icc);
}

async function openWithHeader(filePath: string, format: ImageFormat, header: Header, limits: MediaLimits, hevcIcc: Uint8Array | undefined): Promise<Sharp> {
  const image = isHevc(format, header)
    ? await openHevc(filePath, limits, hevcIcc)
    : sharp(filePath, { limitInputPixels: limits.maxPixels, failOn: FAIL_ON, autoOrient: true });
  return translatingErrors(image, filePath, format, header, limits.maxPixels);
}

/** Facts from the header: nothing is decoded, so this is cheap even for a 100-megapixel file. */
export async function probeImage(filePath: string, format: ImageFormat, limits: MediaLimits): Promise<FileFacts> {
  const [{ metadata, width, height }, { size }] = await Promise.all([readHeader(filePath, format, limits), stat(filePath)]);
  const facts: FileFacts = {
    format,
    mimeType: mimeTypeOf(format),
    bytes: size,
    width,
    height,
    hasAlpha: metadata.hasAlpha ?? false,
  };
  if (metadata.space) facts.space = metadata.space;
  if (metadata.depth) facts.bitDepth = metadata.depth;
  if (metadata.channels) facts.channels = metadata.channels;
  const iccDescription = metadata.icc ? iccProfileDescription(metadata.icc) : undefined;
  if (iccDescription) facts.iccDescription = iccDescription;
  if (metadata.density) facts.density = metadata.density;
  if (metadata.pages) facts.pages = metadata.pages;
  return facts;
}

/** Writes next to the target and renames, so a reader never sees half a file. */
async function writeAtomically(dir: string, name: string, data: Buffer): Promise<void> {
  const temp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, data);
    await rename(temp, path.join(dir, name));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Where finished derivatives go: a folder, or a function that stores them (the blob store's put). */
export type DerivativeTarget = string | ((file: string, data: Buffer, sha256: string) => Promise<void>);

async function storeDerivative(target: DerivativeTarget, output: { data: Buffer; info: OutputInfo }, format: 'webp' | 'avif'): Promise<DerivativeInfo> {
  const sha256 = createHash('sha256').update(output.data).digest('hex');
  const file = `${sha256}.${format}`;
  if (typeof target === 'string') await writeAtomically(target, file, output.data);
  else await target(file, output.data, sha256);
  return { file, width: output.info.width, height: output.info.height, format, bytes: output.data.length };
}

/**
 * effort 2 rather than libwebp's default 4: on a 1600 px photo it costs about 25 % less CPU for
 * files about 1.5 % larger, and encoding is most of the derivative cost once shrink-on-load has
 * made decoding cheap.
 */
const WEBP_OPTIONS: WebpOptions = { quality: 80, effort: 2 };
/**
 * AVIF at effort 0 (the only effort that stays within ~2x the WebP cost); quality 50 looks
 * about like WebP 80 at half the bytes.
 */
const AVIF_OPTIONS: AvifOptions = { quality: 50, effort: 0 };

export interface Derivatives {
  thumbnail: DerivativeInfo;
  display: DerivativeInfo;
  /** Present only when asked for with `{ avif: true }`. */
  avif?: { thumbnail: DerivativeInfo; display: DerivativeInfo };
}

export interface DerivativeOptions {
  /**
   * Also write AVIF versions. Off by default: AVIF roughly doubles the encoding time of an
   * ingest, and image records have no field for them yet (so the start-up repair would treat
   * them as orphans).
   */
  avif?: boolean;
}

/**
 * The web derivatives: a 400 px thumbnail and a 1600 px display image (longest side, never
 * enlarged), WebP, orientation applied, colour converted to sRGB.
 *
 * Nothing of the original's metadata reaches them: the original is decoded once to raw sRGB
 * pixels at display size (libjpeg/libwebp shrink-on-load applies because the resize directly
 * follows the load), and every output is encoded from that raw buffer, which has no EXIF, XMP,
 * IPTC or ICC to carry over. Dropping the ICC is deliberate: the pixels were converted to sRGB,
 * which is what browsers assume for untagged images.
 *
 * Animated GIF/WebP: the first frame. File names are the sha256 of the bytes (content-addressed),
 * so identical outputs share one file; each is written to a temporary name and renamed.
 */
export async function makeDerivatives(
  filePath: string,
  format: ImageFormat,
  outDir: DerivativeTarget,
  limits: MediaLimits,
  options: DerivativeOptions = {},
): Promise<Derivatives> {
  const header = await readHeader(filePath, format, limits);
  const icc = header.metadata.icc;
  // HEIC: shrink first, colour-manage after (see pixelsAsTiff); everything else in one pass.
  const deferIcc = isHevc(format, header) && icc !== undefined;
  const image = await openWithHeader(filePath, format, header, limits, deferIcc ? undefined : icc);
  const shrunk = image.resize(DERIVATIVE_SIZES.display, DERIVATIVE_SIZES.display, { fit: 'inside', withoutEnlargement: true });
  let base: { data: Buffer; info: OutputInfo };
  if (deferIcc) {
    const small = await shrunk.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const tagged = pixelsAsTiff(small.data, small.info.width, small.info.height, small.info.channels === 4 ? 4 : 3, icc);
    base = await sharp(tagged).toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } else {
    base = await shrunk.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  }
  const raw = { raw: { width: base.info.width, height: base.info.height, channels: base.info.channels as 1 | 2 | 3 | 4 } };
  const display = () => sharp(base.data, raw);
  const thumbnail = () =>
    sharp(base.data, raw).resize(DERIVATIVE_SIZES.thumbnail, DERIVATIVE_SIZES.thumbnail, { fit: 'inside', withoutEnlargement: true });
  if (typeof outDir === 'string') await mkdir(outDir, { recursive: true });
  const encode = (pipeline: Sharp, as: 'webp' | 'avif') =>
    (as === 'webp' ? pipeline.webp(WEBP_OPTIONS) : pipeline.avif(AVIF_OPTIONS))
      .toBuffer({ resolveWithObject: true })
      .then((output) => storeDerivative(outDir, output, as));
  const [displayInfo, thumbnailInfo] = await Promise.all([encode(display(), 'webp'), encode(thumbnail(), 'webp')]);
  const result: Derivatives = { thumbnail: thumbnailInfo, display: displayInfo };
  if (options.avif) {
    const [displayAvif, thumbnailAvif] = await Promise.all([encode(display(), 'avif'), encode(thumbnail(), 'avif')]);
    result.avif = { thumbnail: thumbnailAvif, display: displayAvif };
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// ICC profile description: a tiny reader for the two tag types that carry it, instead of a
// dependency. ICC.1:2001 (v2) 'desc' is textDescriptionType; ICC.1:2010 (v4) uses
// multiLocalizedUnicodeType ('mluc').

/** Pure: the profile's description ('desc' tag), or undefined when absent or malformed. */
export function iccProfileDescription(profile: Uint8Array): string | undefined {
  if (profile.length < 132) return undefined;
  const view = new DataView(profile.buffer, profile.byteOffset, profile.byteLength);
  const tagCount = view.getUint32(128);
  if (tagCount > (profile.length - 132) / 12) return undefined;
  for (let i = 0; i < tagCount; i += 1) {
    const entry = 132 + i * 12;
    if (readAscii(profile, entry, 4) !== 'desc') continue;
    const offset = view.getUint32(entry + 4);
    const size = view.getUint32(entry + 8);
    if (offset + size > profile.length || size < 12) return undefined;
    return readDescriptionTag(view, profile, offset, size);
  }
  return undefined;
}

function readAscii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function readDescriptionTag(view: DataView, bytes: Uint8Array, offset: number, size: number): string | undefined {
  const type = readAscii(bytes, offset, 4);
  if (type === 'desc') {
    // textDescriptionType: type, reserved, uint32 ASCII count (incl. NUL), ASCII…
    const count = view.getUint32(offset + 8);
    if (12 + count > size) return undefined;
    return clean(readAscii(bytes, offset + 12, count));
  }
  if (type === 'mluc') {
    // multiLocalizedUnicodeType: type, reserved, record count, record size (12), records of
    // {language, country, length, offset-from-tag-start}, UTF-16BE strings. Prefer English.
    const records = view.getUint32(offset + 8);
    const recordSize = view.getUint32(offset + 12);
    if (recordSize < 12 || 16 + records * recordSize > size) return undefined;
    let chosen: { length: number; start: number } | undefined;
    for (let r = 0; r < records; r += 1) {
      const record = offset + 16 + r * recordSize;
      const language = readAscii(bytes, record, 2);
      const candidate = { length: view.getUint32(record + 4), start: view.getUint32(record + 8) };
      if (!chosen || language === 'en') chosen = candidate;
      if (language === 'en') break;
    }
    if (!chosen || chosen.start + chosen.length > size) return undefined;
    let text = '';
    for (let i = 0; i + 1 < chosen.length; i += 2) text += String.fromCharCode(view.getUint16(offset + chosen.start + i));
    return clean(text);
  }
  return undefined;
}

function clean(text: string): string | undefined {
  const trimmed = text.replace(/\0[\s\S]*$/, '').trim();
  return trimmed.length > 0 ? trimmed : undefined;
}
