/**
 * BSON values as the server holds them: documents are decoded with `promoteValues: false`, so
 * numbers keep their wire type (Int32, Double, Long, Decimal128 wrappers; plain JS numbers and
 * bigints appear only in values the server computes itself). This module names their types and
 * compares them in MongoDB's order, numbers exactly (a Long beyond 2^53 against a double, a
 * Decimal128 against either), without rounding through a double.
 */
import { Binary, BSONRegExp, BSONSymbol, Code, DBRef, MaxKey, MinKey, ObjectId, Timestamp, UUID } from 'bson';
import { encodeValue } from './key-encoding';

export { numberKind, isNumeric, exactNumber, toDouble, toBigIntExact, type NumberKind, type ExactNumber } from './numbers';
import { numberKind } from './numbers';

/** BSON type names as `$type` uses them, with their numeric codes. */
export const TYPE_CODES: Record<string, number> = {
  double: 1, string: 2, object: 3, array: 4, binData: 5, undefined: 6, objectId: 7, bool: 8, date: 9, null: 10,
  regex: 11, dbPointer: 12, javascript: 13, symbol: 14, javascriptWithScope: 15, int: 16, timestamp: 17, long: 18,
  decimal: 19, minKey: -1, maxKey: 127,
};

/** The BSON type name of a stored value (undefined for a missing one). */
export function bsonTypeName(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (v === null) return 'null';
  const kind = numberKind(v);
  if (kind) return kind;
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof ObjectId) return 'objectId';
  if (v instanceof Binary || v instanceof UUID || v instanceof Uint8Array) return 'binData';
  if (v instanceof RegExp || v instanceof BSONRegExp) return 'regex';
  if (v instanceof Timestamp) return 'timestamp';
  if (v instanceof MinKey) return 'minKey';
  if (v instanceof MaxKey) return 'maxKey';
  if (v instanceof Code) return v.scope ? 'javascriptWithScope' : 'javascript';
  if (v instanceof BSONSymbol) return 'symbol';
  if (v instanceof DBRef) return 'object';
  return 'object';
}

/** MongoDB's total order over BSON values (the key encoding is built to follow it). */
export function compareValues(a: unknown, b: unknown): number {
  return Buffer.compare(encodeValue(a), encodeValue(b));
}

/** MongoDB equality: numbers by value across types, everything else by type and content. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/** Canonical bracket for range comparisons: numbers compare with numbers, strings with strings... */
export function typeBracketOf(v: unknown): number {
  return encodeValue(v)[0];
}

export function binaryBytes(v: unknown): Buffer | undefined {
  if (v instanceof Binary || v instanceof UUID) return Buffer.from(v.buffer.subarray(0, v.position));
  if (v instanceof Uint8Array) return Buffer.from(v);
  return undefined;
}
