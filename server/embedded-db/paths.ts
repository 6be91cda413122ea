/** Field-path helpers shared by index maintenance, planning and in-memory sorting. */
import type { Document } from 'bson';

export const MISSING: unique symbol = Symbol('missing');
export const EMPTY_ARRAY: unique symbol = Symbol('emptyArray');
export type PathValue = unknown | typeof MISSING | typeof EMPTY_ARRAY;

export function isDocument(v: unknown): v is Document {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Values a MongoDB index would extract for `path` from `doc`: arrays along the path fan out
 * (multikey), a missing field yields MISSING, an empty array yields EMPTY_ARRAY.
 */
export function valuesAtPath(doc: unknown, path: string): { values: PathValue[]; multikey: boolean } {
  const parts = path.split('.');
  const out: PathValue[] = [];
  const state = { multikey: false };
  collect(doc, parts, 0, out, state);
  if (out.length === 0) out.push(MISSING);
  return { values: out, multikey: state.multikey };
}

function collect(value: unknown, parts: string[], i: number, out: PathValue[], state: { multikey: boolean }): void {
  if (i === parts.length) {
    if (Array.isArray(value)) {
      state.multikey = true;
      if (value.length === 0) out.push(EMPTY_ARRAY);
      else for (const v of value) out.push(v);
    } else {
      out.push(value === undefined ? MISSING : value);
    }
    return;
  }
  if (Array.isArray(value)) {
    state.multikey = true;
    const part = parts[i];
    if (/^\d+$/.test(part)) {
      const idx = Number(part);
      if (idx < value.length) collect(value[idx], parts, i + 1, out, state);
      return;
    }
    let any = false;
    for (const el of value) {
      if (isDocument(el)) {
        collect(el, parts, i, out, state);
        any = true;
      }
    }
    if (!any) out.push(MISSING);
    return;
  }
  if (isDocument(value)) {
    const next = value[parts[i]];
    if (next === undefined) out.push(MISSING);
    else collect(next, parts, i + 1, out, state);
    return;
  }
  out.push(MISSING);
}

export function getPath(doc: Document, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (!isDocument(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Document = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (!isDocument(next)) cur[parts[i]] = {};
    cur = cur[parts[i]] as Document;
  }
  cur[parts[parts.length - 1]] = value;
}
