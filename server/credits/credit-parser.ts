// Reads the credit lines newsrooms print ("REUTERS/Gleb Garanich", "Telegram/Volodymyr Zelensky",
// "Office of the President of Ukraine") into structured parts. A credit is evidence as written:
// the parser never rejects one, and what it cannot read is classed 'unknown' with the raw text kept.

import { agencyByName, normaliseLookup, platformByName, platformForUrl, accountFromUrl, type PlatformInfo } from './platforms';

export type SupplierKind = 'agency' | 'photographer' | 'platform_post' | 'official_handout' | 'unknown';

export interface ParsedCredit {
  /** The credit exactly as given. */
  raw: string;
  kind: SupplierKind;
  /** Canonical agency name when known ("AP" for "AP Photo"), otherwise as written. */
  agency?: string;
  photographer?: string;
  /** Platform display name ("Telegram", "X"). */
  platform?: string;
  /** Platform id from PLATFORMS ("telegram", "x"). */
  platformId?: string;
  /** The account or channel as written: a display name ("Volodymyr Zelensky") or a handle ("@rybar"). */
  account?: string;
  /** Distributor after "via" ("Getty Images" in "AFP via Getty Images"). */
  via?: string;
  /** The office, ministry, unit or other body that handed the picture out. */
  organisation?: string;
  /** One tidy rendering of the parts, for display and grouping; absent when nothing was recognised. */
  normalised?: string;
}

type Keyword = 'handout' | 'supplied' | 'social' | 'screengrab' | 'ignore';

// Words a credit uses to say how the picture came, rather than who made it.
const KEYWORDS: ReadonlyMap<string, Keyword> = new Map<string, Keyword>([
  ['handout', 'handout'],
  ['handout photo', 'handout'],
  ['handout picture', 'handout'],
  ['courtesy', 'handout'],
  ['supplied', 'supplied'],
  ['supplied image', 'supplied'],
  ['supplied photo', 'supplied'],
  ['social media', 'social'],
  ['social media handout', 'social'],
  ['ugc', 'social'],
  ['user generated content', 'social'],
  ['screengrab', 'screengrab'],
  ['screen grab', 'screengrab'],
  ['screenshot', 'screengrab'],
  ['video grab', 'screengrab'],
  ['video still', 'screengrab'],
  ['still', 'screengrab'],
  ['pool', 'ignore'],
  ['pool photo', 'ignore'],
  ['file', 'ignore'],
  ['file photo', 'ignore'],
  ['str', 'ignore'],
  ['stringer', 'ignore'],
]);

// Names of public bodies: a credit naming one is an official handout unless it names a platform.
const ORGANISATION_WORDS = [
  'office', 'ministry', 'ministries', 'press service', 'press office', 'government', 'presidential', 'presidency',
  'armed forces', 'army', 'navy', 'air force', 'military', 'defence', 'defense', 'police', 'department',
  'administration', 'embassy', 'council', 'kremlin', 'white house', 'general staff', 'command', 'national guard',
  'emergency service', 'emergency services', 'security service', 'sbu', 'fsb', 'parliament', 'verkhovna rada',
  'municipality', 'city hall', 'governor', 'oblast', 'brigade', 'battalion', 'regiment', 'forces', 'authority',
  'commission', 'prosecutor', 'prosecutor general', 'state service', 'border guard', 'border service', 'nato',
  'united nations', 'unicef', 'red cross', 'mod', 'agency', 'directorate', 'intelligence',
];
const ORGANISATION_RE = new RegExp(`\\b(?:${ORGANISATION_WORDS.map((w) => w.replace(/ /g, '\\s+')).join('|')})\\b`, 'i');

// Words that make a capitalised phrase a company or title rather than a person's name.
const NOT_A_PERSON_WORDS = new Set([
  'the', 'news', 'newspaper', 'times', 'post', 'press', 'media', 'images', 'image', 'pictures', 'picture', 'photo',
  'photos', 'photography', 'studio', 'studios', 'tv', 'channel', 'group', 'ltd', 'inc', 'llc', 'company', 'daily',
  'magazine', 'network', 'service', 'agency', 'stock', 'wire', 'archive', 'library', 'collection', 'family',
  'handout', 'supplied', 'courtesy', 'staff', 'contributor', 'unknown', 'anonymous', 'all', 'rights', 'reserved',
]);
const NAME_PARTICLES = new Set(['de', 'van', 'von', 'da', 'al', 'bin', 'el', 'la', 'le', 'del', 'di', 'der', 'dos', 'du', 'ibn', 'ter', 'den']);

/** Whether a phrase reads as a person's name: two to five capitalised words, no company words, no digits. */
export function looksLikePersonName(text: string): boolean {
  const words = text.trim().split(/\s+/);
  if (words.length < 2 || words.length > 5) return false;
  let named = 0;
  for (const word of words) {
    const bare = word.replace(/[.,]$/, '');
    if (NOT_A_PERSON_WORDS.has(bare.toLowerCase())) return false;
    if (NAME_PARTICLES.has(bare.toLowerCase())) continue;
    // Letters with inner apostrophes, hyphens or initials' dots: "O'Neill", "Jean-Luc", "J."
    if (!/^\p{Lu}[\p{L}\p{M}'’.-]*$/u.test(bare)) return false;
    named += 1;
  }
  return named >= 2;
}

function tidy(text: string): string {
  return text.normalize('NFC').replace(/[\s\u00a0]+/g, ' ').trim();
}

interface Stripped {
  text: string;
  courtesy: boolean;
  supplied: boolean;
}

// Labels and notices around the supplier's name that say nothing about who supplied it.
function stripBoilerplate(input: string): Stripped {
  let text = input;
  let courtesy = false;
  let supplied = false;
  for (let guard = 0; guard < 8; guard += 1) {
    const before = text;
    text = text
      .replace(/^(?:photo(?:graph)?|pic(?:ture)?|image|credit|source|foto|photo\s+credit|picture\s+credit|image\s+credit)s?\s*[:：]\s*/i, '')
      .replace(/^(?:photo(?:graph)?|picture|image)s?\s+by\s+/i, '')
      .replace(/^(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\b)?[\s,:]*/i, '')
      .replace(/[,.;]?\s*all rights reserved\.?$/i, '')
      .replace(/\s*[.,;:]$/, '')
      .trim();
    const courtesyMatch = /^courtesy(?:\s+of)?\s*[:]?\s+(.+)$/i.exec(text) ?? /^(.+?)\s*[,(]\s*courtesy\)?$/i.exec(text);
    if (courtesyMatch?.[1]) {
      courtesy = true;
      text = courtesyMatch[1].trim();
    }
    const suppliedMatch = /^supplied\s+by\s+(.+)$/i.exec(text);
    if (suppliedMatch?.[1]) {
      supplied = true;
      text = suppliedMatch[1].trim();
    }
    if (text === before) break;
  }
  return { text, courtesy, supplied };
}

type Role = 'platform' | 'agency' | 'handle' | 'keyword' | 'organisation' | 'person' | 'other';

interface Token {
  text: string;
  role: Role;
  platform?: PlatformInfo;
  account?: string;
  agency?: string;
  keyword?: Keyword;
}

function agencyName(text: string): string | undefined {
  const direct = agencyByName(text);
  if (direct) return direct.name;
  // "Xinhua Photo", "Anadolu Images": the agency plus a word that only says it is a picture.
  const trimmed = text.replace(/\s+(?:photos?|pictures?|images?|wire|news|tv)$/i, '');
  return trimmed !== text ? agencyByName(trimmed)?.name : undefined;
}

function classify(text: string): Token {
  const key = normaliseLookup(text);
  if (/^@[\p{L}\p{N}_.]+$/u.test(text)) return { text, role: 'handle' };
  if (/^[\w-]+(\.[\w-]+)+(\/\S*)?$/.test(text) || /^https?:\/\//i.test(text)) {
    const platform = platformForUrl(text);
    if (platform) return { text, role: 'platform', platform, account: accountFromUrl(text) };
  }
  const platform = platformByName(text);
  if (platform) return { text, role: 'platform', platform };
  const keyword = KEYWORDS.get(key);
  if (keyword) return { text, role: 'keyword', keyword };
  const agency = agencyName(text);
  if (agency) return { text, role: 'agency', agency };
  if (ORGANISATION_RE.test(text)) return { text, role: 'organisation' };
  if (looksLikePersonName(text)) return { text, role: 'person' };
  return { text, role: 'other' };
}

// Splits the part before "via" into supplier tokens. Commas split only where a side is a known
// agency or platform, so "Doe, Jane" stays one name while "Jane Doe, Reuters" becomes two parts.
function tokenise(text: string): Token[] {
  const parts = text.split(/\s*[/|\\]\s*|\s+[-–—]\s+/).map((p) => p.trim()).filter(Boolean);
  const tokens: Token[] = [];
  for (const part of parts) {
    const commaParts = part.split(/\s*,\s*/).filter(Boolean);
    const known = commaParts.length > 1 && commaParts.some((p) => agencyName(p) || platformByName(p));
    for (const piece of known ? commaParts : [part]) tokens.push(classify(piece));
  }
  return tokens;
}

function first<T>(items: T[]): T | undefined {
  return items[0];
}

function render(parsed: ParsedCredit): string | undefined {
  const via = parsed.via ? ` via ${parsed.via}` : '';
  switch (parsed.kind) {
    case 'platform_post':
      return `${parsed.platform ?? 'Social media'}${parsed.account ? `/${parsed.account}` : ''}${via}`;
    case 'official_handout':
      return `${parsed.organisation ?? (/^\s*supplied/i.test(parsed.raw) ? 'Supplied' : 'Handout')}${parsed.agency ? `/${parsed.agency}` : ''}${via}`;
    case 'photographer':
      return `${parsed.photographer}${parsed.agency ? `/${parsed.agency}` : ''}${via}`;
    case 'agency':
      return `${parsed.agency}${via}`;
    case 'unknown':
      return undefined;
  }
}

export function parseCredit(raw: string): ParsedCredit {
  const result: ParsedCredit = { raw, kind: 'unknown' };
  const stripped = stripBoilerplate(tidy(raw));
  let main = stripped.text;
  if (!main) {
    return result;
  }

  const viaMatch = /^(.*?)\s+via\s+(.+)$/i.exec(main);
  if (viaMatch?.[1] && viaMatch[2]) {
    main = viaMatch[1].trim();
    result.via = agencyName(viaMatch[2].trim()) ?? platformByName(viaMatch[2].trim())?.name ?? viaMatch[2].trim();
  }

  // "Jane Doe for The New York Times": the commissioning title stands in for an agency. Only split
  // when the left side is a person or an agency, so "Office for National Statistics" stays whole.
  let commissionedBy: string | undefined;
  const forMatch = /^(.+?)\s+for\s+(.+)$/i.exec(main);
  if (forMatch?.[1] && forMatch[2] && (looksLikePersonName(forMatch[1]) || agencyName(forMatch[1]))) {
    main = forMatch[1].trim();
    commissionedBy = forMatch[2].trim();
  }

  const tokens = tokenise(main);
  const byRole = (role: Role) => tokens.filter((t) => t.role === role);
  const keywords = new Set(tokens.flatMap((t) => (t.keyword ? [t.keyword] : [])));
  const platformToken = first(byRole('platform'));
  const agencies = byRole('agency').map((t) => t.agency as string);
  const organisations = byRole('organisation');
  const people = byRole('person');
  const others = byRole('other');
  const handles = byRole('handle');

  if (agencies[0]) result.agency = agencies[0];
  if (agencies[1] && !result.via) result.via = agencies[1];

  if (platformToken?.platform || keywords.has('social')) {
    result.kind = 'platform_post';
    if (platformToken?.platform) {
      result.platform = platformToken.platform.name;
      result.platformId = platformToken.platform.id;
    }
    const accountToken = first(handles) ?? first(people) ?? first(organisations) ?? first(others);
    const account = accountToken?.text ?? platformToken?.account;
    if (account) result.account = account;
  } else if (keywords.has('handout') || keywords.has('supplied') || stripped.courtesy || stripped.supplied || organisations.length > 0) {
    result.kind = 'official_handout';
    const organisation = first(organisations) ?? ((stripped.courtesy || stripped.supplied) ? first(others) ?? first(people) : first(others));
    if (organisation) result.organisation = organisation.text;
    const person = first(people);
    if (person && person !== organisation) result.photographer = person.text;
  } else if (people.length > 0) {
    result.kind = 'photographer';
    result.photographer = people[0]!.text;
    if (!result.agency) {
      const agency = first(others)?.text ?? (commissionedBy ? agencyName(commissionedBy) ?? commissionedBy : undefined);
      if (agency) result.agency = agency;
    }
  } else if (agencies.length > 0) {
    result.kind = 'agency';
  } else if (others.length === 1 && result.via && !keywords.size) {
    // "Some Outlet via Getty Images": an unlisted supplier distributed by an agency.
    result.kind = 'agency';
    result.agency = others[0]!.text;
  }

  const normalised = render(result);
  if (normalised) result.normalised = normalised;
  return result;
}

// Parentheticals that end captions without being credits: positions, "(pictured)", "(file)", years, dates.
const NON_CREDIT_PARENTHETICALS = new Set([
  'left', 'right', 'centre', 'center', 'top', 'bottom', 'above', 'below', 'pictured', 'inset', 'front', 'back',
  'l', 'r', 'c', 'file', 'file photo', 'archive', 'top left', 'top right', 'bottom left', 'bottom right',
  'second left', 'second right', 'far left', 'far right', 'center left', 'centre left', 'center right', 'centre right',
  'front row', 'back row', 'main', 'main image', 'left to right', 'from left', 'l r', 'l to r',
]);

function looksLikeDateOrNumber(text: string): boolean {
  const key = normaliseLookup(text);
  return (
    /^[\d\s]+$/.test(key) ||
    /^(?:c|ca|circa|about)? ?\d{3,4}s?$/.test(key) ||
    /^\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{4}$/.test(key) ||
    /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{1,2}(?: \d{4})?$/.test(key) ||
    /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{4}$/.test(key) ||
    /^(?:aged? )?\d{1,3}$/.test(key)
  );
}

/**
 * Whether a trailing parenthetical of a printed caption is its credit. The house style puts the
 * credit last in parentheses, but captions also end with "(2024)", "(left)" or "(pictured)".
 * A parenthetical is taken as the credit when the parser recognises a supplier in it, or when it
 * has the shape of a credit (a slash, "via", ©, "Photo:").
 */
export function isLikelyCredit(text: string): boolean {
  const inner = tidy(text);
  if (inner.length < 2) return false;
  const key = normaliseLookup(inner);
  if (NON_CREDIT_PARENTHETICALS.has(key) || looksLikeDateOrNumber(inner)) return false;
  if (/^(?:pictured|seen|shown|left|right|centre|center|top|bottom)\b/i.test(inner)) return false;
  if (parseCredit(inner).kind !== 'unknown') return true;
  return /[/|]|\svia\s|©|\(c\)|^(?:photo|picture|image|credit|source)s?\s*[:]/i.test(inner);
}

/**
 * Splits a caption printed as one line with the credit in parentheses at the very end.
 * Only the last balanced parenthetical counts, and only when it reads as a credit; otherwise the
 * whole line is the caption and no credit is returned.
 */
export function splitPrintedLine(line: string): { caption: string; credit?: string } {
  const text = line.trim();
  // A full stop after the closing parenthesis is common in print: "... (Reuters)."
  const body = text.replace(/\)\s*\.$/, ')');
  if (!body.endsWith(')')) return { caption: text };
  let depth = 0;
  let open = -1;
  for (let i = body.length - 1; i >= 0; i -= 1) {
    const ch = body[i];
    if (ch === ')') depth += 1;
    else if (ch === '(') {
      depth -= 1;
      if (depth === 0) {
        open = i;
        break;
      }
    }
  }
  if (open < 0) return { caption: text };
  const inner = body.slice(open + 1, -1).trim();
  if (!isLikelyCredit(inner)) return { caption: text };
  const caption = body.slice(0, open).replace(/[\s,;:–—-]+$/, '').trim();
  return { caption, credit: inner };
}
