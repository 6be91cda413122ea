// Compares a printed credit with a name the file carries (XMP dc:creator, IPTC Credit, a copyright
// notice). The two are written by different hands, so the comparison forgives case, accents, word
// order ("DOE, JANE"), punctuation, copyright boilerplate and agency suffixes ("Jane Doe/AFP").

import { agencyByName } from './platforms';

export type NameMatchReason =
  | 'same' // identical after normalisation
  | 'word_order' // same words in another order ("Doe, Jane")
  | 'part' // one segment of each side agrees ("Jane Doe/AFP" and "Jane Doe")
  | 'same_agency' // both name the same agency by different spellings ("AP Photo", "Associated Press")
  | 'initials' // "J. Doe" and "Jane Doe"
  | 'spelling' // one letter apart per word ("Zelenskyy" and "Zelensky")
  | 'empty' // a side has nothing comparable
  | 'different';

export interface NameMatch {
  match: boolean;
  /** 1 for identical; 0.75 and above counts as a match. */
  score: number;
  reason: NameMatchReason;
  /** The two segments that agreed, normalised, when reason is not 'different' or 'empty'. */
  parts?: [string, string];
}

/** Scores at or above this count as the same name. */
export const NAME_MATCH_THRESHOLD = 0.75;

/** Case, accents, punctuation and copyright boilerplate removed; words kept in order. */
export function normaliseName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/©|\(c\)|\bcopyright\b|\ball rights reserved\b|\bphoto(?:graph)?s? by\b|^\s*(?:photo|credit|source)\s*:/g, ' ')
    .replace(/\b(?:1[89]|20)\d{2}\b/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

interface Part {
  text: string;
  full: boolean;
}

// The whole name plus each supplier segment. Commas split too, but the whole stays a candidate,
// so "DOE, JANE" still compares as a whole with "Jane Doe".
function partsOf(text: string): Part[] {
  const out: Part[] = [];
  const seen = new Set<string>();
  const add = (raw: string, full: boolean) => {
    const normal = normaliseName(raw);
    if (normal.replace(/\s/g, '').length < 2 || seen.has(normal)) return;
    seen.add(normal);
    out.push({ text: normal, full });
  };
  add(text, true);
  for (const segment of text.split(/\s*[/|,;]\s*|\s+via\s+|\s+for\s+|\s+[-–—]\s+/i)) add(segment, false);
  return out;
}

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

// Pairs every word of one side with a distinct word of the other that `close` accepts.
function wordsPair(a: string[], b: string[], close: (x: string, y: string) => boolean): boolean {
  if (a.length !== b.length) return false;
  const used = new Set<number>();
  // Exact words first, so a near-miss never takes a word that has an exact partner.
  const order = [...a].sort((x, y) => Number(b.includes(y)) - Number(b.includes(x)));
  for (const word of order) {
    let found = b.findIndex((other, i) => !used.has(i) && other === word);
    if (found < 0) found = b.findIndex((other, i) => !used.has(i) && close(word, other));
    if (found < 0) return false;
    used.add(found);
  }
  return true;
}

function compareParts(x: Part, y: Part): { score: number; reason: NameMatchReason } {
  const both = x.full && y.full;
  if (x.text === y.text) return both ? { score: 1, reason: 'same' } : { score: 0.9, reason: 'part' };
  const xw = x.text.split(' ');
  const yw = y.text.split(' ');
  if ([...xw].sort().join(' ') === [...yw].sort().join(' ')) return { score: both ? 0.95 : 0.85, reason: both ? 'word_order' : 'part' };
  const agencyX = agencyByName(x.text);
  if (agencyX && agencyX === agencyByName(y.text)) return { score: 0.9, reason: 'same_agency' };
  if (xw.length >= 2) {
    const hasFullWord = xw.some((w) => w.length > 1 && yw.includes(w));
    const initial = (p: string, q: string) => (p.length === 1 && q.startsWith(p)) || (q.length === 1 && p.startsWith(q));
    if (hasFullWord && wordsPair(xw, yw, initial)) return { score: 0.75, reason: 'initials' };
    const spelling = (p: string, q: string) => Math.min(p.length, q.length) >= 4 && levenshtein(p, q) <= (Math.min(p.length, q.length) >= 8 ? 2 : 1);
    if (wordsPair(xw, yw, spelling)) return { score: 0.8, reason: 'spelling' };
  }
  return { score: 0, reason: 'different' };
}

export function namesMatch(a: string, b: string): NameMatch {
  const left = partsOf(a);
  const right = partsOf(b);
  if (!left.length || !right.length) return { match: false, score: 0, reason: 'empty' };
  let best: NameMatch = { match: false, score: 0, reason: 'different' };
  for (const x of left) {
    for (const y of right) {
      const { score, reason } = compareParts(x, y);
      if (score > best.score) best = { match: score >= NAME_MATCH_THRESHOLD, score, reason, parts: [x.text, y.text] };
    }
  }
  return best;
}
