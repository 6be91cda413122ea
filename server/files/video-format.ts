// Decides from a file's first bytes whether it is a video the archive accepts, and which container.
// Like the image sniffing, the file name and the client's Content-Type are never consulted.

export type VideoFormat = 'mp4' | 'mov' | 'webm' | 'mkv';

export const VIDEO_FORMATS: readonly VideoFormat[] = ['mp4', 'mov', 'webm', 'mkv'];

export const ACCEPTED_VIDEO_TEXT = 'MP4, MOV, WebM or MKV';

const MIME_TYPES: Record<VideoFormat, string> = { mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska' };

/** The FFmpeg demuxer for each container, forced on every run so no other demuxer ever sees the bytes. */
const DEMUXERS: Record<VideoFormat, string> = { mp4: 'mov', mov: 'mov', webm: 'matroska', mkv: 'matroska' };

const NAMES: Record<VideoFormat, string> = { mp4: 'MP4', mov: 'QuickTime (MOV)', webm: 'WebM', mkv: 'Matroska (MKV)' };

// ISO-BMFF major brands of video files (MP4, phone 3GP, Sony XAVC, Apple M4V). HEIF/AVIF still
// brands are the image sniffer's and are checked before this one.
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'dash', 'M4V ', 'M4VP', 'MSNV', 'XAVC', 'mmp4', '3gp4', '3gp5', '3gp6', '3g2a', 'f4v ', 'av01']);
// QuickTime files from before `ftyp` start directly with one of these atoms.
const QUICKTIME_FIRST_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
}

/** EBML (Matroska/WebM): the DocType element (0x4282) in the header says which. */
function sniffEbml(bytes: Uint8Array): VideoFormat | null {
  if (!(bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)) return null;
  for (let i = 4; i + 3 < bytes.length; i++) {
    if (bytes[i] !== 0x42 || bytes[i + 1] !== 0x82) continue;
    // A one-byte size vint (0x80 | length) is what every muxer writes for "webm" / "matroska".
    const size = bytes[i + 2] & 0x7f;
    if ((bytes[i + 2] & 0x80) === 0 || size === 0) return null;
    const docType = ascii(bytes, i + 3, i + 3 + size);
    if (docType === 'webm') return 'webm';
    if (docType === 'matroska') return 'mkv';
    return null;
  }
  return null;
}

/** Pure: the container the leading bytes announce, or null when it is none of ours. */
export function sniffVideoFormatFromBytes(bytes: Uint8Array): VideoFormat | null {
  if (bytes.length < 12) return null;
  const ebml = sniffEbml(bytes);
  if (ebml) return ebml;
  const box = ascii(bytes, 4, 8);
  if (box === 'ftyp') {
    const major = ascii(bytes, 8, 12);
    if (major === 'qt  ') return 'mov';
    if (MP4_BRANDS.has(major)) return 'mp4';
    return null;
  }
  if (QUICKTIME_FIRST_ATOMS.has(box)) return 'mov';
  return null;
}

export function videoMimeType(format: VideoFormat): string {
  return MIME_TYPES[format];
}

export function demuxerOf(format: VideoFormat): string {
  return DEMUXERS[format];
}

export function videoFormatName(format: VideoFormat): string {
  return NAMES[format];
}

export function isVideoFormat(format: unknown): format is VideoFormat {
  return typeof format === 'string' && (VIDEO_FORMATS as readonly string[]).includes(format);
}
