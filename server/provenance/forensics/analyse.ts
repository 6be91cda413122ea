// Reads what the forensic findings need from an uploaded file, once, at ingest: the JPEG
// quantisation tables, the EXIF thumbnail compared with the picture, the last-saved date and the
// markers platforms write. I/O here; the judging is in findings.ts.
import type { ImageFormat } from '../../files/file-type';
import type { FileForensics } from './forensics.types';
import { readJpegHeader } from './jpeg-header';
import { estimateJpegQuality, readQuantisationTables } from './jpeg-quality';
import { PLATFORM_PROFILES } from './platform-profiles';
import { compareThumbnail } from './thumbnail';

type RawBlocks = Partial<Record<string, { tags?: Record<string, unknown> }>>;

export interface ForensicsSource {
  format: ImageFormat;
  /** The raw metadata blocks as read (server/images/metadata.raw.ts). */
  raw: unknown;
  /** The EXIF thumbnail, base64, as metadata.ts extracts it. */
  thumbnailBase64?: string;
  orientation?: number;
  picture: { phash: string; width: number; height: number };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

export async function readForensics(filePath: string, source: ForensicsSource): Promise<FileForensics> {
  const out: FileForensics = {};
  const raw = (source.raw ?? {}) as RawBlocks;
  if (source.format === 'jpeg') {
    const quality = estimateJpegQuality(readQuantisationTables(await readJpegHeader(filePath)));
    if (quality) out.jpegQuality = quality;
  }
  if (source.thumbnailBase64) {
    const comparison = await compareThumbnail(Buffer.from(source.thumbnailBase64, 'base64'), source.orientation, source.picture);
    if (comparison) out.thumbnail = comparison;
  }
  // IFD0 ModifyDate is what editors rewrite on save; OffsetTime is its offset (EXIF 2.31).
  const modified = text(raw.ifd0?.tags?.ModifyDate);
  if (modified) {
    const offset = text(raw.exif?.tags?.OffsetTime);
    out.modified = { local: modified, tag: 'IFD0:ModifyDate', ...(offset ? { offset } : {}) };
  }
  const markers: NonNullable<FileForensics['platformMarkers']> = [];
  for (const profile of PLATFORM_PROFILES) {
    if (!profile.marker) continue;
    for (const tag of profile.marker.tags) {
      const value = text(raw.iptc?.tags?.[tag]);
      if (value?.startsWith(profile.marker.text)) markers.push({ platform: profile.id, tag: `IPTC:${tag}`, value });
    }
  }
  if (markers.length) out.platformMarkers = markers;
  return out;
}
