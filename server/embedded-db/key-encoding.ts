/**
 * Order-preserving binary encoding of BSON values: memcmp order of the encodings (what SQLite uses
 * for BLOB comparison) follows MongoDB's comparison order, type bracket first:
 * MinKey < null/missing < numbers < strings < objects < arrays < binData < ObjectId < bool < date
 * < timestamp < regex < MaxKey.
 *
 * Every encoding is prefix-free (strings are escaped and terminated, binData is length-prefixed),
 * so a compound key is just the concatenation of its parts, and a descending part is the bitwise
 * inverse of its ascending encoding.
 *
 * Numbers of every BSON type are encoded by their exact value as a decimal (sign, exponent, digit
 * pairs), so 1 (int32), 1.0, 1n (Long) and Decimal128 "1.00" are the same key, as they compare
 * equal in MongoDB, while 2^53 and 2^53 + 1 (Longs) or 0.1 (double) and 0.1 (Decimal128) stay
 * apart and in order. Format version 2 (version 1 keyed every number as a double); see
 * KEY_FORMAT_VERSION and the migration in storage.ts.
 */
import { Binary, BSONRegExp, BSONSymbol, Code, MaxKey, MinKey, ObjectId, Timestamp, DBRef, UUID } from 'bson';
import { exactNumber, toDouble } from './numbers';

/** Bumped whenever an encoding changes; stored data folders are re-keyed on open. */
export const KEY_FORMAT_VERSION = 2;

export const TAG = {
  minKey: 0x01,
  emptyArray: 0x04,
  null: 0x05,
  number: 0x10,
  string: 0x14,
  object: 0x18,
  array: 0x1c,
  binary: 0x20,
  objectId: 0x24,
  boolean: 0x28,
  date: 0x2c,
  timestamp: 0x30,
  regex: 0x34,
  code: 0x38,
  maxKey: 0x3c,
} as const;

class Writer {
  private parts: Buffer[] = [];
  byte(b: number): void {
    this.parts.push(Buffer.from([b]));
  }
  bytes(b: Buffer): void {
    this.parts.push(b);
  }
  escaped(s: string | Buffer): void {
    const raw = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    let start = 0;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === 0) {
        this.parts.push(raw.subarray(start, i), Buffer.from([0x00, 0xff]));
        start = i + 1;
      }
    }
    this.parts.push(raw.subarray(start), Buffer.from([0x00, 0x00]));
  }
  result(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Number classes in MongoDB's order: NaN below every other number, then -Infinity ... +Infinity. */
const NUM = { nan: 0x01, negInf: 0x02, negative: 0x03, zero: 0x04, positive: 0x05, posInf: 0x06 } as const;

function encodeNumber(w: Writer, v: unknown): void {
  const x = exactNumber(v)!;
  if (x.special === 'nan') return w.byte(NUM.nan);
  if (x.special === '-inf') return w.byte(NUM.negInf);
  if (x.special === '+inf') return w.byte(NUM.posInf);
  if (x.special === 'zero') return w.byte(NUM.zero);
  // value = 0.d1d2d3... * 10^exp: a larger exponent is a larger magnitude, then the digits decide.
  // Digits go two per byte (1..100), ended by 0 (a shorter digit string is the smaller magnitude);
  // for negatives every byte is mirrored so a larger magnitude sorts first.
  const digits = x.digits.length % 2 ? x.digits + '0' : x.digits;
  const out = Buffer.allocUnsafe(3 + digits.length / 2 + 1);
  out[0] = x.negative ? NUM.negative : NUM.positive;
  const exp = x.exp + 0x8000;
  out.writeUInt16BE(x.negative ? 0xffff - exp : exp, 1);
  let at = 3;
  for (let i = 0; i < digits.length; i += 2) {
    const pair = (digits.charCodeAt(i) - 48) * 10 + (digits.charCodeAt(i + 1) - 48);
    out[at++] = x.negative ? 100 - pair : pair + 1;
  }
  out[at] = x.negative ? 0xff : 0x00;
  w.bytes(out);
}

function encodeInt64(w: Writer, v: bigint): void {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, v + (1n << 63n)));
  w.bytes(b);
}

/** A number's value as a JS double (for index directions, sort specs and other small numbers). */
export function numericValue(v: unknown): number | undefined {
  return toDouble(v);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function encodeInto(w: Writer, v: unknown): void {
  if (v === undefined || v === null) return w.byte(TAG.null);
  if (toDouble(v) !== undefined) {
    w.byte(TAG.number);
    return encodeNumber(w, v);
  }
  if (typeof v === 'string') {
    w.byte(TAG.string);
    return w.escaped(v);
  }
  if (typeof v === 'boolean') {
    w.byte(TAG.boolean);
    return w.byte(v ? 1 : 0);
  }
  if (v instanceof Date) {
    w.byte(TAG.date);
    return encodeInt64(w, BigInt(Number.isNaN(v.getTime()) ? 0 : v.getTime()));
  }
  if (v instanceof ObjectId) {
    w.byte(TAG.objectId);
    return w.bytes(Buffer.from(v.id));
  }
  if (Array.isArray(v)) {
    w.byte(TAG.array);
    for (const item of v) encodeInto(w, item);
    return w.byte(0);
  }
  if (v instanceof Binary || v instanceof UUID || v instanceof Uint8Array) {
    const bin = v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(v.buffer.subarray(0, v.position));
    const subtype = v instanceof Uint8Array ? 0 : v.sub_type;
    w.byte(TAG.binary);
    const len = Buffer.alloc(5);
    len.writeUInt32BE(bin.length, 0);
    len[4] = subtype;
    w.bytes(len);
    return w.bytes(bin);
  }
  if (typeof v === 'object' && (v instanceof BSONSymbol)) {
    w.byte(TAG.string);
    return w.escaped(v.valueOf());
  }
  if (v instanceof Timestamp) {
    w.byte(TAG.timestamp);
    const b = Buffer.alloc(8);
    b.writeUInt32BE(v.t, 0);
    b.writeUInt32BE(v.i, 4);
    return w.bytes(b);
  }
  if (v instanceof RegExp || v instanceof BSONRegExp) {
    w.byte(TAG.regex);
    w.escaped(v instanceof RegExp ? v.source : v.pattern);
    return w.escaped(v instanceof RegExp ? v.flags : v.options);
  }
  if (v instanceof MinKey) return w.byte(TAG.minKey);
  if (v instanceof MaxKey) return w.byte(TAG.maxKey);
  if (v instanceof Code) {
    w.byte(TAG.code);
    return w.escaped(v.code);
  }
  if (v instanceof DBRef) return encodeInto(w, v.toJSON());
  if (typeof v === 'object' && isPlainObject(v)) {
    w.byte(TAG.object);
    for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
      if (value === undefined) continue;
      // MongoDB compares embedded documents field by field: type, then name, then value.
      const enc = encodeValue(value);
      w.byte(enc[0]);
      w.escaped(key);
      w.bytes(enc.subarray(1));
    }
    return w.byte(0);
  }
  // Unknown value kinds still need a stable position; put them with strings by their text.
  w.byte(TAG.string);
  w.escaped(String(v));
}

export function encodeValue(v: unknown): Buffer {
  const w = new Writer();
  encodeInto(w, v);
  return w.result();
}

export function encodeEmptyArray(): Buffer {
  return Buffer.from([TAG.emptyArray]);
}

export function invert(buf: Buffer): Buffer {
  const out = Buffer.allocUnsafe(buf.length);
  for (let i = 0; i < buf.length; i++) out[i] = ~buf[i] & 0xff;
  return out;
}

/** Smallest buffer greater than every buffer that starts with `prefix` (undefined = +infinity). */
export function prefixEnd(prefix: Buffer): Buffer | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const out = Buffer.from(prefix.subarray(0, end));
  out[end - 1]++;
  return out;
}

/** First byte after the type bracket of `v` (for range scans that must stay inside one type). */
export function typeBracket(v: unknown): { start: Buffer; end: Buffer } {
  const tag = encodeValue(v)[0];
  return { start: Buffer.from([tag]), end: Buffer.from([tag + 1]) };
}
