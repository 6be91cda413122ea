// Text that cannot deceive: what a person typed or pasted into a credit, caption or name, made into
// what it looks like. "Reu\u200Bters/\u202Eenaj\u202C Doe" shows as a Reuters credit but would not be
// parsed, matched or filtered as one. So before anything reads the text it is put in Unicode NFC and
// stripped of bidirectional controls and of invisible characters; line breaks are refused where a
// field is one line. Pure, so that any input schema (zod's transform) can call it.

/** Bidirectional embeddings, overrides, isolates and marks. */
const BIDI_CONTROLS = new Map<number, string>([
  [0x061c, 'ARABIC LETTER MARK'],
  [0x200e, 'LEFT-TO-RIGHT MARK'],
  [0x200f, 'RIGHT-TO-LEFT MARK'],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
  [0x202c, 'POP DIRECTIONAL FORMATTING'],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
]);

/** Characters that take no space and show nothing. */
const INVISIBLE = new Map<number, string>([
  [0x00ad, 'SOFT HYPHEN'],
  [0x034f, 'COMBINING GRAPHEME JOINER'],
  [0x180e, 'MONGOLIAN VOWEL SEPARATOR'],
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x2060, 'WORD JOINER'],
  [0x2061, 'FUNCTION APPLICATION'],
  [0x2062, 'INVISIBLE TIMES'],
  [0x2063, 'INVISIBLE SEPARATOR'],
  [0x2064, 'INVISIBLE PLUS'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE'],
]);

/**
 * The zero-width joiners do work in Arabic, Persian and the Indic scripts and in emoji sequences
 * (a Persian name can need U+200C); between Latin, Greek or Cyrillic letters, digits and punctuation
 * they only hide a change.
 */
const JOINERS = new Map<number, string>([
  [0x200c, 'ZERO WIDTH NON-JOINER'],
  [0x200d, 'ZERO WIDTH JOINER'],
]);

const LINE_BREAKS = new Map<number, string>([
  [0x000a, 'LINE FEED'],
  [0x000d, 'CARRIAGE RETURN'],
  [0x0085, 'NEXT LINE'],
  [0x2028, 'LINE SEPARATOR'],
  [0x2029, 'PARAGRAPH SEPARATOR'],
]);

/** C0/C1 controls other than tab and the line breaks: never text. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F]/g;

const JOINING_CONTEXT = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]|[^\P{L}\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]|[^\P{M}\p{Script=Inherited}]/u;

export interface TextOptions {
  /** A one-line field (a credit, a name, a headline): line breaks are refused. */
  singleLine: boolean;
}

export type NormalisedText =
  | {
      ok: true;
      /** NFC, without bidi controls or invisible characters; CRLF made LF in multi-line text. */
      text: string;
      /** The characters taken out, named once each, e.g. ["U+202E RIGHT-TO-LEFT OVERRIDE"]. */
      removed: string[];
    }
  | { ok: false; reason: string };

function label(codePoint: number, name: string): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')} ${name}`;
}

export function normaliseText(raw: string, options: TextOptions): NormalisedText {
  const nfc = raw.normalize('NFC').replace(CONTROL, '');
  const chars = Array.from(nfc);
  const removed = new Set<string>();
  const kept: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const codePoint = chars[i].codePointAt(0)!;
    const breakName = LINE_BREAKS.get(codePoint);
    if (breakName && options.singleLine) {
      return { ok: false, reason: `must be one line: it contains ${label(codePoint, breakName)}` };
    }
    const name = BIDI_CONTROLS.get(codePoint) ?? INVISIBLE.get(codePoint);
    if (name) {
      removed.add(label(codePoint, name));
      continue;
    }
    const joiner = JOINERS.get(codePoint);
    if (joiner && !(JOINING_CONTEXT.test(chars[i - 1] ?? '') || JOINING_CONTEXT.test(chars[i + 1] ?? ''))) {
      removed.add(label(codePoint, joiner));
      continue;
    }
    kept.push(chars[i]);
  }
  let text = kept.join('');
  if (!options.singleLine) text = text.replace(/\r\n?/g, '\n');
  return { ok: true, text, removed: [...removed] };
}
