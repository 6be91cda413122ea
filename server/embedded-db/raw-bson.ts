/**
 * Works on stored BSON bytes without decoding them: inclusion projections are cut out of the raw
 * document, and cursor replies splice raw documents into the reply. A gallery page of 48 cards
 * then costs no BSON deserialize/serialize round trip per document, which was most of its time.
 */
import { Double, Int32, Long, serialize, type Document } from 'bson';
import { isDocument } from './paths';

/** A document kept as the BSON bytes it will be sent as. */
export class RawDocument {
  constructor(readonly bytes: Buffer) {}
}

/** Inclusion tree: `true` keeps the whole value, a nested tree keeps parts of a sub-document. */
type Tree = Map<string, true | Tree>;

export interface RawProjection {
  tree: Tree;
  includeId: boolean;
}

function inclusionValue(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof Int32 || v instanceof Double) return v.valueOf() !== 0;
  if (v instanceof Long) return !v.isZero();
  return undefined;
}

/**
 * The raw form of a projection, or undefined when it needs the general (mingo) projection:
 * exclusions, operators ($slice, $elemMatch, $meta, expressions), positional paths, collisions.
 */
export function compileRawProjection(projection: Document): RawProjection | undefined {
  const tree: Tree = new Map();
  let includeId = true;
  let included = 0;
  for (const [path, value] of Object.entries(projection)) {
    const inc = inclusionValue(value);
    if (inc === undefined || path === '' || path.includes('$')) return undefined;
    if (path === '_id') {
      includeId = inc;
      continue;
    }
    if (!inc) return undefined;
    const parts = path.split('.');
    if (parts.some((p) => p === '')) return undefined;
    let node = tree;
    for (let i = 0; i < parts.length; i++) {
      const existing = node.get(parts[i]);
      if (i === parts.length - 1) {
        if (existing !== undefined) return undefined; // path collision: let mingo report it
        node.set(parts[i], true);
      } else {
        if (existing === true) return undefined;
        let next = existing;
        if (!next) {
          next = new Map();
          node.set(parts[i], next);
        }
        node = next;
      }
    }
    included++;
  }
  // `{_id: 0}` alone is an exclusion projection; `{}` is no projection (handled by the caller).
  if (included === 0 && !includeId) return undefined;
  if (tree.has('_id')) includeId = false; // '_id.x' governs what is kept of _id
  return { tree, includeId };
}

/** Byte length of the value of an element of BSON type `type` starting at `at`. */
function valueSize(buf: Buffer, type: number, at: number): number {
  switch (type) {
    case 0x01: case 0x09: case 0x11: case 0x12: return 8;
    case 0x02: case 0x0d: case 0x0e: return 4 + buf.readInt32LE(at);
    case 0x03: case 0x04: case 0x0f: return buf.readInt32LE(at);
    case 0x05: return 5 + buf.readInt32LE(at);
    case 0x06: case 0x0a: case 0x7f: case 0xff: return 0;
    case 0x07: return 12;
    case 0x08: return 1;
    case 0x0b: {
      const a = buf.indexOf(0, at);
      return buf.indexOf(0, a + 1) + 1 - at;
    }
    case 0x0c: return 4 + buf.readInt32LE(at) + 12;
    case 0x10: return 4;
    case 0x13: return 16;
    default: throw new Error(`unknown BSON type 0x${type.toString(16)}`);
  }
}

function wrapDocument(parts: Buffer[], bodyLength: number): Buffer {
  const out = Buffer.allocUnsafe(bodyLength + 5);
  out.writeInt32LE(bodyLength + 5, 0);
  let at = 4;
  for (const p of parts) at += p.copy(out, at);
  out[at] = 0;
  return out;
}

function projectDocument(buf: Buffer, start: number, tree: Tree, includeId: boolean): Buffer {
  const end = start + buf.readInt32LE(start) - 1;
  const parts: Buffer[] = [];
  let length = 0;
  let at = start + 4;
  while (at < end) {
    const type = buf[at];
    const nameEnd = buf.indexOf(0, at + 1);
    const valueAt = nameEnd + 1;
    const next = valueAt + valueSize(buf, type, valueAt);
    const name = buf.toString('utf8', at + 1, nameEnd);
    const rule = includeId && name === '_id' ? true : tree.get(name);
    if (rule === true) {
      parts.push(buf.subarray(at, next));
      length += next - at;
    } else if (rule !== undefined && (type === 0x03 || type === 0x04)) {
      const inner = type === 0x03 ? projectDocument(buf, valueAt, rule, false) : projectArray(buf, valueAt, rule);
      parts.push(buf.subarray(at, valueAt), inner);
      length += valueAt - at + inner.length;
    }
    at = next;
  }
  return wrapDocument(parts, length);
}

/** Dotted inclusion through an array keeps the projected sub-documents (and nested arrays) only. */
function projectArray(buf: Buffer, start: number, tree: Tree): Buffer {
  const end = start + buf.readInt32LE(start) - 1;
  const parts: Buffer[] = [];
  let length = 0;
  let index = 0;
  let at = start + 4;
  while (at < end) {
    const type = buf[at];
    const nameEnd = buf.indexOf(0, at + 1);
    const valueAt = nameEnd + 1;
    const next = valueAt + valueSize(buf, type, valueAt);
    if (type === 0x03 || type === 0x04) {
      const inner = type === 0x03 ? projectDocument(buf, valueAt, tree, false) : projectArray(buf, valueAt, tree);
      const head = Buffer.from(`\x00${index++}\x00`, 'latin1');
      head[0] = type;
      parts.push(head, inner);
      length += head.length + inner.length;
    }
    at = next;
  }
  return wrapDocument(parts, length);
}

export function projectRaw(bytes: Buffer, projection: RawProjection): Buffer {
  return projectDocument(bytes, 0, projection.tree, projection.includeId);
}

function toBytes(doc: Document | RawDocument): Buffer {
  if (doc instanceof RawDocument) return doc.bytes;
  const u8 = serialize(doc, { ignoreUndefined: true });
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

function encodeArray(items: Array<Document | RawDocument>): Buffer {
  const parts: Buffer[] = [];
  let length = 0;
  items.forEach((item, i) => {
    const head = Buffer.from(`\x03${i}\x00`, 'latin1');
    const body = toBytes(item);
    parts.push(head, body);
    length += head.length + body.length;
  });
  return wrapDocument(parts, length);
}

/**
 * Serializes a command reply. Cursor replies whose batch holds RawDocuments are assembled from the
 * raw bytes: the envelope is serialized with an empty batch, which is then replaced.
 */
export function serializeReply(reply: Document): Buffer {
  const cursor = reply.cursor;
  const key = isDocument(cursor) ? (Array.isArray(cursor.firstBatch) ? 'firstBatch' : Array.isArray(cursor.nextBatch) ? 'nextBatch' : undefined) : undefined;
  const batch = key ? ((cursor as Document)[key] as unknown[]) : undefined;
  if (!key || !batch || !batch.some((d) => d instanceof RawDocument)) return toBytes(reply);
  const envelope = toBytes({ ...reply, cursor: { ...(cursor as Document), [key]: [] } });
  const marker = Buffer.from(`\x04${key}\x00\x05\x00\x00\x00\x00`, 'latin1');
  const cursorAt = envelope.indexOf(Buffer.from('\x03cursor\x00', 'latin1'));
  const at = envelope.indexOf(marker, cursorAt);
  if (cursorAt < 0 || at < 0) throw new Error('cursor reply envelope not found');
  const array = encodeArray(batch as Array<Document | RawDocument>);
  const valueAt = at + key.length + 2;
  const out = Buffer.concat([envelope.subarray(0, valueAt), array, envelope.subarray(valueAt + 5)]);
  const delta = array.length - 5;
  out.writeInt32LE(envelope.readInt32LE(0) + delta, 0);
  const cursorLengthAt = cursorAt + '\x03cursor\x00'.length;
  out.writeInt32LE(envelope.readInt32LE(cursorLengthAt) + delta, cursorLengthAt);
  return out;
}
