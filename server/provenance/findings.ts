// The provenance report: what the declared credit and source say, set against the file's own
// metadata, its Content Credentials and the other copies the archive holds. Pure functions over
// plain data; the provenance service feeds them and stores the result.

import { parseCredit, type ParsedCredit } from '../credits/credit-parser';
import { namesMatch, normaliseName } from '../credits/name-match';
import { accountFromUrl, hostOf, platformById, platformForUrl } from '../credits/platforms';
import { forensicFindings } from './forensics/findings';
import { failedCheckWords } from './c2pa-words';
import type { Finding, FindingCode, FindingEvidence, NormalisedMetadata, ProvenanceBadge, ProvenanceInput, ProvenanceMatch } from './findings.types';

/** Software that edits pictures, as it names itself in EXIF Software / XMP CreatorTool. Data, not branches. */
export const EDITING_SOFTWARE: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'Adobe Photoshop', pattern: /photoshop/i },
  { name: 'Adobe Lightroom', pattern: /lightroom/i },
  { name: 'Adobe Camera Raw', pattern: /camera raw/i },
  { name: 'Adobe Express', pattern: /adobe express/i },
  { name: 'Adobe Firefly', pattern: /firefly/i },
  { name: 'GIMP', pattern: /\bgimp\b/i },
  { name: 'Affinity Photo', pattern: /affinity/i },
  { name: 'Pixelmator', pattern: /pixelmator/i },
  { name: 'Capture One', pattern: /capture ?one/i },
  { name: 'Snapseed', pattern: /snapseed/i },
  { name: 'Canva', pattern: /\bcanva\b/i },
  { name: 'PicsArt', pattern: /picsart/i },
  { name: 'Facetune', pattern: /facetune/i },
  { name: 'Luminar', pattern: /luminar/i },
  { name: 'Paint.NET', pattern: /paint\.net/i },
  { name: 'Darktable', pattern: /darktable/i },
  { name: 'RawTherapee', pattern: /rawtherapee/i },
  { name: 'Picasa', pattern: /picasa/i },
  { name: 'Photo Mechanic', pattern: /photo ?mechanic/i },
  { name: 'ACDSee', pattern: /acdsee/i },
  { name: 'Corel PaintShop', pattern: /paintshop|corel/i },
  { name: 'ImageMagick', pattern: /imagemagick/i },
  { name: 'Microsoft Photos', pattern: /microsoft (?:windows )?photos/i },
  { name: 'Apple Photos', pattern: /^photos \d|apple photos/i },
  { name: 'VSCO', pattern: /\bvsco\b/i },
  { name: 'Lensa', pattern: /\blensa\b/i },
];

/** IPTC digital source types meaning the picture was made by a generative model. */
export const AI_SOURCE_TYPES = ['trainedAlgorithmicMedia', 'compositeWithTrainedAlgorithmicMedia'];

/** A capture time without a UTC offset may be off by this much either way (UTC−12 … UTC+14). */
const UNKNOWN_OFFSET_SLACK_MS = 14 * 3600_000;
const KNOWN_OFFSET_SLACK_MS = 3600_000;
/** A capture this long before the claimed date suggests an older picture reused. */
const WELL_BEFORE_MS = 2 * 86_400_000;

const FIELD_LABELS: Record<string, string> = {
  creator: 'IPTC By-line / XMP dc:creator',
  creditLine: 'IPTC Credit / XMP photoshop:Credit',
  source: 'IPTC Source / XMP photoshop:Source',
  copyright: 'copyright notice',
  software: 'EXIF Software',
  gps: 'EXIF GPS',
  capturedAt: 'EXIF DateTimeOriginal',
  dateCreated: 'IPTC/XMP date created',
  make: 'EXIF Make',
  model: 'EXIF Model',
  lens: 'EXIF LensModel',
  digitalSourceType: 'XMP Iptc4xmpExt:DigitalSourceType',
  remoteManifestUrl: 'XMP dcterms:provenance',
};

function tagOf(embedded: NormalisedMetadata, field: string): string {
  return embedded.sources?.[field] ?? FIELD_LABELS[field] ?? field;
}

function quote(text: string): string {
  return `“${text}”`;
}

function listing(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function moment(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function finding(code: FindingCode, severity: Finding['severity'], message: string, evidence: FindingEvidence[] = []): Finding {
  return { code, severity, message, evidence };
}

interface NamedValue {
  field: 'creator' | 'creditLine' | 'source' | 'copyright';
  tag: string;
  value: string;
}

/** Every name the file gives for who made or supplied it. */
function namesInFile(embedded: NormalisedMetadata): NamedValue[] {
  const out: NamedValue[] = [];
  for (const creator of embedded.creator ?? []) {
    if (creator?.trim()) out.push({ field: 'creator', tag: tagOf(embedded, 'creator'), value: creator.trim() });
  }
  for (const field of ['creditLine', 'source', 'copyright'] as const) {
    const value = embedded[field]?.trim();
    if (value) out.push({ field, tag: tagOf(embedded, field), value });
  }
  return out;
}

function creditFindings(credit: string | undefined, parsed: ParsedCredit | undefined, embedded: NormalisedMetadata | undefined): Finding[] {
  if (!embedded) {
    return credit ? [finding('credit.not_comparable', 'info', 'The archive holds no file for this record yet, so the credit cannot be checked against file metadata.')] : [];
  }
  const names = namesInFile(embedded);
  const evidence = (items: NamedValue[]) => items.map(({ tag, value }) => ({ tag, value }));
  const described = (items: NamedValue[]) => listing(items.map(({ tag, value }) => `${tag} ${quote(value)}`));
  if (!credit) {
    return names.length
      ? [finding('credit.not_comparable', 'info', `No credit is recorded; the file itself names ${described(names)}.`, evidence(names))]
      : [];
  }
  if (!names.length) {
    return [finding('credit.not_comparable', 'info', 'The file carries no creator, credit, source or copyright metadata to compare the credit with.')];
  }
  const matched = names.filter((name) => namesMatch(credit, name.value).match);
  const out: Finding[] = [];
  if (matched.length) {
    out.push(finding('credit.matches_metadata', 'info', `The credit ${quote(credit)} agrees with the file's own metadata: ${described(matched)}.`, evidence(matched)));
    // Agreement on the agency does not cover the person: a named photographer must be the file's creator too.
    const creators = names.filter((name) => name.field === 'creator');
    const photographer = parsed?.photographer;
    if (photographer && creators.length && !creators.some((c) => namesMatch(photographer, c.value).match)) {
      out.push(finding('credit.differs_from_metadata', 'warning', `The credit names the photographer ${photographer}, but the file names ${described(creators)}.`, evidence(creators)));
    }
  } else {
    out.push(finding('credit.differs_from_metadata', 'warning', `The credit ${quote(credit)} does not match what the file itself says: ${described(names)}.`, evidence(names)));
  }
  return out;
}

function sameAccount(a: string, b: string): boolean {
  const clean = (text: string) => text.replace(/^@/, '').toLowerCase();
  return clean(a) === clean(b);
}

function sourceFindings(credit: string | undefined, parsed: ParsedCredit | undefined, sourceUrl: string | undefined): Finding[] {
  if (!sourceUrl?.trim()) return [];
  const host = hostOf(sourceUrl);
  const urlEvidence: FindingEvidence = { tag: 'declared.sourceUrl', value: sourceUrl };
  if (!host) return [finding('source.invalid_url', 'notice', `The source link ${quote(sourceUrl)} is not a web address, so it cannot be checked.`, [urlEvidence])];
  const onPlatform = platformForUrl(sourceUrl);
  const where = onPlatform ? `${host} (${onPlatform.name})` : host;
  const creditPlatform = parsed?.platformId ? platformById(parsed.platformId) : undefined;
  const out: Finding[] = [];
  if (creditPlatform) {
    const creditEvidence: FindingEvidence = { tag: 'declared.credit', value: credit };
    if (onPlatform?.id === creditPlatform.id) {
      out.push(finding('source.host_matches_platform', 'info', `The credit names ${creditPlatform.name}, and the source link is on ${where}.`, [creditEvidence, urlEvidence]));
      const linkAccount = accountFromUrl(sourceUrl);
      const account = parsed?.account;
      // Only handles can be compared with a URL; display names ("Volodymyr Zelensky") cannot.
      if (linkAccount && account && !/\s/.test(account)) {
        if (sameAccount(account, linkAccount)) {
          out.push(finding('source.account_matches_credit', 'info', `The source link is on the account ${linkAccount} that the credit names.`, [creditEvidence, urlEvidence]));
        } else {
          out.push(finding('source.account_differs_from_credit', 'notice', `The credit names the account ${account}, but the source link is on ${linkAccount}.`, [creditEvidence, urlEvidence]));
        }
      }
    } else {
      out.push(
        finding(
          'source.host_differs_from_platform',
          'warning',
          `The credit names ${creditPlatform.name}, but the source link is on ${where}${onPlatform ? '' : `, not a ${creditPlatform.name} address`}.`,
          [creditEvidence, urlEvidence],
        ),
      );
    }
  } else if (onPlatform && credit?.trim()) {
    out.push(finding('source.platform_not_in_credit', 'notice', `The source link is on ${where}, but the credit ${quote(credit)} does not name ${onPlatform.name}.`, [{ tag: 'declared.credit', value: credit }, urlEvidence]));
  }
  return out;
}

function fileFindings(embedded: NormalisedMetadata, extraSoftware: Array<{ tag: string; value: string }>, c2paSourceTypes: string[]): Finding[] {
  const out: Finding[] = [];
  for (const unread of embedded.unreadBlocks ?? []) {
    out.push(
      finding(
        'file.metadata_not_read',
        'warning',
        `A metadata block is too large to be real metadata and was not read: ${unread.block} ${unread.reason}. What the file says about itself may be incomplete, and a file built like this is meant to exhaust the software reading it.`,
        [{ tag: unread.block }],
      ),
    );
  }
  const camera = [embedded.make, embedded.model].filter((part): part is string => Boolean(part?.trim()));
  // "Canon Canon EOS 40D": many makers repeat the make in the model.
  const cameraName = camera.length === 2 && camera[1]!.toLowerCase().startsWith(camera[0]!.toLowerCase()) ? camera[1]! : camera.join(' ');
  if (!camera.length && !embedded.lens) {
    // A capture time alone is often written by editing or export software, so it does not name a camera.
    out.push(
      finding(
        'file.no_camera_metadata',
        'notice',
        embedded.capturedAt
          ? 'The file names no camera (no make or model), only a capture time.'
          : 'The file carries no camera metadata (no make, model or capture time), as is typical of pictures saved from social platforms and of screenshots.',
        embedded.capturedAt ? [{ tag: tagOf(embedded, 'capturedAt'), value: embedded.capturedAtLocal ?? embedded.capturedAt.toISOString() }] : [],
      ),
    );
  } else {
    const evidence: FindingEvidence[] = [];
    for (const field of ['make', 'model', 'lens'] as const) {
      const value = embedded[field];
      if (value) evidence.push({ tag: tagOf(embedded, field), value });
    }
    if (embedded.capturedAt) evidence.push({ tag: tagOf(embedded, 'capturedAt'), value: embedded.capturedAtLocal ?? embedded.capturedAt.toISOString() });
    out.push(finding('file.camera_metadata', 'info', cameraName ? `The file names the camera: ${cameraName}.` : `The file names the lens (${embedded.lens}) but no camera.`, evidence));
  }

  const software = [...(embedded.software ? [{ tag: tagOf(embedded, 'software'), value: embedded.software }] : []), ...extraSoftware];
  const editors = software.filter(({ value }) => EDITING_SOFTWARE.some(({ pattern }) => pattern.test(value)));
  if (editors.length) {
    const names = [...new Set(editors.map(({ value }) => value.trim()))];
    out.push(finding('file.editing_software', 'notice', `The file was saved by editing software: ${listing(names)}.`, editors.map(({ tag, value }) => ({ tag, value }))));
  }

  const sourceTypes = [
    ...(embedded.digitalSourceType ? [{ tag: tagOf(embedded, 'digitalSourceType'), value: embedded.digitalSourceType }] : []),
    ...c2paSourceTypes.map((value) => ({ tag: 'C2PA c2pa.actions digitalSourceType', value })),
  ];
  const generated = sourceTypes.filter(({ value }) => AI_SOURCE_TYPES.some((type) => value.trim().endsWith(`/${type}`) || value.trim() === type));
  if (generated.length) {
    out.push(finding('file.ai_generated', 'warning', 'The file declares itself as made by a generative AI model (IPTC digital source type).', generated));
  }

  if (embedded.gps) {
    const { latitude, longitude } = embedded.gps;
    const value = `${latitude.toFixed(5)}, ${longitude.toFixed(5)}`;
    out.push(finding('privacy.gps_present', 'notice', `The original file records where it was taken (${value}): remove the location before sharing the original.`, [{ tag: tagOf(embedded, 'gps'), value }]));
  }
  return out;
}

/** The capture instant and how far it may be off, from the most precise field the file has. */
function captureOf(embedded: NormalisedMetadata): { at: Date; slack: number; tag: string; value: string } | undefined {
  if (embedded.capturedAt && !Number.isNaN(embedded.capturedAt.getTime())) {
    return {
      at: embedded.capturedAt,
      slack: embedded.capturedAtOffset ? KNOWN_OFFSET_SLACK_MS : UNKNOWN_OFFSET_SLACK_MS,
      tag: tagOf(embedded, 'capturedAt'),
      value: embedded.capturedAtLocal ?? embedded.capturedAt.toISOString(),
    };
  }
  const dateOnly = /^(\d{4})[-:](\d{2})[-:](\d{2})/.exec(embedded.dateCreated ?? '');
  if (dateOnly) {
    const at = new Date(Date.UTC(Number(dateOnly[1]), Number(dateOnly[2]) - 1, Number(dateOnly[3]), 12));
    // Noon of the named day, give or take the day itself and any time zone.
    if (!Number.isNaN(at.getTime())) return { at, slack: 12 * 3600_000 + UNKNOWN_OFFSET_SLACK_MS, tag: tagOf(embedded, 'dateCreated'), value: embedded.dateCreated! };
  }
  return undefined;
}

function captureFindings(embedded: NormalisedMetadata, claimed: Date | undefined): Finding[] {
  if (!claimed || Number.isNaN(claimed.getTime())) return [];
  const capture = captureOf(embedded);
  if (!capture) return [];
  const evidence: FindingEvidence[] = [{ tag: capture.tag, value: capture.value }, { tag: 'declared.claimedDate', value: claimed.toISOString() }];
  const difference = capture.at.getTime() - claimed.getTime();
  if (difference > capture.slack) {
    return [finding('capture.date_after_claim', 'warning', `The file says it was taken on ${moment(capture.at)}, after the claimed date of the event or first posting (${moment(claimed)}).`, evidence)];
  }
  if (-difference > capture.slack + WELL_BEFORE_MS) {
    const days = Math.floor(-difference / 86_400_000);
    return [finding('capture.date_well_before_claim', 'notice', `The file says it was taken on ${day(capture.at)}, ${days} days before the claimed date (${day(claimed)}): it may be an older picture.`, evidence)];
  }
  return [finding('capture.date_consistent_with_claim', 'info', `The capture date in the file (${day(capture.at)}) fits the claimed date (${day(claimed)}).`, evidence)];
}

const VALIDATION_WORDS: Record<string, string> = {
  valid: 'the signature is valid',
  untrusted: 'the signature is intact, but its certificate is not on the C2PA trust list',
  invalid: 'the credentials do not validate',
  unknown: 'they could not be validated here',
};

function c2paFindings(input: ProvenanceInput): Finding[] {
  const c2pa = input.c2pa;
  const out: Finding[] = [];
  if (c2pa?.present) {
    const parts: string[] = [];
    if (c2pa.claimGenerator) parts.push(`made with ${c2pa.claimGenerator}`);
    if (c2pa.signer) parts.push(`signed by ${c2pa.signer}`);
    if (c2pa.actions?.length) parts.push(`recorded actions: ${c2pa.actions.map((a) => a.replace(/^c2pa\./, '').replace(/_/g, ' ')).join(', ')}`);
    const state = c2pa.validationState ?? 'unknown';
    const detail = c2pa.reader === 'jumbf-scan' ? 'their contents were not read' : VALIDATION_WORDS[state];
    const evidence: FindingEvidence[] = [];
    if (c2pa.claimGenerator) evidence.push({ tag: 'C2PA claim_generator', value: c2pa.claimGenerator });
    if (c2pa.signer) evidence.push({ tag: 'C2PA signature issuer', value: c2pa.signer });
    if (c2pa.actions?.length) evidence.push({ tag: 'C2PA c2pa.actions', value: c2pa.actions.join(', ') });
    evidence.push({ tag: 'C2PA validation state', value: state });
    out.push(finding('c2pa.present', 'info', `The file carries Content Credentials (C2PA)${parts.length ? `, ${parts.join('; ')}` : ''}; ${detail}.`, evidence));
    const errors = (c2pa.validationErrors ?? []).map((code) => ({ tag: 'C2PA validation status', value: code }));
    if (state === 'invalid') {
      const tampered = c2pa.validationErrors?.some((code) => /^assertion\.(?:dataHash|boxesHash|bmffHash)\.mismatch$/.test(code));
      // The failed checks in words (c2pa-words.ts), also for records read before the words were stored.
      const words = (c2pa.failedChecks ?? (c2pa.validationErrors ?? []).map((code) => ({ code, words: failedCheckWords(code) })))
        .filter((check) => check.code !== 'signingCredential.untrusted' && !/^assertion\.(?:dataHash|boxesHash|bmffHash)\.mismatch$/.test(check.code))
        .map((check) => check.words);
      const reasons = [...(tampered ? ['the picture was changed after it was signed'] : []), ...words];
      out.push(finding('c2pa.invalid', 'warning', `The Content Credentials do not validate${reasons.length ? `: ${reasons.join('; ')}` : ''}.`, errors));
    } else if (state === 'untrusted') {
      out.push(
        finding(
          'c2pa.untrusted',
          'notice',
          `The Content Credentials are intact, but the signer${c2pa.signer ? ` (${c2pa.signer})` : ''} is not on the C2PA trust list${c2pa.trustList === 'configured' ? '' : ' (none is configured here)'}: the signature holds, but who signed is unknown.`,
          errors,
        ),
      );
    }
  }
  const remote = c2pa?.remoteManifestUrl ?? input.embedded?.remoteManifestUrl;
  if (remote) {
    const fetched = c2pa?.remoteFetched ? 'the archive fetched and validated them' : 'the archive did not fetch them (only with C2PA_FETCH_REMOTE=true)';
    out.push(finding('c2pa.remote_manifest', 'notice', `The file points to Content Credentials held online (${remote}); ${fetched}.`, [{ tag: 'XMP dcterms:provenance', value: remote }]));
  }
  return out;
}

type Relation = 'same' | 'different' | 'unknown';

/** Whether two credits name the same supplier, compared part by part. */
export function compareCredits(a: string | undefined, b: string | undefined): Relation {
  if (!a?.trim() || !b?.trim()) return 'unknown';
  if (normaliseName(a) === normaliseName(b)) return 'same';
  const x = parseCredit(a);
  const y = parseCredit(b);
  const agree = (p?: string, q?: string) => (!p || !q ? p === q : namesMatch(p, q).match);
  if (x.kind === 'unknown' || y.kind === 'unknown') {
    // Without structure, only a whole-name match counts: a shared "/AFP" must not make two credits one.
    const result = namesMatch(a, b);
    return result.match && result.reason !== 'part' ? 'same' : 'different';
  }
  if (x.kind !== y.kind) return 'different';
  switch (x.kind) {
    case 'platform_post':
      return x.platformId === y.platformId && (!x.account || !y.account || namesMatch(x.account.replace(/^@/, ''), y.account.replace(/^@/, '')).match) ? 'same' : 'different';
    case 'photographer':
      return agree(x.photographer, y.photographer) ? 'same' : 'different';
    case 'agency':
      return agree(x.agency, y.agency) ? 'same' : 'different';
    case 'official_handout':
      return !x.organisation || !y.organisation || agree(x.organisation, y.organisation) ? 'same' : 'different';
    default:
      return 'different';
  }
}

function urlKey(url: string): string | undefined {
  const host = hostOf(url);
  if (!host) return url.trim().toLowerCase() || undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url.trim()) ? url.trim() : `https://${url.trim()}`;
  const path = new URL(withScheme).pathname.replace(/\/+$/, '');
  return `${host.replace(/^(?:www|m|mobile)\./, '')}${path}`;
}

export function compareSources(a: string | undefined, b: string | undefined): Relation {
  const x = a ? urlKey(a) : undefined;
  const y = b ? urlKey(b) : undefined;
  if (!x || !y) return 'unknown';
  return x === y ? 'same' : 'different';
}

function duplicateFindings(input: ProvenanceInput): Finding[] {
  const groups = new Map<FindingCode, ProvenanceMatch[]>();
  const add = (code: FindingCode, match: ProvenanceMatch) => groups.set(code, [...(groups.get(code) ?? []), match]);
  const claimed = input.declared.claimedDate;
  const earlier: ProvenanceMatch[] = [];
  for (const match of input.matches ?? []) {
    const prefix = match.kind === 'exact' ? 'duplicate.same_file' : 'duplicate.near';
    if (compareCredits(input.declared.credit, match.credit) === 'different') add(`${prefix}_other_credit` as FindingCode, match);
    else if (compareSources(input.declared.sourceUrl, match.sourceUrl) === 'different') add(`${prefix}_other_source` as FindingCode, match);
    else add(`${prefix}_same_credit` as FindingCode, match);
    if (claimed && match.createdAt.getTime() < claimed.getTime()) earlier.push(match);
  }

  const evidenceOf = (matches: ProvenanceMatch[], field: 'credit' | 'sourceUrl' | 'createdAt') =>
    matches.map((m) => ({
      imageId: m.imageId,
      distance: m.distance,
      tag: field,
      value: field === 'createdAt' ? m.createdAt.toISOString() : (m[field] ?? undefined),
    }));
  const picture = (code: FindingCode) => (code.startsWith('duplicate.same_file') ? 'The same file' : 'A near-identical picture');
  const quoted = (values: Array<string | undefined>) => listing([...new Set(values.filter((v): v is string => Boolean(v)))].map(quote));

  const out: Finding[] = [];
  const severities: Partial<Record<FindingCode, Finding['severity']>> = {
    'duplicate.same_file_other_credit': 'warning',
    'duplicate.near_other_credit': 'warning',
    'duplicate.same_file_other_source': 'notice',
    'duplicate.near_other_source': 'notice',
    'duplicate.same_file_same_credit': 'info',
    'duplicate.near_same_credit': 'info',
  };
  for (const [code, matches] of groups) {
    const n = matches.length;
    const times = n === 1 ? 'once' : `${n} times`;
    let message: string;
    if (code.endsWith('other_credit')) message = `${picture(code)} is already held under another credit: ${quoted(matches.map((m) => m.credit))}.`;
    else if (code.endsWith('other_source')) message = `${picture(code)} is already held with another source: ${quoted(matches.map((m) => m.sourceUrl))}.`;
    else message = `${picture(code)} is already held ${times}${input.declared.credit ? ' under the same credit' : ''}.`;
    out.push(finding(code, severities[code] ?? 'info', message, evidenceOf(matches, code.endsWith('other_source') ? 'sourceUrl' : 'credit')));
  }
  if (earlier.length && claimed) {
    const first = earlier.reduce((a, b) => (b.createdAt < a.createdAt ? b : a));
    out.push(
      finding(
        'duplicate.held_earlier',
        'warning',
        `The archive already held this picture on ${day(first.createdAt)}, before the date the source claims (${day(claimed)}).`,
        evidenceOf(earlier, 'createdAt'),
      ),
    );
  }
  return out;
}

const SEVERITY_ORDER: Record<Finding['severity'], number> = { warning: 0, notice: 1, info: 2 };

/** The provenance report for one record, most serious findings first. */
export function computeFindings(input: ProvenanceInput): Finding[] {
  const credit = input.declared.credit?.trim() || undefined;
  const parsed = credit ? parseCredit(credit) : undefined;
  const findings: Finding[] = [
    ...creditFindings(credit, parsed, input.embedded),
    ...sourceFindings(credit, parsed, input.declared.sourceUrl),
    ...(input.embedded ? fileFindings(input.embedded, input.software ?? [], input.c2pa?.digitalSourceTypes ?? []) : []),
    ...(input.embedded ? captureFindings(input.embedded, input.declared.claimedDate) : []),
    ...c2paFindings(input),
    ...forensicFindings(input),
    ...duplicateFindings(input),
  ];
  // Stable sort: within a severity the order above (credit, source, file, capture, C2PA, duplicates) stays.
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** Which finding codes give a gallery card its badge; the first rule with a finding present wins. */
export const BADGE_RULES: ReadonlyArray<{ badge: ProvenanceBadge; codes: readonly FindingCode[] }> = [
  { badge: 'differs', codes: ['credit.differs_from_metadata', 'source.host_differs_from_platform'] },
  // Broken Content Credentials say nothing about the credit, so they have a badge of their own.
  { badge: 'credentials_invalid', codes: ['c2pa.invalid'] },
  { badge: 'held_elsewhere', codes: ['duplicate.same_file_other_credit', 'duplicate.near_other_credit', 'duplicate.held_earlier'] },
  { badge: 'confirmed', codes: ['credit.matches_metadata'] },
  { badge: 'no_metadata', codes: ['file.no_camera_metadata'] },
];

export function overallBadge(findings: readonly Pick<Finding, 'code'>[]): ProvenanceBadge {
  const codes = new Set(findings.map((f) => f.code));
  return BADGE_RULES.find((rule) => rule.codes.some((code) => codes.has(code)))?.badge ?? 'neutral';
}
