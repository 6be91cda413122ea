// Metadata I/O adapter: reads EXIF, GPS, IPTC, XMP, ICC and the embedded thumbnail of one stored file,
// keeps them in full (JSON-safe, grouped by block, each block labelled with the reader that produced it)
// and normalises them (server/images/metadata.normalise.ts).
//
// Two readers, chosen per file:
//   1. exifr 7 (pure JS, ~1–10 ms a file) for everything it can read.
//   2. ExifTool through exiftool-vendored (one long-lived Perl process, ~30–200 ms a file) only where
//      exifr is known to fall short, decided from exifr's own output and a cheap scan of the bytes:
//        – the format is one exifr does not read (WebP, GIF);
//        – exifr threw, or reported an error (a partial read: XMP.jpg's packet, Irvine_CA.avif's ICC);
//        – an XMP packet is in the bytes but exifr returned no XMP;
//        – a PNG carries IPTC as an ImageMagick "Raw profile type iptc/8bim" text chunk (never read by exifr);
//        – exifr found nothing useful although the bytes carry metadata markers (EXIF/ICC/IRB/XMP),
//          which covers TIFFs whose IFDs exifr cannot follow.
//      ExifTool only fills the blocks exifr did not produce; a block never mixes readers.
//   Files without any metadata marker (C.jpg, noexif.jpg, libpng-test.png) never start ExifTool.
//
// Nothing in here throws for a bad file: every failure becomes a line in `raw.warnings` and the result
// is "no metadata" for that part. Pixel checks are someone else's job.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import nodePath from 'node:path';
import * as exifrModule from 'exifr';
import sharp from 'sharp';
import { createExifToolPool, type ExifToolPool } from '../shared/exiftool';
import type { ImageFormat, NormalisedMetadata } from './image.types';
import { boundMetadataExpansion } from './metadata.bounds';
import { normaliseMetadata } from './metadata.normalise';
import {
  type BlockName,
  type MetadataReader,
  type RawBlock,
  type RawMetadata,
  blocksFromExifTool,
  blocksFromExifr,
  hasC2paManifestStore,
  hasPngRawIptcProfile,
  hasXmpPacket,
  iptcDigestsFromIrb,
  jpegPhotoshopIrb,
  xmpFromExifr,
} from './metadata.raw';

export type { RawMetadata, RawBlock, MetadataReader } from './metadata.raw';

export interface EmbeddedThumbnail {
  bytes: number;
  width?: number;
  height?: number;
  format?: string;
  /** Only set when the thumbnail is small enough to keep inline (see MAX_THUMBNAIL_BYTES). */
  base64: string;
  reader: MetadataReader;
}

export interface MetadataResult {
  raw: RawMetadata;
  normalised: NormalisedMetadata;
  embeddedThumbnail?: EmbeddedThumbnail;
  /** Presence only; validation of the manifest belongs to the provenance checks. */
  c2pa: { present: boolean; remoteManifestUrl?: string };
}

const EXIFR_FORMATS: ReadonlySet<ImageFormat> = new Set(['jpeg', 'png', 'tiff', 'heif', 'avif']);

/** EXIF thumbnails are ≤ 64 KiB in JPEG by construction; anything much bigger is not a thumbnail. */
const MAX_THUMBNAIL_BYTES = 256 * 1024;

/** A TIFF with more SubIFD offsets than this is a parser bomb (tiff_poc.tiff has 4,990); ExifTool spends seconds on it. */
const MAX_SUBIFDS = 64;

const EXIFTOOL_TIMEOUT_MS = 10_000;

type ExifrApi = Pick<typeof exifrModule, 'parse' | 'sidecar' | 'thumbnail'>;

// exifr 7 ships a single UMD file. Node's ESM loader exposes it only as `default`; loaded through
// tsx's CommonJS path (as mocha does) the named exports are there and `default` lacks sidecar().
// Take whichever object carries the whole API.
const exifr: ExifrApi | undefined = [exifrModule, (exifrModule as { default?: unknown }).default].find(
  (candidate): candidate is ExifrApi =>
    typeof (candidate as Partial<ExifrApi> | undefined)?.parse === 'function' &&
    typeof (candidate as Partial<ExifrApi> | undefined)?.sidecar === 'function',
);

// exifr 7's .d.ts does not export its Options type and omits two documented options.
type ExifrOptions = Exclude<Parameters<ExifrApi['parse']>[1], boolean | (string | number)[] | undefined> & {
  silentErrors?: boolean;
  chunked?: boolean;
};

// exifr's options, each chosen on purpose (IFD0 is always read):
const EXIFR_OPTIONS: ExifrOptions = {
  tiff: true,
  exif: true,
  gps: true,
  interop: true,
  ifd1: true, // thumbnail dimensions/offset live here
  iptc: true,
  icc: true,
  jfif: true,
  ihdr: true,
  // Raw packet, parsed below with sidecar(): exifr's mergeOutput:false keys XMP by the file's own
  // prefixes, so XMP "exif:" and "tiff:" would overwrite the EXIF IFD blocks.
  xmp: { parse: false },
  multiSegment: true, // extended XMP and ICC profiles split over several APP segments
  makerNote: false, // vendor-specific; ExifTool decodes them properly if we ever need them
  userComment: false,
  mergeOutput: false, // keep blocks apart: the normaliser's precedence depends on where a tag came from
  reviveValues: false, // keep dates as written ("2018:07:25 16:34:23"); revived Dates use the server's zone
  translateValues: false, // numbers (Orientation 6), not exifr's English labels
  translateKeys: true, // ExifTool-style names (DateTimeOriginal), matching the ground truth and the normaliser
  sanitize: true,
  silentErrors: true, // partial results plus `errors`, which we record and use as a trigger for ExifTool
  chunked: false, // we already hold the bytes; chunked reads stop before late PNG chunks (eXIf after IDAT, iTXt XMP)
};

/**
 * Reads a file's embedded metadata: exifr first, ExifTool where exifr cannot (see whyExifTool). The
 * ExifTool processes are this reader's own; close() ends them (the app on shutdown, tests after).
 */
export function createMetadataReader() {
  const exiftool = createExifToolPool({ maxProcs: 2, taskTimeoutMillis: EXIFTOOL_TIMEOUT_MS });
  return {
    read: (path: string, format: ImageFormat) => readMetadata(path, format, exiftool),
    close: () => exiftool.close(),
  };
}

export type EmbeddedMetadataReader = ReturnType<typeof createMetadataReader>;

function hasNonAscii(value: unknown): boolean {
  if (typeof value === 'string') return /[^\x00-\x7f]/.test(value);
  return Array.isArray(value) && value.some(hasNonAscii);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Markers of EXIF, ICC, Photoshop IRB/IPTC and XMP in any of the containers we accept. */
function hasMetadataMarkers(bytes: Buffer): boolean {
  return (
    bytes.includes('Exif\u0000\u0000', 0, 'latin1') ||
    bytes.includes('ICC_PROFILE', 0, 'latin1') ||
    bytes.includes('Photoshop 3.0', 0, 'latin1') ||
    bytes.includes('eXIf', 0, 'latin1') ||
    bytes.includes('iCCP', 0, 'latin1') ||
    hasXmpPacket(bytes) ||
    hasPngRawIptcProfile(bytes)
  );
}

const DESCRIPTIVE_IFD0 = ['Make', 'Model', 'Software', 'Artist', 'Copyright', 'ImageDescription', 'ModifyDate', 'Orientation'];

function exifrFoundSomething(blocks: RawMetadata): boolean {
  if (blocks.exif || blocks.gps || blocks.iptc || blocks.xmp || blocks.icc) return true;
  return DESCRIPTIVE_IFD0.some((tag) => blocks.ifd0?.tags[tag] !== undefined);
}

interface ExifrPass {
  blocks: { [K in BlockName]?: RawBlock };
  warnings: string[];
  failed: boolean;
  subIfdCount: number;
  tiffIrb?: Uint8Array;
}

async function runExifr(bytes: Buffer): Promise<ExifrPass> {
  const pass: ExifrPass = { blocks: {}, warnings: [], failed: false, subIfdCount: 0 };
  let output: Record<string, unknown> | undefined;
  if (!exifr) {
    pass.failed = true;
    pass.warnings.push('exifr: module did not load');
    return pass;
  }
  try {
    output = (await exifr.parse(bytes, EXIFR_OPTIONS)) as Record<string, unknown> | undefined;
  } catch (e) {
    pass.failed = true;
    pass.warnings.push(`exifr: ${message(e)}`);
    return pass;
  }
  if (!output) return pass;
  const { blocks, warnings } = blocksFromExifr(output);
  pass.blocks = blocks;
  pass.warnings.push(...warnings);

  const ifd0 = output.ifd0 as Record<string, unknown> | undefined;
  const subIfd = ifd0?.SubIFD;
  if (subIfd && typeof subIfd === 'object') pass.subIfdCount = Object.keys(subIfd).length;
  // TIFF keeps its Photoshop IRB in IFD0 tag 34377; exifr hands it over as bytes.
  if (ifd0?.PhotoshopSettings instanceof Uint8Array) pass.tiffIrb = ifd0.PhotoshopSettings;

  const packets = ([] as unknown[]).concat(output.xmp ?? []).filter((p): p is string => typeof p === 'string');
  for (const packet of packets) {
    try {
      const parsed = await exifr.sidecar(Buffer.from(packet, 'utf8'), { mergeOutput: false }, 'xmp');
      const namespaces = xmpFromExifr(parsed);
      if (namespaces) {
        const existing = blocks.xmp?.tags ?? {};
        pass.blocks.xmp = { reader: 'exifr', tags: { ...existing, ...namespaces } };
      }
    } catch (e) {
      pass.warnings.push(`exifr XMP: ${message(e)}`);
    }
  }
  return pass;
}

function whyExifTool(format: ImageFormat, bytes: Buffer, pass: ExifrPass | undefined, raw: RawMetadata): string | undefined {
  if (!pass) return `exifr does not read ${format}`;
  if (pass.subIfdCount > MAX_SUBIFDS) return undefined; // recorded as a warning by the caller
  if (pass.failed) return 'exifr threw';
  if (pass.warnings.length) return 'exifr reported errors (partial read)';
  if (!raw.xmp && hasXmpPacket(bytes)) return 'XMP packet in the bytes, none from exifr';
  if (format === 'png' && !raw.iptc && hasPngRawIptcProfile(bytes)) return 'PNG raw IPTC profile (not read by exifr)';
  if (!exifrFoundSomething(raw) && hasMetadataMarkers(bytes)) return 'exifr found nothing useful despite metadata markers';
  return undefined;
}

async function runExifTool(exiftool: ExifToolPool, path: string): Promise<{ blocks: { [K in BlockName]?: RawBlock }; warnings: string[] }> {
  const tags = await exiftool.get().readRaw(path, {
    // Same view as the fixtures' ground truth: group-1 names, numbers not labels, XMP structures kept.
    readArgs: ['-G1', '-n', '-struct'],
    ignoreMinorErrors: true,
    useMWG: false, // we reconcile ourselves and keep every source; MWG strict mode would hide non-standard blocks
  });
  return blocksFromExifTool(tags as unknown as Record<string, unknown>);
}

async function thumbnailFacts(bytes: Uint8Array, reader: MetadataReader, warnings: string[]): Promise<EmbeddedThumbnail | undefined> {
  if (bytes.byteLength === 0) return undefined;
  if (bytes.byteLength > MAX_THUMBNAIL_BYTES) {
    warnings.push(`embedded thumbnail of ${bytes.byteLength} bytes not kept (limit ${MAX_THUMBNAIL_BYTES})`);
    return undefined;
  }
  const thumb: EmbeddedThumbnail = { bytes: bytes.byteLength, base64: Buffer.from(bytes).toString('base64'), reader };
  try {
    const meta = await sharp(bytes, { failOn: 'none' }).metadata();
    thumb.width = meta.width;
    thumb.height = meta.height;
    thumb.format = meta.format;
  } catch (e) {
    warnings.push(`embedded thumbnail unreadable: ${message(e)}`);
  }
  return thumb;
}

function hasThumbnailTags(raw: RawMetadata): boolean {
  const length = raw.ifd1?.tags.ThumbnailLength;
  const image = raw.ifd1?.tags.ThumbnailImage;
  return (typeof length === 'number' && length > 0) || (typeof image === 'object' && image !== null);
}

/**
 * Reads and normalises the metadata of a stored image. Never rejects for a bad file: failures become
 * `raw.warnings` and empty blocks.
 */
async function readMetadata(path: string, format: ImageFormat, exiftool: ExifToolPool): Promise<MetadataResult> {
  const raw: RawMetadata = { readers: [], warnings: [] };
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    raw.warnings.push(`file unreadable: ${message(e)}`);
    return { raw, normalised: { sources: {} }, c2pa: { present: false } };
  }

  // Compressed blocks over their caps are cut out of what the readers see (metadata.bounds.ts);
  // ExifTool reads a path, so it gets a temporary copy without them.
  const bounded = await boundMetadataExpansion(bytes);
  let readerPath = path;
  let scratch: string | undefined;
  if (bounded.unread.length > 0) {
    bytes = bounded.bytes;
    for (const unread of bounded.unread) raw.warnings.push(`${unread.block} not read: ${unread.reason}`);
  }
  const exifToolPath = async (): Promise<string> => {
    if (bounded.unread.length === 0) return path;
    if (!scratch) {
      scratch = await mkdtemp(nodePath.join(os.tmpdir(), 'archive-metadata-'));
      readerPath = nodePath.join(scratch, `bounded.${format}`);
      await writeFile(readerPath, bytes);
    }
    return readerPath;
  };
  try {
    const result = await readBlocks(format, bytes, raw, exiftool, exifToolPath);
    if (bounded.unread.length > 0) result.normalised.unreadBlocks = bounded.unread;
    return result;
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

async function readBlocks(format: ImageFormat, bytes: Buffer, raw: RawMetadata, exiftool: ExifToolPool, exifToolPath: () => Promise<string>): Promise<MetadataResult> {
  let pass: ExifrPass | undefined;
  if (EXIFR_FORMATS.has(format)) {
    const t0 = performance.now();
    pass = await runExifr(bytes);
    raw.readers.push({ reader: 'exifr', reason: 'first reader', ms: Math.round(performance.now() - t0) });
    Object.assign(raw, pass.blocks);
    raw.warnings.push(...pass.warnings);
    if (pass.subIfdCount > MAX_SUBIFDS) {
      raw.warnings.push(`malformed TIFF: ${pass.subIfdCount} SubIFD offsets; second reader not run`);
      delete raw.ifd0; // only the bomb itself is in there
    }
  }

  // The MWG reconciliation needs the IPTC digests; exifr does not expose the Photoshop IRB.
  // exifr decodes every IIM string as Latin-1, whatever 1:90 declares. A JPEG's IIM sits in its IRB,
  // read here, so its declaration is known; a TIFF's IIM is a tag of its own (33723) that exifr does
  // not hand over, so whether it declares UTF-8 is unknown and ExifTool, which honours 1:90, reads it.
  let iimForExifTool = format === 'tiff';
  try {
    const irb = format === 'jpeg' ? jpegPhotoshopIrb(bytes) : pass?.tiffIrb;
    if (irb) {
      const digests = iptcDigestsFromIrb(irb);
      if (format === 'jpeg') iimForExifTool = digests.iimUtf8 === true;
      const tags: Record<string, string> = {};
      if (digests.storedIptcDigest) tags.IPTCDigest = digests.storedIptcDigest;
      // Only JPEG keeps the IIM inside the IRB; a TIFF's IIM is a separate tag we do not hash.
      if (digests.currentIptcDigest && format === 'jpeg') tags.CurrentIPTCDigest = digests.currentIptcDigest;
      if (Object.keys(tags).length) raw.photoshop = { reader: 'bytes', tags };
    }
  } catch (e) {
    raw.warnings.push(`Photoshop IRB: ${message(e)}`);
  }

  // Read as Latin-1, Cyrillic credits such as "Офіс Президента України" came out as mojibake.
  // ExifTool is asked only when a value has bytes above ASCII, where the two decodings differ.
  iimForExifTool &&= raw.iptc !== undefined && Object.values(raw.iptc.tags).some(hasNonAscii);
  const reason = iimForExifTool ? (format === 'jpeg' ? 'IPTC-IIM declared UTF-8 (exifr decodes IIM as Latin-1)' : 'IPTC-IIM in a TIFF, its character set unread by exifr') : whyExifTool(format, bytes, pass, raw);
  if (reason) {
    const t0 = performance.now();
    try {
      const et = await runExifTool(exiftool, await exifToolPath());
      raw.warnings.push(...et.warnings);
      for (const [name, block] of Object.entries(et.blocks) as [BlockName, RawBlock][]) {
        // exifr's block stays when both have one: one reader per block keeps `sources` unambiguous.
        if (!raw[name] || (name === 'photoshop' && raw[name]?.reader === 'bytes' && !raw[name]?.tags.IPTCDigest)) raw[name] = block;
      }
      if (iimForExifTool && et.blocks.iptc) raw.iptc = et.blocks.iptc;
    } catch (e) {
      raw.warnings.push(`exiftool: ${message(e)}`);
    }
    raw.readers.push({ reader: 'exiftool', reason, ms: Math.round(performance.now() - t0) });
  }

  let embeddedThumbnail: EmbeddedThumbnail | undefined;
  if (hasThumbnailTags(raw)) {
    try {
      let reader: MetadataReader = raw.ifd1?.reader ?? 'exifr';
      let thumb = reader === 'exifr' && exifr ? await exifr.thumbnail(bytes) : undefined;
      if (!thumb) {
        // exifr.thumbnail() only knows JPEG/TIFF layouts (not a PNG eXIf chunk, for one).
        reader = 'exiftool';
        const t0 = performance.now();
        thumb = await exiftool.get().extractBinaryTagToBuffer('ThumbnailImage', await exifToolPath());
        raw.readers.push({ reader, reason: 'embedded thumbnail exifr could not extract', ms: Math.round(performance.now() - t0) });
      }
      if (thumb) embeddedThumbnail = await thumbnailFacts(thumb, reader, raw.warnings);
    } catch (e) {
      raw.warnings.push(`embedded thumbnail: ${message(e)}`);
    }
  }

  let normalised: NormalisedMetadata;
  try {
    normalised = normaliseMetadata(raw);
  } catch (e) {
    // The normaliser is pure and tested, but a file is free to put any shape anywhere.
    raw.warnings.push(`normalise: ${message(e)}`);
    normalised = { sources: {} };
  }

  const label = raw.c2pa?.tags['JUMBF:JUMDLabel'];
  return {
    raw,
    normalised,
    embeddedThumbnail,
    c2pa: {
      present: hasC2paManifestStore(bytes) || label === 'c2pa',
      ...(normalised.remoteManifestUrl ? { remoteManifestUrl: normalised.remoteManifestUrl } : {}),
    },
  };
}
