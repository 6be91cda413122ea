/**
 * Applies MongoDB update documents (operator updates, replacements, pipeline updates) using mingo,
 * with the bits mingo leaves to the server: $setOnInsert, upsert seeding from the query, and _id
 * immutability.
 */
import { ObjectId, serialize as bsonSerialize, type Document } from 'bson';
import { Aggregator, update as mingoUpdate } from 'mingo';
import { MongoCommandError } from './errors';
import { extractEqualities } from './filter-utils';
import { isDocument, setPath } from './paths';

const SUPPORTED_OPERATORS = new Set([
  '$set', '$unset', '$inc', '$push', '$pull', '$addToSet', '$setOnInsert', '$pop', '$pullAll',
  '$min', '$max', '$mul', '$rename', '$currentDate', '$bit',
]);

export type UpdateSpec = Document | Document[];

export function isOperatorUpdate(u: UpdateSpec): boolean {
  return !Array.isArray(u) && Object.keys(u).some((k) => k.startsWith('$'));
}

export function validateUpdate(u: unknown): UpdateSpec {
  if (Array.isArray(u)) {
    if (!u.every(isDocument)) throw new MongoCommandError('FailedToParse', 'Each element of the update pipeline must be an object');
    return u as Document[];
  }
  if (!isDocument(u)) throw new MongoCommandError('FailedToParse', 'Update argument must be either an object or an array');
  const keys = Object.keys(u);
  const ops = keys.filter((k) => k.startsWith('$'));
  if (ops.length > 0 && ops.length !== keys.length) {
    throw new MongoCommandError('FailedToParse', `Unknown modifier: ${keys.find((k) => !k.startsWith('$'))}. Expected a valid update modifier or pipeline-style update specified as an array`);
  }
  for (const op of ops) {
    if (!SUPPORTED_OPERATORS.has(op)) throw new MongoCommandError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    if (!isDocument(u[op])) throw new MongoCommandError('FailedToParse', `Modifiers operate on fields but we found type ${typeof u[op]} instead.`);
  }
  return u;
}

/**
 * Returns the updated document (a new object; `doc` is not modified) and whether it changed.
 * `isInsert` enables $setOnInsert, which only applies when an upsert inserts.
 */
export function applyUpdate(doc: Document, u: UpdateSpec, opts: { query?: Document; arrayFilters?: Document[]; isInsert?: boolean }): { doc: Document; changed: boolean } {
  const before = serialize(doc);
  let out: Document;
  if (Array.isArray(u)) {
    const res = new Aggregator(u, {}).run([structuredCloneDoc(doc)]);
    out = res[0] ?? {};
    if (doc._id !== undefined && out._id === undefined) out = { _id: doc._id, ...out };
  } else if (!isOperatorUpdate(u)) {
    if (u._id !== undefined && doc._id !== undefined && !sameValue(u._id, doc._id)) throw immutableId(doc);
    const { _id: _ignored, ...rest } = u;
    out = doc._id !== undefined ? { _id: doc._id, ...rest } : { ...u };
  } else {
    out = structuredCloneDoc(doc);
    const ops: Document = { ...u };
    if (ops.$setOnInsert) {
      if (opts.isInsert) ops.$set = { ...(ops.$set as Document | undefined), ...(ops.$setOnInsert as Document) };
      delete ops.$setOnInsert;
    }
    for (const key of Object.keys(ops)) {
      const fields: Document = { ...(ops[key] as Document) };
      for (const path of Object.keys(fields)) {
        if (path !== '_id' && !path.startsWith('_id.')) continue;
        // Setting _id to the value it already has is allowed; anything else would change it.
        if (key === '$set' && path === '_id' && sameValue(fields[path], doc._id)) delete fields[path];
        else throw immutableId(doc);
      }
      if (Object.keys(fields).length === 0) delete ops[key];
      else ops[key] = fields;
    }
    if (Object.keys(ops).length > 0) {
      try {
        mingoUpdate(out, ops, opts.arrayFilters, opts.query, { cloneMode: 'deep' });
      } catch (err) {
        throw new MongoCommandError('BadValue', (err as Error).message);
      }
    }
  }
  if (doc._id !== undefined && !sameValue(out._id, doc._id)) throw immutableId(doc);
  if (out._id !== undefined && Object.keys(out)[0] !== '_id') out = { _id: out._id, ...out };
  const after = serialize(out);
  return { doc: out, changed: !before.equals(after) };
}

/** The document an upsert starts from: equality fields of the query, then the update applied. */
export function buildUpsertDocument(query: Document, u: UpdateSpec, arrayFilters?: Document[]): Document {
  let seed: Document = {};
  if (isOperatorUpdate(u) || Array.isArray(u)) {
    for (const [path, value] of extractEqualities(query)) setPath(seed, path, value);
  }
  if (seed._id === undefined && !Array.isArray(u) && !isOperatorUpdate(u) && u._id !== undefined) seed._id = u._id;
  if (seed._id === undefined) seed = { _id: new ObjectId(), ...seed };
  const { doc } = applyUpdate(seed, u, { arrayFilters, isInsert: true });
  return doc;
}

function serialize(doc: Document): Buffer {
  const u8 = bsonSerialize(doc);
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

function immutableId(doc: Document): MongoCommandError {
  return new MongoCommandError('ImmutableField', `Performing an update on the path '_id' would modify the immutable field '_id'`, {
    errInfo: { _id: doc._id },
  });
}

function sameValue(a: unknown, b: unknown): boolean {
  return serialize({ v: a }).equals(serialize({ v: b }));
}

function structuredCloneDoc(doc: Document): Document {
  // BSON values (ObjectId, Binary, ...) are class instances that structuredClone would flatten.
  return deepCopy(doc) as Document;
}

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isDocument(v)) {
    const out: Document = {};
    for (const [k, val] of Object.entries(v)) out[k] = deepCopy(val);
    return out;
  }
  return v;
}
