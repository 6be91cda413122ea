// Bounds on the metadata a file may make us expand. A PNG keeps its ICC profile (iCCP), compressed text
// (zTXt: ImageMagick's "Raw profile type iptc/exif/xmp") and compressed XMP (iTXt with the compression
// flag) as zlib streams; 2 MB of them can inflate to gigabytes. exifr inflates iCCP synchronously with
// no limit and ExifTool inflates all three, so before either reader sees a PNG each compressed chunk is
// inflated here, off the main thread (zlib's thread pool), counted and thrown away, stopping at the cap.
// A chunk over its cap is cut out of the copy the readers get: the file is still stored and its other
// metadata read, with a finding that says which block was not read. (sharp's libspng bounds these
// chunks itself: a bomb costs it nothing.)
import { createInflate } from 'node:zlib';

const MiB = 1024 * 1024;

export interface ExpansionLimits {
  /** An ICC profile is kilobytes; a few megabytes at most (printer profiles). */
  iccBytes: number;
  /** One text or XMP chunk; generous for an XMP packet bloated with Photoshop's DocumentAncestors. */
  textBytes: number;
  /** All compressed chunks of one file together. */
  totalBytes: number;
}

export const EXPANSION_LIMITS: ExpansionLimits = { iccBytes: 4 * MiB, textBytes: 8 * MiB, totalBytes: 16 * MiB };

/** A metadata block the readers were not given, and why. */
export interface UnreadBlock {
  /** e.g. 'PNG iCCP (ICC profile)' */
  block: string;
  reason: string;
}

interface PngChunk {
  type: string;
  /** Offset of the chunk's length field; the chunk spans 12 + dataLength bytes from here. */
  start: number;
  dataStart: number;
  dataLength: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The chunks of a PNG, as far as the bytes hold together (a truncated tail is simply not listed). */
export function pngChunks(bytes: Buffer): PngChunk[] {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return [];
  const chunks: PngChunk[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const dataLength = bytes.readUInt32BE(at);
    const end = at + 12 + dataLength;
    if (end > bytes.length) break;
    const type = bytes.toString('latin1', at + 4, at + 8);
    chunks.push({ type, start: at, dataStart: at + 8, dataLength });
    if (type === 'IEND') break;
    at = end;
  }
  return chunks;
}

/** Where a compressed chunk's zlib stream starts, what it is, and its cap; undefined for other chunks. */
function compressedPart(bytes: Buffer, chunk: PngChunk, limits: ExpansionLimits): { zlibStart: number; label: string; cap: number } | undefined {
  if (chunk.type !== 'iCCP' && chunk.type !== 'zTXt' && chunk.type !== 'iTXt') return undefined;
  const data = bytes.subarray(chunk.dataStart, chunk.dataStart + chunk.dataLength);
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 0 || keywordEnd > 79) return undefined; // malformed: no reader makes sense of it either
  const keyword = data.toString('latin1', 0, keywordEnd);
  if (chunk.type === 'iCCP') return { zlibStart: chunk.dataStart + keywordEnd + 2, label: 'PNG iCCP (ICC profile)', cap: limits.iccBytes };
  if (chunk.type === 'zTXt') return { zlibStart: chunk.dataStart + keywordEnd + 2, label: `PNG zTXt "${keyword}"`, cap: limits.textBytes };
  // iTXt: keyword NUL, compression flag, method, language tag NUL, translated keyword NUL, text.
  if (data[keywordEnd + 1] !== 1) return undefined; // stored uncompressed: bounded by the file's size
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) return undefined;
  return { zlibStart: chunk.dataStart + translatedEnd + 1, label: `PNG iTXt "${keyword}" (compressed)`, cap: limits.textBytes };
}

/**
 * Inflates `stream` counting the output and keeping none of it; stops as soon as `cap` is passed.
 * Resolves to the inflated size, or to `cap + 1` when over. A corrupt stream counts what it gave.
 */
export function inflatedSize(stream: Buffer, cap: number): Promise<number> {
  return new Promise((resolve) => {
    const inflate = createInflate();
    let size = 0;
    let settled = false;
    const finish = (value: number) => {
      if (settled) return;
      settled = true;
      inflate.destroy();
      resolve(value);
    };
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) finish(cap + 1);
    });
    inflate.on('end', () => finish(size));
    inflate.on('error', () => finish(size));
    inflate.end(stream);
  });
}

export interface BoundedBytes {
  /** The bytes the readers may be given: the file itself, or a copy without the blocks over their caps. */
  bytes: Buffer;
  unread: UnreadBlock[];
}

function describe(size: number): string {
  return size >= MiB ? `${Math.round(size / MiB)} MiB` : `${Math.round(size / 1024)} KiB`;
}

/**
 * Checks every compressed metadata chunk of a PNG against its cap (and all of them against the total)
 * and returns the bytes with the chunks over the caps cut out. Other formats pass through untouched:
 * their metadata is stored as it is, bounded by the upload size.
 */
export async function boundMetadataExpansion(bytes: Buffer, limits: ExpansionLimits = EXPANSION_LIMITS): Promise<BoundedBytes> {
  const unread: UnreadBlock[] = [];
  const cut: PngChunk[] = [];
  let budget = limits.totalBytes;
  for (const chunk of pngChunks(bytes)) {
    const part = compressedPart(bytes, chunk, limits);
    if (!part) continue;
    const cap = Math.min(part.cap, budget);
    const size = await inflatedSize(bytes.subarray(part.zlibStart, chunk.dataStart + chunk.dataLength), cap);
    if (size > cap) {
      const reason =
        cap < part.cap
          ? `the file's compressed metadata inflates to more than ${describe(limits.totalBytes)} in all`
          : `inflates to more than ${describe(part.cap)} (${chunk.dataLength} bytes compressed)`;
      unread.push({ block: part.label, reason });
      cut.push(chunk);
      continue;
    }
    budget -= size;
  }
  if (cut.length === 0) return { bytes, unread };
  const kept: Buffer[] = [];
  let from = 0;
  for (const chunk of cut) {
    kept.push(bytes.subarray(from, chunk.start));
    from = chunk.dataStart + chunk.dataLength + 4;
  }
  kept.push(bytes.subarray(from));
  return { bytes: Buffer.concat(kept), unread };
}
