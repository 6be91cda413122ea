// Findings from the file's bytes: its embedded thumbnail, its JPEG compression, whether its shape
// fits the platform it is credited to, and its clocks. Pure, in the shape of the provenance findings
// (code, severity, sentence, evidence); computeFindings (provenance/findings.ts) adds them to a report.
import { parseCredit } from '../../credits/credit-parser';
import { platformById, platformForUrl } from '../../credits/platforms';
import type { DeclaredProvenance, NormalisedMetadata, Finding, FindingCode, FindingEvidence, FindingSeverity } from '../findings.types';
import type { FileForensics, FileShape } from './forensics.types';
import { platformProfile, type PlatformProfile } from './platform-profiles';
import { hoursFromSolarTime, offsetMinutes, wallClock } from './time-checks';

export interface ForensicsInput {
  declared: DeclaredProvenance;
  embedded?: NormalisedMetadata;
  file?: FileShape;
  forensics?: FileForensics;
}

/**
 * Perceptual-hash distance from which the thumbnail counts as another picture. The same picture gives
 * 0–6 bits across every fixture with a thumbnail (resampled, recompressed, letterboxed); unrelated
 * pictures about 32; near-duplicates are matched up to 12, so 20 leaves a margin on both sides.
 */
export const THUMBNAIL_DIFFERS_MIN_DISTANCE = 20;
/** Pictures smaller than this on their short side cannot be hashed meaningfully (1 × 1 stubs). */
const MIN_PICTURE_SIDE = 16;
/** A file saved again less than this after capture is the camera's own write. */
const SAVED_AGAIN_MS = 60_000;
/** A claimed date is a day; a file saved within it fits. */
const CLAIM_SLACK_MS = 36 * 3600_000;
/** Stated offsets further than this from solar time at the GPS position are a notice (see hoursFromSolarTime). */
const MAX_HOURS_FROM_SOLAR = 3;

function finding(code: FindingCode, severity: FindingSeverity, message: string, evidence: FindingEvidence[]): Finding {
  return { code, severity, message, evidence };
}

function day(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function thumbnailFindings(input: ForensicsInput): Finding[] {
  const thumbnail = input.forensics?.thumbnail;
  const file = input.file;
  if (!thumbnail || !file || Math.min(file.width, file.height) < MIN_PICTURE_SIDE) return [];
  if (thumbnail.distance < THUMBNAIL_DIFFERS_MIN_DISTANCE) return [];
  return [
    finding(
      'file.thumbnail_differs',
      'notice',
      `The file’s embedded EXIF thumbnail shows a different picture from the file itself (${thumbnail.distance} of 64 perceptual-hash bits differ). Cameras write the thumbnail at capture and many editors leave it untouched, so this often means the picture was changed after it was taken; it is a hint, not proof.`,
      [{ tag: 'IFD1:ThumbnailImage', value: thumbnail.width && thumbnail.height ? `${thumbnail.width} × ${thumbnail.height} px` : 'present', distance: thumbnail.distance }],
    ),
  ];
}

function qualityFindings(input: ForensicsInput): Finding[] {
  const quality = input.forensics?.jpegQuality;
  if (!quality) return [];
  const source = quality.knownSource ? `: the tables are exactly those of ${quality.knownSource}` : ', from tables that match no encoder the archive knows (often a camera’s or an app’s own)';
  return [
    finding(
      'file.jpeg_quality',
      'info',
      `The JPEG was last compressed at about quality ${quality.quality} on the IJG scale${source}.`,
      [{ tag: 'JPEG DQT', value: `quality ${quality.quality}${quality.exact ? ' (exact)' : ' (estimate)'}, ${quality.tables} table${quality.tables === 1 ? '' : 's'}` }],
    ),
  ];
}

/** The platform the credit or the source link names; the link wins, as in the record's `platform`. */
function creditedPlatform(declared: DeclaredProvenance): { id: string; name: string; via: FindingEvidence } | undefined {
  const fromUrl = declared.sourceUrl ? platformForUrl(declared.sourceUrl) : undefined;
  if (fromUrl) return { id: fromUrl.id, name: fromUrl.name, via: { tag: 'declared.sourceUrl', value: declared.sourceUrl } };
  const id = declared.credit ? parseCredit(declared.credit).platformId : undefined;
  const platform = id ? platformById(id) : undefined;
  return platform ? { id: platform.id, name: platform.name, via: { tag: 'declared.credit', value: declared.credit } } : undefined;
}

function fitsSize(profile: PlatformProfile, file: FileShape): 'exact' | 'within' | 'larger' | 'unknown' {
  const longest = Math.max(file.width, file.height);
  if (profile.longestSides?.length) {
    if (profile.longestSides.includes(longest)) return 'exact';
    return longest > profile.longestSides.at(-1)! ? 'larger' : 'within';
  }
  if (profile.widths?.length) {
    if (profile.widths.includes(file.width)) return 'exact';
    return file.width > profile.widths.at(-1)! ? 'larger' : 'within';
  }
  return 'unknown';
}

function platformFindings(input: ForensicsInput): Finding[] {
  const out: Finding[] = [];
  for (const marker of input.forensics?.platformMarkers ?? []) {
    const name = platformById(marker.platform)?.name ?? marker.platform;
    out.push(finding('platform.marker', 'info', `The file carries the marker ${name} writes into files it serves: it has passed through ${name}.`, [{ tag: marker.tag, value: marker.value.slice(0, 40) }]));
  }
  const credited = creditedPlatform(input.declared);
  const profile = platformProfile(credited?.id);
  const file = input.file;
  if (!credited || !profile || !file) return out;
  const embedded = input.embedded;
  const camera = [embedded?.make, embedded?.model].filter((part): part is string => Boolean(part?.trim()));
  const size = fitsSize(profile, file);
  const shape: FindingEvidence = { tag: 'file.dimensions', value: `${file.width} × ${file.height} px, ${file.format.toUpperCase()}` };
  const reasons: string[] = [];
  const evidence: FindingEvidence[] = [credited.via];
  if (!profile.keepsCameraMetadata && camera.length) {
    reasons.push(`it carries the camera’s metadata (${camera.join(' ')}), which ${credited.name} removes`);
    evidence.push({ tag: embedded?.sources?.model ?? embedded?.sources?.make ?? 'EXIF Make/Model', value: camera.join(' ') });
  }
  if (size === 'larger') {
    const limit = profile.longestSides?.at(-1) ?? profile.widths?.at(-1);
    reasons.push(`it is ${file.width} × ${file.height} px, larger than anything ${credited.name} serves (${limit} px ${profile.longestSides ? 'on the longest side' : 'wide'})`);
    evidence.push(shape);
  }
  if (reasons.length) {
    out.push(finding('platform.not_platform_copy', 'notice', `Credited to ${credited.name}, but this file is not the copy ${credited.name} serves: ${reasons.join('; and ')}. It was supplied directly, or from another copy.`, evidence));
    return out;
  }
  const marker = profile.marker;
  const markerMissing = marker && !(input.forensics?.platformMarkers ?? []).some((found) => found.platform === profile.id);
  if (size === 'exact' && !camera.length && profile.formats.includes(file.format) && !markerMissing) {
    const side = profile.longestSides ? `${Math.max(file.width, file.height)} px on the longest side` : `${file.width} px wide`;
    out.push(finding('platform.consistent', 'info', `The file has the shape of a picture ${credited.name} serves: ${side}, ${file.format.toUpperCase()}, no camera metadata.`, [credited.via, shape]));
  }
  return out;
}

function timeFindings(input: ForensicsInput): Finding[] {
  const out: Finding[] = [];
  const embedded = input.embedded;
  const modified = input.forensics?.modified;
  const capturedLocal = embedded?.capturedAtLocal;
  const captured = wallClock(capturedLocal);
  const saved = wallClock(modified?.local);
  if (modified && saved) {
    const modifiedEvidence: FindingEvidence = { tag: modified.tag, value: modified.local };
    if (captured && capturedLocal) {
      const captureEvidence: FindingEvidence = { tag: embedded?.sources?.capturedAt ?? 'EXIF DateTimeOriginal', value: capturedLocal };
      // Both are the same device's wall clock unless an editor wrote the modify date, so they compare as written.
      const gap = saved.getTime() - captured.getTime();
      if (gap < -SAVED_AGAIN_MS) {
        out.push(finding('capture.modified_before_capture', 'notice', `The file says it was last saved (${modified.local}) before it was taken (${capturedLocal}): one of the two dates was changed, or the clocks disagree.`, [captureEvidence, modifiedEvidence]));
      } else if (gap > SAVED_AGAIN_MS) {
        const days = Math.round(gap / 86_400_000);
        out.push(finding('capture.modified_after_capture', 'info', `The file was saved again ${days >= 1 ? `${days} day${days === 1 ? '' : 's'}` : 'the same day'} after it was taken (taken ${capturedLocal}, saved ${modified.local}).`, [captureEvidence, modifiedEvidence]));
      }
    }
    const claimed = input.declared.claimedDate;
    const offset = offsetMinutes(modified.offset) ?? 0;
    if (claimed && !Number.isNaN(claimed.getTime()) && saved.getTime() - offset * 60_000 > claimed.getTime() + CLAIM_SLACK_MS) {
      out.push(finding('capture.modified_after_claim', 'notice', `The file was saved on ${day(saved)}, after the date the source claims (${day(claimed)}): this copy was made or edited later.`, [modifiedEvidence, { tag: 'declared.claimedDate', value: claimed.toISOString() }]));
    }
  }
  const offset = offsetMinutes(embedded?.capturedAtOffset);
  const gps = embedded?.gps;
  if (offset !== undefined && gps && Number.isFinite(gps.longitude)) {
    const hours = hoursFromSolarTime(offset, gps.longitude);
    if (hours > MAX_HOURS_FROM_SOLAR) {
      out.push(
        finding(
          'capture.offset_disagrees_with_gps',
          'notice',
          `The capture time’s UTC offset (${embedded!.capturedAtOffset}) is ${hours.toFixed(1)} hours from the local time at the recorded GPS position (${gps.latitude.toFixed(3)}, ${gps.longitude.toFixed(3)}): the camera’s clock, its zone or the position is wrong, or was changed.`,
          [
            { tag: embedded?.sources?.capturedAtOffset ?? 'EXIF OffsetTimeOriginal', value: embedded!.capturedAtOffset },
            { tag: embedded?.sources?.gps ?? 'GPS', value: `${gps.latitude.toFixed(5)}, ${gps.longitude.toFixed(5)}` },
          ],
        ),
      );
    }
  }
  return out;
}

export function forensicFindings(input: ForensicsInput): Finding[] {
  return [...thumbnailFindings(input), ...qualityFindings(input), ...platformFindings(input), ...timeFindings(input)];
}
