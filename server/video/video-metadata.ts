// Pure: ffprobe's JSON (and ExifTool's tags, where it read any) turned into the video's facts and
// the same normalised metadata shape as images, each field naming the tag that supplied it.
//
// Precedence, most specific first (a phone writes the Apple/Android keys at capture; `creation_time`
// and `encoder` are rewritten by every remux, so they come last):
//   make / model: QuickTime Keys com.apple.quicktime.make|model → Android com.android.manufacturer|model
//                 → ExifTool (UserData ©mak/©mod, XMP tiff:Make/Model)
//   capture date: com.apple.quicktime.creationdate (local time with offset) → ExifTool CreationDate /
//                 XMP DateTimeOriginal → the container's creation_time (UTC, the muxing time on re-encodes)
//   GPS:          com.apple.quicktime.location.ISO6709 → the UserData ©xyz `location` tag (Android and
//                 older iPhones) → ExifTool GPSCoordinates
//   software:     com.apple.quicktime.software → com.android.version (as "Android …") → the `encoder` tag
import type { NormalisedMetadata } from '../images/image.types';

export interface FfprobeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  codec_long_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  bit_rate?: string;
  channels?: number;
  sample_rate?: string;
  tags?: Record<string, string>;
  side_data_list?: Array<{ side_data_type?: string; rotation?: number }>;
  disposition?: Record<string, number>;
}

export interface FfprobeOutput {
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string; tags?: Record<string, string> };
  streams?: FfprobeStream[];
}

export interface StreamSummary {
  index: number;
  type: string;
  codec?: string;
  profile?: string;
  width?: number;
  height?: number;
  frameRate?: number;
  channels?: number;
  sampleRate?: number;
  bitRate?: number;
  language?: string;
}

export interface VideoFacts {
  container: string;
  durationSeconds: number;
  /** As displayed, after the rotation the container asks for. */
  width: number;
  height: number;
  codedWidth: number;
  codedHeight: number;
  /** Degrees clockwise the player turns the picture (0, 90, 180, 270). */
  rotation: number;
  frameRate?: number;
  frameCount?: number;
  videoCodec: string;
  videoProfile?: string;
  pixelFormat?: string;
  bitRate?: number;
  audioCodec?: string;
  encoder?: string;
  streams: StreamSummary[];
}

function rate(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const [num, den] = text.split('/').map(Number);
  if (!Number.isFinite(num) || !Number.isFinite(den) || den === 0 || num === 0) return undefined;
  return Math.round((num / den) * 1000) / 1000;
}

function number(text: string | number | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** The picture's rotation from the display matrix (clockwise, 0–270), or the legacy `rotate` tag. */
function rotationOf(stream: FfprobeStream): number {
  const matrix = stream.side_data_list?.find((entry) => typeof entry.rotation === 'number');
  // ffprobe reports the display matrix anticlockwise (-90 = turn 90° clockwise).
  const degrees = matrix?.rotation !== undefined ? -matrix.rotation : number(stream.tags?.rotate) ?? 0;
  return (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
}

/** The first video stream that is a picture track, not an attached cover image. */
export function mainVideoStream(probe: FfprobeOutput): FfprobeStream | undefined {
  return probe.streams?.find((stream) => stream.codec_type === 'video' && !stream.disposition?.attached_pic && (stream.width ?? 0) > 0);
}

/** Facts from ffprobe, or undefined when there is no video stream to speak of. */
export function videoFactsFrom(probe: FfprobeOutput): VideoFacts | undefined {
  const video = mainVideoStream(probe);
  if (!video || !video.width || !video.height) return undefined;
  const rotation = rotationOf(video);
  const sideways = rotation === 90 || rotation === 270;
  const audio = probe.streams?.find((stream) => stream.codec_type === 'audio');
  const duration = number(probe.format?.duration) ?? number(video.duration) ?? 0;
  return {
    container: probe.format?.format_name ?? 'unknown',
    durationSeconds: Math.round(duration * 1000) / 1000,
    width: sideways ? video.height : video.width,
    height: sideways ? video.width : video.height,
    codedWidth: video.width,
    codedHeight: video.height,
    rotation,
    frameRate: rate(video.avg_frame_rate) ?? rate(video.r_frame_rate),
    frameCount: number(video.nb_frames),
    videoCodec: video.codec_name ?? 'unknown',
    videoProfile: video.profile,
    pixelFormat: video.pix_fmt,
    bitRate: number(probe.format?.bit_rate),
    audioCodec: audio?.codec_name,
    encoder: probe.format?.tags?.encoder ?? video.tags?.encoder,
    streams: (probe.streams ?? []).map((stream) => ({
      index: stream.index,
      type: stream.codec_type ?? 'unknown',
      codec: stream.codec_name,
      profile: stream.profile,
      width: stream.width,
      height: stream.height,
      frameRate: stream.codec_type === 'video' ? rate(stream.avg_frame_rate) : undefined,
      channels: stream.channels,
      sampleRate: number(stream.sample_rate),
      bitRate: number(stream.bit_rate),
      language: stream.tags?.language,
    })),
  };
}

/** ISO 6709 as phones write it: "+48.8577+002.2950+035.000/" (latitude, longitude, optional altitude). */
export function parseIso6709(text: string | undefined): { latitude: number; longitude: number; altitude?: number } | undefined {
  const match = text?.trim().match(/^([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?(?:CRS[^/]*)?\/?$/);
  if (!match) return undefined;
  const latitude = Number(match[1]);
  const longitude = Number(match[2]);
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  return { latitude, longitude, ...(match[3] ? { altitude: Number(match[3]) } : {}) };
}

/** "2019-06-05T10:20:30+0200" (Apple's creationdate): the local text, its offset and the instant. */
function parseLocalDate(text: string): { instant: Date; local: string; offset?: string } | undefined {
  const match = text.trim().match(/^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/);
  if (!match) return undefined;
  const zone = match[4];
  const offset = zone && zone !== 'Z' ? `${zone.slice(0, 3)}:${zone.slice(-2)}` : zone === 'Z' ? '+00:00' : undefined;
  const instant = new Date(`${match[1]}T${match[2]}${match[3] ?? ''}${offset ?? 'Z'}`);
  if (Number.isNaN(instant.getTime())) return undefined;
  return { instant, local: `${match[1]} ${match[2]}`, offset };
}

type Candidate = { tag: string; value: string | undefined };

function first(candidates: Candidate[]): Candidate | undefined {
  return candidates.find((candidate) => typeof candidate.value === 'string' && candidate.value.trim() !== '');
}

/** ExifTool's tags for a video, as exiftool-vendored returns them (group-prefixed keys not needed here). */
export type ExifToolVideoTags = Record<string, unknown>;

function exifString(tags: ExifToolVideoTags | undefined, name: string): string | undefined {
  const value = tags?.[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && 'rawValue' in value && typeof (value as { rawValue: unknown }).rawValue === 'string') return (value as { rawValue: string }).rawValue;
  return undefined;
}

/** The normalised metadata of a video: the same fields (and `sources`) as an image's. */
export function normaliseVideoMetadata(probe: FfprobeOutput, exif?: ExifToolVideoTags): NormalisedMetadata {
  const tags = probe.format?.tags ?? {};
  const video = mainVideoStream(probe);
  const out: NormalisedMetadata = { sources: {} };
  const set = <K extends keyof NormalisedMetadata>(field: K, value: NormalisedMetadata[K], tag: string) => {
    out[field] = value;
    out.sources[field] = tag;
  };

  const make = first([
    { tag: 'QuickTime:com.apple.quicktime.make', value: tags['com.apple.quicktime.make'] },
    { tag: 'QuickTime:com.android.manufacturer', value: tags['com.android.manufacturer'] },
    { tag: 'ExifTool:Make', value: exifString(exif, 'Make') },
  ]);
  if (make) set('make', make.value!.trim(), make.tag);
  const model = first([
    { tag: 'QuickTime:com.apple.quicktime.model', value: tags['com.apple.quicktime.model'] },
    { tag: 'QuickTime:com.android.model', value: tags['com.android.model'] },
    { tag: 'ExifTool:Model', value: exifString(exif, 'Model') },
  ]);
  if (model) set('model', model.value!.trim(), model.tag);

  const android = tags['com.android.version'];
  const software = first([
    { tag: 'QuickTime:com.apple.quicktime.software', value: tags['com.apple.quicktime.software'] },
    { tag: 'QuickTime:com.android.version', value: android ? `Android ${android}` : undefined },
    { tag: 'QuickTime:encoder', value: tags.encoder ?? video?.tags?.encoder },
  ]);
  if (software) set('software', software.value!.trim(), software.tag);

  const dates: Candidate[] = [
    { tag: 'QuickTime:com.apple.quicktime.creationdate', value: tags['com.apple.quicktime.creationdate'] },
    { tag: 'ExifTool:CreationDate', value: exifString(exif, 'CreationDate') },
    { tag: 'ExifTool:DateTimeOriginal', value: exifString(exif, 'DateTimeOriginal') },
    { tag: 'QuickTime:creation_time', value: tags.creation_time ?? video?.tags?.creation_time },
  ];
  for (const candidate of dates) {
    if (!candidate.value) continue;
    // ExifTool writes "2019:06:05 10:20:30+02:00".
    const parsed = parseLocalDate(candidate.value.replace(/^(\d{4}):(\d{2}):(\d{2})/, '$1-$2-$3'));
    if (!parsed) continue;
    set('capturedAt', parsed.instant, candidate.tag);
    out.capturedAtLocal = parsed.local;
    if (parsed.offset) out.capturedAtOffset = parsed.offset;
    break;
  }

  const places: Candidate[] = [
    { tag: 'QuickTime:com.apple.quicktime.location.ISO6709', value: tags['com.apple.quicktime.location.ISO6709'] },
    { tag: 'QuickTime:location (©xyz)', value: tags.location ?? tags['location-eng'] },
  ];
  for (const candidate of places) {
    const gps = parseIso6709(candidate.value);
    if (gps) {
      set('gps', gps, candidate.tag);
      break;
    }
  }
  if (!out.gps) {
    const coordinates = exifString(exif, 'GPSCoordinates');
    const [latitude, longitude, altitude] = (coordinates ?? '').split(/[ ,]+/).map(Number);
    if (coordinates && Number.isFinite(latitude) && Number.isFinite(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180) {
      set('gps', { latitude, longitude, ...(Number.isFinite(altitude) ? { altitude } : {}) }, 'ExifTool:GPSCoordinates');
    }
  }

  const title = first([{ tag: 'QuickTime:title', value: tags.title }, { tag: 'ExifTool:Title', value: exifString(exif, 'Title') }]);
  if (title) set('title', title.value!.trim(), title.tag);
  const description = first([
    { tag: 'QuickTime:description', value: tags.description ?? tags.comment },
    { tag: 'ExifTool:Description', value: exifString(exif, 'Description') },
  ]);
  if (description) set('description', description.value!.trim(), description.tag);
  const copyright = first([{ tag: 'QuickTime:copyright', value: tags.copyright }, { tag: 'ExifTool:Rights', value: exifString(exif, 'Rights') }]);
  if (copyright) set('copyright', copyright.value!.trim(), copyright.tag);
  const creator = first([
    { tag: 'QuickTime:artist', value: tags.artist ?? tags['com.apple.quicktime.author'] },
    { tag: 'ExifTool:Creator', value: exifString(exif, 'Creator') },
  ]);
  if (creator) set('creator', [creator.value!.trim()], creator.tag);
  return out;
}
