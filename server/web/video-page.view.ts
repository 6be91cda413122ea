// View-model of what a video adds to the image page (the player, the contact sheet, the stills held
// from it, its facts) and of a still's source videos. Pure: the loader gathers the records.
import type { ImageRecord } from '../images/image.model';
import { originalUrl } from '../images/images.serialize';
import type { FrameLinkView } from '../images/video-port';
import type { VideoDetails } from '../video/video.repository';
import { formatTimecode, timeParam } from '../video/timecode';
import { videoMimeType, type VideoFormat } from '../files/video-format';
import type { ChainStep, MetadataGroup, Row } from './image-page.view';
import { formatDay, hostOf, safeHref, trimText } from './format';

type LinkView = Omit<FrameLinkView, 'videoId'> | FrameLinkView;

/** Codecs a current browser plays in a <video> element; others get the poster and a download link. */
const PLAYABLE_CODECS = new Set(['h264', 'vp8', 'vp9', 'av1']);

export interface VideoPageView {
  playable: boolean;
  playUrl: string;
  /** The player's type attribute: a QuickTime file with H.264 plays as MP4. */
  mimeType: string;
  posterUrl?: string;
  /** The `?t=` asked for, as a media fragment, so the page opens at the frame without JavaScript. */
  startAt?: string;
  codec: string;
  duration: string;
  keyframes: Array<{ t: string; timecode: string; url: string; width: number; height: number; scene: boolean }>;
  stills: Array<{ href: string; timecode: string; t: string; credit: string; caption: string; thumbnailUrl?: string; day?: string; distance: number }>;
}

export function videoPageView(image: ImageRecord, details: VideoDetails, stills: LinkView[], startAt?: number): VideoPageView {
  const format = image.file?.format as VideoFormat;
  const codec = details.facts.videoCodec;
  return {
    playable: PLAYABLE_CODECS.has(codec) && format !== 'mkv',
    playUrl: originalUrl(image),
    mimeType: format === 'mov' ? 'video/mp4' : videoMimeType(format),
    posterUrl: image.derivatives?.display?.file ? `/media/derivatives/${image.derivatives.display.file}` : undefined,
    startAt: startAt !== undefined && Number.isFinite(startAt) && startAt >= 0 && startAt <= details.facts.durationSeconds ? timeParam(startAt) : undefined,
    codec,
    duration: formatTimecode(details.facts.durationSeconds),
    keyframes: details.keyframes.map((keyframe) => ({
      t: timeParam(keyframe.t),
      timecode: formatTimecode(keyframe.t),
      url: `/media/video-frames/${keyframe.file}`,
      width: keyframe.width,
      height: keyframe.height,
      scene: keyframe.scene,
    })),
    stills: stills.map((still) => ({ ...linkedRecordView(still), timecode: still.timecode, t: timeParam(still.t) })),
  };
}

/** The metadata panel's "Video" group: container and streams, as ffprobe read them. */
export function videoFactsGroup(details: VideoDetails): MetadataGroup {
  const facts = details.facts;
  const rows: Row[] = [
    { label: 'Container', value: facts.container },
    { label: 'Video codec', value: [facts.videoCodec, facts.videoProfile].filter(Boolean).join(' ') },
    { label: 'Resolution', value: `${facts.width} × ${facts.height}${facts.rotation ? ` (stored ${facts.codedWidth} × ${facts.codedHeight}, turned ${facts.rotation}°)` : ''}`, mono: true },
    ...(facts.frameRate ? [{ label: 'Frame rate', value: `${facts.frameRate} frames/s`, mono: true }] : []),
    { label: 'Duration', value: `${formatTimecode(facts.durationSeconds)} (${facts.durationSeconds} s)`, mono: true },
    ...(facts.audioCodec ? [{ label: 'Audio', value: facts.audioCodec }] : []),
    ...(facts.encoder ? [{ label: 'Encoder', value: facts.encoder, tag: 'encoder' }] : []),
    { label: 'Frames hashed', value: `${details.sampledFrames} (a cut, or every ${details.sampling.intervalSeconds} s)`, mono: true },
  ];
  return { id: 'video', title: 'Video', rows, empty: '' };
}

type SourceView = FrameLinkView;

export interface SourceVideoView {
  href: string;
  timecode: string;
  credit: string;
  caption: string;
  source?: { host: string; href?: string };
  day?: string;
  thumbnailUrl?: string;
  distance: number;
}

/** What every list of linked stills or videos shows of the other side: credit, caption, source link, day, thumbnail. */
export function linkedRecordView(link: Pick<FrameLinkView, 'url' | 'distance' | 'credit' | 'caption' | 'sourceUrl' | 'heldSince' | 'thumbnailUrl'>) {
  return {
    href: link.url,
    distance: link.distance,
    credit: link.credit ?? 'No credit',
    caption: trimText(link.caption, 140),
    source: link.sourceUrl ? { host: hostOf(link.sourceUrl) ?? link.sourceUrl, href: safeHref(link.sourceUrl) } : undefined,
    day: formatDay(link.heldSince),
    thumbnailUrl: link.thumbnailUrl,
  };
}

export function sourceVideoViews(sources: SourceView[]): SourceVideoView[] {
  return sources.map((source) => ({ ...linkedRecordView(source), timecode: source.timecode }));
}

/** The first step of a still's provenance chain: the video it is a frame of. */
export function originSteps(sources: SourceView[]): ChainStep[] {
  return sources.map((source) => ({
    kind: 'origin' as const,
    title: `Frame at ${source.timecode} of a held video`,
    rows: [
      { label: 'Video', value: source.caption ? trimText(source.caption, 80) : 'Open the video at this frame', href: source.url },
      { label: 'Video credit', value: source.credit ?? 'None given' },
      { label: 'Video held since', value: formatDay(source.heldSince) ?? '', mono: true },
    ],
  }));
}
