// View-model of the check page's results (views/partials/lookup-results.njk).
import type { LookupMatch, LookupResult } from '../images/lookup.service';
import { credentialsView, type CredentialsView } from './c2pa.view';
import type { VideoLookupResult } from '../images/video-port';
import { findingViews, type FindingView } from './image-page.view';
import { linkedRecordView } from './video-page.view';

export interface LookupMatchView {
  href: string;
  kind: string;
  exact: boolean;
  distance: number;
  credit: string;
  caption: string;
  source?: { host: string; href?: string };
  firstSeen?: string;
  thumbnailUrl?: string;
}

export interface LookupView {
  fileName: string;
  summary: string;
  format: string;
  dimensions: string;
  sha256: string;
  matches: LookupMatchView[];
  findings: FindingView[];
  credentials: CredentialsView;
}

export function lookupView(result: LookupResult | VideoLookupResult, fileName: string): LookupView {
  if ('kind' in result) return videoLookupView(result, fileName);
  const view = imageLookupView(result, fileName);
  // A frame of a held video is listed with the picture's other matches, with its timecode.
  const frames = (result.videoFrames ?? []).map((frame) => linkedMatchView(frame, `Frame at ${frame.timecode} of a held video (distance ${frame.distance})`));
  if (frames.length === 0) return view;
  const framesText = `a frame of ${frames.length === 1 ? 'a held video' : `${frames.length} held videos`}`;
  return { ...view, summary: result.matches.length === 0 ? `This picture is ${framesText}.` : `${view.summary} It is also ${framesText}.`, matches: [...frames, ...view.matches] };
}

/** A still or video linked by a frame, as a row of the match list. */
function linkedMatchView(link: Parameters<typeof linkedRecordView>[0], kind: string): LookupMatchView {
  const { day, ...rest } = linkedRecordView(link);
  return { ...rest, kind, exact: false, firstSeen: day };
}

function videoLookupView(result: VideoLookupResult, fileName: string): LookupView {
  const stills = result.stills.length;
  const held = result.heldVideo ? 'The archive holds this exact video. ' : '';
  return {
    fileName,
    summary: `${held}${stills === 0 ? 'The archive holds no still from this video.' : `The archive holds ${stills} still${stills === 1 ? '' : 's'} from this video.`}`,
    format: result.format.toUpperCase(),
    dimensions: `${result.width} × ${result.height} px, ${result.durationSeconds} s`,
    sha256: result.sha256,
    matches: result.stills.map((still) => linkedMatchView(still, `Still of the frame at ${still.timecode} (distance ${still.distance})`)),
    findings: [],
    // Content Credentials are read from pictures; a video's are not read yet.
    credentials: credentialsView(undefined),
  };
}

function imageLookupView(result: LookupResult, fileName: string): LookupView {
  const exact = result.matches.filter((match) => match.kind === 'exact').length;
  const near = result.matches.length - exact;
  const summary =
    result.matches.length === 0
      ? 'The archive holds nothing that looks like this picture.'
      : [exact ? `${exact} ${exact === 1 ? 'copy' : 'copies'} of this exact file` : '', near ? `${near} picture${near === 1 ? '' : 's'} that look${near === 1 ? 's' : ''} the same` : '']
          .filter(Boolean)
          .join(' and ')
          .replace(/^./, (c) => c.toUpperCase()) + ' in the archive.';
  return {
    fileName,
    summary,
    format: result.format.toUpperCase(),
    dimensions: `${result.width} × ${result.height} px`,
    sha256: result.sha256,
    matches: result.matches.map((match) => ({
      ...linkedMatchView(
        { ...match, url: `/images/${match.imageId}`, heldSince: match.firstSeen },
        match.kind === 'exact' ? 'Same file' : `${RELATION_WORDS[match.relation] ?? 'Looks the same'} (distance ${match.distance})`,
      ),
      exact: match.kind === 'exact',
    })),
    findings: findingViews(result.findings),
    credentials: credentialsView(result.c2pa, result.digitalSourceType),
  };
}

/** How the checked file relates to a held picture, as the page says it. */
export const RELATION_WORDS: Record<LookupMatch['relation'], string> = {
  'same-file': 'Same file',
  resized: 'Looks the same',
  crop: 'A crop of it',
  mirrored: 'Mirrored copy',
  rotated: 'Turned copy',
  contains: 'Contains it (screenshot, captioned copy or collage)',
};
