// View-model of the image page: the provenance chain, findings, metadata groups, related images
// and the edit form. Pure: the route gathers the records, these functions shape them.
import type { ArticleRef } from '../images/article-links';
import type { ImageRecord } from '../images/image.model';
import { VERIFICATION_STATUSES } from '../images/image.types';
import { derivativeUrl, originalUrl } from '../images/images.serialize';
import type { HistoryEntryView } from '../provenance/history.service';
import type { FileForensics } from '../provenance/forensics/forensics.types';
import type { Finding } from '../provenance/findings.types';
import type { MatchedImageRecord } from '../images/image-provenance';
import { provenanceBadge, severityView, statusBadge, type BadgeView, type SeverityView } from './badges';
import { formatBytes, formatCoordinates, formatDateTime, formatDay, hostOf, isoString, openStreetMapUrl, safeHref, trimText } from './format';
import { platformName } from './gallery.view';
import type { GroupView } from '../pictures/pictures.service';
import { SUPPLIER_KIND_LABELS, SUPPLIER_KINDS, usageKindOf, type UsageKind } from '../credits/sources';

export interface Row {
  label: string;
  value: string;
  href?: string;
  /** The metadata tag the value came from, when known. */
  tag?: string;
  /** Render in the tabular/monospace face (numbers, hashes). */
  mono?: boolean;
}

export interface MetadataGroup {
  id: string;
  title: string;
  rows: Row[];
  empty: string;
}

const ORIENTATIONS: Record<number, string> = {
  1: 'Normal',
  2: 'Mirrored horizontally',
  3: 'Rotated 180°',
  4: 'Mirrored vertically',
  5: 'Mirrored, rotated 90° anticlockwise',
  6: 'Rotated 90° clockwise',
  7: 'Mirrored, rotated 90° clockwise',
  8: 'Rotated 90° anticlockwise',
};

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    const parts = value.map(text).filter((part): part is string => Boolean(part));
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
  if (value instanceof Date) return formatDateTime(value);
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

function rows(entries: Array<Row | { label: string; value: unknown; href?: string; tag?: string; mono?: boolean }>): Row[] {
  const out: Row[] = [];
  for (const entry of entries) {
    const value = typeof entry.value === 'string' ? (entry.value.trim() === '' ? undefined : entry.value) : text(entry.value);
    if (value !== undefined) out.push({ ...entry, value });
  }
  return out;
}

type Embedded = NonNullable<ImageRecord['embedded']> & { sources?: Record<string, string> };

function gpsOf(e: Embedded): { latitude: number; longitude: number; altitude?: number } | undefined {
  const gps = e.gps;
  if (!gps || typeof gps.latitude !== 'number' || typeof gps.longitude !== 'number') return undefined;
  return { latitude: gps.latitude, longitude: gps.longitude, altitude: typeof gps.altitude === 'number' ? gps.altitude : undefined };
}

export function metadataGroups(image: Pick<ImageRecord, 'embedded' | 'file'> & { forensics?: unknown }): MetadataGroup[] {
  const e = (image.embedded ?? {}) as Embedded;
  const tag = (field: string) => e.sources?.[field];
  const gps = gpsOf(e);
  const location = (e.location ?? {}) as Record<string, unknown>;
  const file = image.file;
  const quality = (image.forensics as FileForensics | undefined)?.jpegQuality;
  return [
    {
      id: 'camera',
      title: 'Camera',
      empty: 'The file names no camera or software.',
      rows: rows([
        { label: 'Make', value: e.make, tag: tag('make') },
        { label: 'Model', value: e.model, tag: tag('model') },
        { label: 'Lens', value: e.lens, tag: tag('lens') },
        { label: 'Software', value: e.software, tag: tag('software') },
      ]),
    },
    {
      id: 'capture',
      title: 'Capture',
      empty: 'The file does not say when it was taken.',
      rows: rows([
        { label: 'Taken (as written)', value: e.capturedAtLocal, tag: tag('capturedAtLocal') ?? tag('capturedAt'), mono: true },
        { label: 'UTC offset', value: e.capturedAtOffset ?? (e.capturedAtLocal ? 'not stated' : undefined), mono: true },
        { label: 'Taken (UTC)', value: e.capturedAtOffset ? formatDateTime(e.capturedAt) : undefined, mono: true },
        { label: 'Date created', value: e.dateCreated, tag: tag('dateCreated'), mono: true },
        { label: 'Orientation', value: typeof e.orientation === 'number' ? `${e.orientation} – ${ORIENTATIONS[e.orientation] ?? 'unknown'}` : undefined },
      ]),
    },
    {
      id: 'location',
      title: 'Location',
      empty: 'The file carries no GPS position.',
      rows: rows([
        gps
          ? { label: 'GPS', value: formatCoordinates(gps.latitude, gps.longitude), href: openStreetMapUrl(gps.latitude, gps.longitude), tag: tag('gps'), mono: true }
          : { label: 'GPS', value: undefined },
        { label: 'Altitude', value: gps && typeof gps.altitude === 'number' ? `${gps.altitude.toFixed(1)} m` : undefined, mono: true },
        { label: 'Sublocation', value: location.sublocation },
        { label: 'City', value: location.city },
        { label: 'State / province', value: location.state },
        { label: 'Country', value: [location.country, location.countryCode].filter(Boolean).join(' · ') || undefined },
      ]),
    },
    {
      id: 'rights',
      title: 'Rights and caption in the file',
      empty: 'The file names no creator, credit or copyright.',
      rows: rows([
        { label: 'Creator', value: e.creator, tag: tag('creator') },
        { label: 'Credit line', value: e.creditLine, tag: tag('creditLine') },
        { label: 'Source', value: e.source, tag: tag('source') },
        { label: 'Copyright', value: e.copyright, tag: tag('copyright') },
        { label: 'Headline', value: e.headline, tag: tag('headline') },
        { label: 'Title', value: e.title, tag: tag('title') },
        { label: 'Description', value: e.description, tag: tag('description') },
        { label: 'Digital source type', value: e.digitalSourceType, tag: tag('digitalSourceType') },
      ]),
    },
    {
      id: 'technical',
      title: 'Technical',
      empty: 'No technical facts recorded.',
      rows: rows([
        { label: 'Dimensions', value: file?.width && file?.height ? `${file.width} × ${file.height} px` : undefined, mono: true },
        { label: 'Format', value: file ? `${file.format.toUpperCase()} (${file.mimeType})` : undefined },
        { label: 'Colour space', value: file?.space },
        { label: 'ICC profile', value: file?.iccDescription },
        { label: 'Bit depth', value: file?.bitDepth, mono: true },
        { label: 'Channels', value: file?.channels ? `${file.channels}${file.hasAlpha ? ' (with alpha)' : ''}` : undefined, mono: true },
        { label: 'Density', value: file?.density ? `${file.density} dpi` : undefined, mono: true },
        { label: 'Size', value: file?.bytes !== undefined ? `${formatBytes(file.bytes)} (${file.bytes.toLocaleString('en-GB')} bytes)` : undefined, mono: true },
        { label: 'JPEG quality', value: quality ? `${quality.quality}${quality.exact ? '' : ' (estimated)'}${quality.knownSource ? ` – ${quality.knownSource}` : ''}` : undefined, tag: quality ? 'JPEG DQT' : undefined },
      ]),
    },
  ];
}

export interface ChainStep {
  kind: 'capture' | 'supplier' | 'use' | 'change' | 'origin';
  title: string;
  when?: string;
  whenIso?: string;
  who?: string;
  rows: Row[];
  note?: string;
  /** `from` is absent when the field had no value before (a first setting, not a change). */
  changes?: Array<{ field: string; from?: string; to: string }>;
}

const CHANGE_TITLES: Record<string, string> = {
  created: 'Record created',
  edited: 'Record edited',
  status_set: 'Verification status set',
  use_added: 'Use added',
  file_replaced: 'File replaced',
  group_member_removed: 'Taken out of a picture group',
  described_image_fulfilled: 'File uploaded for an image recorded without one',
};

const FIELD_LABELS: Record<string, string> = {
  caption: 'Caption',
  credit: 'Credit',
  sourceUrl: 'Source URL',
  status: 'Status',
  statusNote: 'Status note',
  evidenceUrl: 'Evidence',
  uses: 'Use',
  describedImage: 'Recorded without a file',
};

function changeValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    return parts.length > 0 ? parts.join('; ') : '(empty)';
  }
  return JSON.stringify(value);
}

export function provenanceChain(image: ImageRecord, articles: Map<string, ArticleRef>, history: HistoryEntryView[]): ChainStep[] {
  const e = (image.embedded ?? {}) as Embedded;
  const declared = image.declared ?? {};
  const steps: ChainStep[] = [];

  // Many cameras repeat the make in the model ("Canon" / "Canon EOS 40D").
  const camera = e.model && e.make && e.model.toLowerCase().startsWith(e.make.toLowerCase()) ? e.model : [e.make, e.model].filter(Boolean).join(' ');
  const place = gpsOf(e);
  const captureRows = rows([
    { label: 'Camera', value: camera || undefined },
    { label: 'Creator', value: e.creator },
    { label: 'Software', value: e.software },
    { label: 'Taken', value: e.capturedAtLocal ? `${e.capturedAtLocal}${e.capturedAtOffset ? ` (UTC${e.capturedAtOffset})` : ' (no UTC offset in the file)'}` : undefined, mono: true },
    { label: 'Place', value: place ? formatCoordinates(place.latitude, place.longitude) : undefined, mono: true },
  ]);
  steps.push({
    kind: 'capture',
    title: 'Capture',
    when: e.capturedAt ? formatDateTime(e.capturedAt) : undefined,
    whenIso: isoString(e.capturedAt),
    rows: captureRows,
    note: captureRows.length === 0 ? 'The file’s metadata does not say who took it, when, or with what camera.' : 'As far as the file’s own metadata tells; metadata can be edited.',
  });

  const sourceHref = safeHref(declared.sourceUrl);
  steps.push({
    kind: 'supplier',
    title: declared.sourceUrl ? 'First posting / supplier' : 'Supplier',
    when: formatDateTime(image.createdAt),
    whenIso: isoString(image.createdAt),
    rows: rows([
      { label: 'Credit', value: declared.credit ?? '(none given)' },
      { label: 'Source', value: declared.sourceUrl ? (hostOf(declared.sourceUrl) ?? declared.sourceUrl) : undefined, href: sourceHref },
      { label: 'Platform', value: platformName(declared.platform) },
      { label: 'Source note', value: declared.sourceNote },
      { label: 'File name', value: image.uploadName, mono: true },
    ]),
    note: 'Entered the archive at the time shown.',
  });

  const uses = [...(image.uses ?? [])].sort((a, b) => (a.addedAt?.getTime() ?? 0) - (b.addedAt?.getTime() ?? 0));
  for (const use of uses) {
    const article = use.article ? articles.get(String(use.article)) : undefined;
    steps.push({
      kind: 'use',
      title: article?.headline ? `Used in “${trimText(article.headline, 90)}”` : 'Used with a caption',
      when: formatDateTime(use.addedAt),
      whenIso: isoString(use.addedAt),
      who: use.addedBy ?? undefined,
      rows: rows([
        { label: 'Printed line', value: use.printedLine },
        { label: 'Caption', value: use.printedLine ? undefined : use.caption },
        { label: 'Credit', value: use.printedLine ? undefined : use.credit },
        { label: 'Publisher', value: article?.publisher },
        { label: 'Published', value: article?.publishedAt ? formatDateTime(article.publishedAt) : undefined },
        { label: 'Article', value: article ? 'Open article page' : undefined, href: article ? `/articles/${String(article._id)}` : undefined },
      ]),
    });
  }

  for (const entry of history) {
    steps.push({
      kind: 'change',
      title: CHANGE_TITLES[entry.type] ?? entry.type,
      when: formatDateTime(entry.at),
      whenIso: isoString(entry.at),
      who: entry.identity === 'declared' ? `${entry.actor} (declared, not verified)` : entry.account?.via === 'token' && entry.account.tokenName ? `${entry.actor} (token “${entry.account.tokenName}”)` : entry.actor,
      rows: [],
      note: entry.reason ? `Reason: ${entry.reason}` : undefined,
      changes: (entry.changes ?? []).map((change) => ({
        field: FIELD_LABELS[change.field] ?? change.field,
        from: change.from === null || change.from === undefined || change.from === '' ? undefined : changeValue(change.from),
        to: changeValue(change.to),
      })),
    });
  }
  return steps;
}

export interface FindingView {
  severity: SeverityView;
  message: string;
  code: string;
  evidence: Array<{ tag?: string; value?: string; imageHref?: string; distance?: number }>;
}

export function findingViews(findings: readonly Finding[] | undefined | null): FindingView[] {
  return (findings ?? []).map((finding) => ({
    severity: severityView(finding.severity),
    message: finding.message,
    code: finding.code,
    evidence: (finding.evidence ?? []).map((item) => ({
      tag: item.tag,
      value: item.value,
      imageHref: item.imageId && /^[a-f0-9]{24}$/i.test(item.imageId) ? `/images/${item.imageId}` : undefined,
      distance: item.distance,
    })),
  }));
}

export interface RelatedView {
  href: string;
  thumbnailUrl?: string;
  width?: number;
  height?: number;
  credit: string;
  caption: string;
  kind: string;
  day?: string;
}

export function relatedViews(matches: readonly MatchedImageRecord[]): RelatedView[] {
  return matches.map(({ image, kind, distance }) => ({
    href: `/images/${String(image._id)}`,
    thumbnailUrl: derivativeUrl(image.derivatives?.thumbnail?.file),
    width: image.derivatives?.thumbnail?.width ?? undefined,
    height: image.derivatives?.thumbnail?.height ?? undefined,
    credit: image.declared?.credit ?? 'No credit',
    caption: trimText(image.declared?.caption, 100),
    kind: kind === 'exact' ? 'Same file' : `Looks the same (distance ${distance})`,
    day: formatDay(image.createdAt),
  }));
}

export interface EditFormView {
  caption: string;
  credit: string;
  sourceUrl: string;
  statusNote: string;
  evidenceUrl: string;
  reason: string;
  statuses: Array<{ value: string; label: string; selected: boolean }>;
  /** Usage-rights kinds; the empty value lets the credit decide. */
  supplierKinds: Array<{ value: string; label: string; selected: boolean }>;
}

export function editFormView(image: Pick<ImageRecord, 'declared' | 'status'>, submitted?: Record<string, unknown>): EditFormView {
  const pick = (name: string, current: string | undefined | null) => (submitted && typeof submitted[name] === 'string' ? (submitted[name] as string) : (current ?? ''));
  const status = pick('status', image.status?.value ?? 'unverified');
  const supplierKind = pick('supplierKind', image.declared?.supplierKind);
  return {
    caption: pick('caption', image.declared?.caption),
    credit: pick('credit', image.declared?.credit),
    sourceUrl: pick('sourceUrl', image.declared?.sourceUrl),
    statusNote: pick('statusNote', image.status?.note),
    evidenceUrl: pick('evidenceUrl', image.status?.evidenceUrl),
    reason: pick('reason', ''),
    statuses: VERIFICATION_STATUSES.map((value) => ({ value, label: statusBadge(value).label, selected: value === status })),
    supplierKinds: [
      { value: '', label: `From the credit (${SUPPLIER_KIND_LABELS[usageKindOf(image.declared?.creditParts as Parameters<typeof usageKindOf>[0])]})`, selected: supplierKind === '' },
      ...SUPPLIER_KINDS.map((value) => ({ value, label: SUPPLIER_KIND_LABELS[value], selected: value === supplierKind })),
    ],
  };
}

/** Pretty JSON of the raw metadata; long strings (thumbnails, maker notes) are cut so the page stays small. */
export function rawMetadataJson(raw: unknown, maxString = 2000, maxTotal = 400_000): string {
  const json = JSON.stringify(
    raw ?? {},
    (_key, value: unknown) => {
      if (typeof value === 'string' && value.length > maxString) return `${value.slice(0, maxString)}… (${value.length} characters)`;
      if (Array.isArray(value) && value.length > 200 && value.every((item) => typeof item === 'number')) return `(${value.length} numbers)`;
      return value;
    },
    2,
  );
  // Number arrays (EXIF versions, colour matrices) on one line instead of one number per line. Only
  // pretty-printed arrays match (a newline after "["): JSON strings never hold a raw newline.
  const compact = json.replace(/\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]/g, (_match, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`);
  return compact.length > maxTotal ? `${compact.slice(0, maxTotal)}\n… (cut: ${compact.length} characters in all; the API has the rest)` : compact;
}

export interface ImagePageView {
  id: string;
  caption: string;
  alt: string;
  credit?: string;
  creditHref?: string;
  /** Usage-rights kind (server/credits/sources.ts), and whether an editor set it. */
  usageKind: string;
  usageKindSetByEditor: boolean;
  printedLine?: string;
  source?: { href?: string; host: string; text: string };
  sourceNote?: string;
  platform?: string;
  displayUrl?: string;
  displayWidth?: number;
  displayHeight?: number;
  originalUrl: string;
  originalLabel: string;
  /** The two downloads (server/transfer): the original as uploaded, and a copy with the credits written in. */
  downloads: { originalUrl: string; creditedUrl: string; breaksContentCredentials: boolean };
  badge: BadgeView;
  status: BadgeView;
  statusNote?: string;
  statusEvidence?: string;
  statusBy?: string;
  /** False when the status was set before accounts: setBy is then a declared, unverified name. */
  statusByAccount: boolean;
  statusAt?: string;
  createdAt?: string;
  sha256: string;
  phash: string;
  apiUrl: string;
}

export function imagePageView(image: ImageRecord): ImagePageView {
  const id = String(image._id);
  const declared = image.declared ?? {};
  const caption = declared.caption ?? '';
  const display = image.derivatives?.display;
  const sourceHost = hostOf(declared.sourceUrl);
  return {
    id,
    caption,
    alt: caption ? trimText(caption, 300) : declared.credit ? `Image credited to ${declared.credit}, no caption` : 'Image without a caption',
    credit: declared.credit ?? undefined,
    // The credit's supplier has a page of its own (server/sources); a credit nothing was read from filters the gallery.
    creditHref: declared.credit ? (declared.sourceKeys?.[0] ? `/sources/${declared.sourceKeys[0]}` : `/?credit=${encodeURIComponent(declared.credit)}`) : undefined,
    usageKind: SUPPLIER_KIND_LABELS[(declared.kind ?? 'unknown') as UsageKind] ?? declared.kind,
    usageKindSetByEditor: Boolean(declared.supplierKind),
    printedLine: declared.printedLine ?? undefined,
    source: declared.sourceUrl ? { href: safeHref(declared.sourceUrl), host: sourceHost ?? declared.sourceUrl, text: declared.sourceUrl } : undefined,
    sourceNote: declared.sourceNote ?? undefined,
    platform: platformName(declared.platform),
    displayUrl: derivativeUrl(display?.file),
    displayWidth: display?.width ?? undefined,
    displayHeight: display?.height ?? undefined,
    originalUrl: originalUrl(image),
    originalLabel: image.file ? `${image.file.format.toUpperCase()}, ${image.file.width} × ${image.file.height}, ${formatBytes(image.file.bytes)}` : 'original file',
    downloads: { originalUrl: `/api/images/${id}/original`, creditedUrl: `/api/images/${id}/download?embed=1`, breaksContentCredentials: Boolean((image.c2pa as { present?: boolean } | undefined)?.present) },
    badge: provenanceBadge(image.provenance?.badge),
    status: statusBadge(image.status?.value),
    statusNote: image.status?.note ?? undefined,
    statusEvidence: safeHref(image.status?.evidenceUrl),
    statusBy: image.status?.setBy ?? undefined,
    statusByAccount: Boolean(image.status?.setById),
    statusAt: formatDateTime(image.status?.setAt),
    createdAt: formatDateTime(image.createdAt),
    sha256: image.sha256,
    phash: image.phash,
    apiUrl: `/api/images/${id}`,
  };
}

export interface PictureGroupMemberView {
  href: string;
  current: boolean;
  thumbnailUrl?: string;
  credit: string;
  source?: { host: string; href?: string };
  firstSeen: string;
  size: string;
  relation: string;
  earliest: boolean;
  largest: boolean;
}

/** The picture group on the image page: every copy, the earliest seen and the largest marked. */
export function pictureGroupView(group: GroupView): { members: PictureGroupMemberView[]; differentCredits: string[] } | undefined {
  if (!group.groupId || group.members.length < 2) return undefined;
  return {
    differentCredits: group.differentCredits,
    members: group.members.map((member) => ({
      href: `/images/${member.imageId}`,
      current: member.imageId === group.imageId,
      thumbnailUrl: derivativeUrl(member.thumbnailFile),
      credit: member.credit ?? 'No credit',
      source: member.sourceUrl ? { host: hostOf(member.sourceUrl) ?? member.sourceUrl, href: safeHref(member.sourceUrl) } : undefined,
      firstSeen: formatDay(member.firstSeen) ?? '',
      size: member.width && member.height ? `${member.width} × ${member.height} px${member.bytes ? `, ${formatBytes(member.bytes)}` : ''}` : '',
      relation: member.relation,
      earliest: member.earliest,
      largest: member.largest,
    })),
  };
}
