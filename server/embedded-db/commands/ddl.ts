/** create, drop, dropDatabase, renameCollection, listCollections, createIndexes, listIndexes, dropIndexes. */
import { UUID, type Document } from 'bson';
import { Query } from 'mingo';
import { MongoCommandError } from '../errors';
import { numericValue } from '../key-encoding';
import { isDocument } from '../paths';
import { promote } from '../promote';
import { newUuidBinary, type CollectionInfo } from '../storage';
import { collectionName, optionalDocument, optionalNonNegative, validateDbName, type CommandContext, type CommandDef } from './context';

const ID_INDEX = { v: 2, key: { _id: 1 }, name: '_id_' };
const UNSUPPORTED_CREATE_OPTIONS = ['capped', 'timeseries', 'viewOn', 'pipeline', 'validator', 'clusteredIndex', 'changeStreamPreAndPostImages', 'encryptedFields', 'collation'];
const ALLOWED_INDEX_OPTIONS = new Set(['key', 'name', 'unique', 'sparse', 'partialFilterExpression', 'background', 'v', 'expireAfterSeconds', 'hidden', 'ns']);

function create(cmd: Document, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'create');
  for (const opt of UNSUPPORTED_CREATE_OPTIONS) {
    if (cmd[opt] !== undefined && cmd[opt] !== false) throw new MongoCommandError('NotImplemented', `collection option '${opt}' is not supported by the embedded server`);
  }
  if (ctx.storage.getCollection(ctx.db, name)) throw new MongoCommandError('NamespaceExists', `Collection ${ctx.db}.${name} already exists.`);
  ctx.storage.createCollection(ctx.db, name, {});
  return { ok: 1 };
}

function drop(cmd: Document, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'drop');
  const coll = ctx.storage.getCollection(ctx.db, name);
  // Since MongoDB 7.0 dropping a missing collection succeeds.
  if (!coll) return { ok: 1 };
  const nIndexesWas = coll.indexes.length + 1;
  ctx.storage.dropCollection(coll);
  return { nIndexesWas, ns: `${ctx.db}.${name}`, ok: 1 };
}

function dropDatabase(_cmd: Document, ctx: CommandContext): Document {
  for (const coll of ctx.storage.listCollections(ctx.db)) ctx.storage.dropCollection(coll);
  return { dropped: ctx.db, ok: 1 };
}

function renameCollection(cmd: Document, ctx: CommandContext): Document {
  if (ctx.db !== 'admin') throw new MongoCommandError('Unauthorized', 'renameCollection may only be run against the admin database.');
  const parse = (ns: unknown): [string, string] => {
    if (typeof ns !== 'string' || !ns.includes('.')) throw new MongoCommandError('InvalidNamespace', `Invalid namespace specified '${String(ns)}'`);
    const dot = ns.indexOf('.');
    const db = validateDbName(ns.slice(0, dot));
    return [db, collectionName({ c: ns.slice(dot + 1) }, 'c')];
  };
  const [fromDb, fromName] = parse(cmd.renameCollection);
  const [toDb, toName] = parse(cmd.to);
  const source = ctx.storage.getCollection(fromDb, fromName);
  if (!source) throw new MongoCommandError('NamespaceNotFound', 'source namespace does not exist');
  const target = ctx.storage.getCollection(toDb, toName);
  if (target) {
    if (cmd.dropTarget !== true) throw new MongoCommandError('NamespaceExists', 'target namespace exists');
    ctx.storage.dropCollection(target);
  }
  ctx.storage.renameCollection(source, toDb, toName);
  return { ok: 1 };
}

function collectionEntry(c: CollectionInfo): Document {
  return { name: c.name, type: 'collection', options: c.options, info: { readOnly: false, uuid: newUuidBinary(c.uuid) }, idIndex: ID_INDEX };
}

function listCollections(cmd: Document, ctx: CommandContext): Document {
  const filter = optionalDocument(cmd, 'filter');
  let entries = ctx.storage.listCollections(ctx.db).map(collectionEntry);
  if (filter && Object.keys(filter).length) {
    const q = new Query(promote(filter) as Document);
    entries = entries.filter((e) => q.test(e));
  }
  if (cmd.nameOnly === true) entries = entries.map((e) => ({ name: e.name, type: e.type }));
  const batchSize = isDocument(cmd.cursor) ? optionalNonNegative(cmd.cursor, 'batchSize') : undefined;
  let i = 0;
  return ctx.cursors.open(`${ctx.db}.$cmd.listCollections`, { next: () => (i < entries.length ? { doc: entries[i++] } : undefined) }, { batchSize });
}

function normalizeKey(key: unknown): Document {
  if (!isDocument(key) || Object.keys(key).length === 0) throw new MongoCommandError('CannotCreateIndex', 'index key pattern must be a non-empty object');
  const out: Document = {};
  for (const [field, dir] of Object.entries(key)) {
    if (typeof dir === 'string') {
      throw new MongoCommandError('CannotCreateIndex', `index type '${dir}' is not supported by the embedded server (only ascending/descending B-tree indexes)`);
    }
    const n = numericValue(dir);
    if (n === undefined || n === 0 || Number.isNaN(n)) throw new MongoCommandError('CannotCreateIndex', `Values in the index key pattern can't be 0 or non-numeric: ${field}`);
    if (field.length === 0 || field.startsWith('$') || field.split('.').some((p) => p.length === 0)) throw new MongoCommandError('CannotCreateIndex', `invalid index field name '${field}'`);
    out[field] = n < 0 ? -1 : 1;
  }
  return out;
}

export function defaultIndexName(key: Document): string {
  return Object.entries(key).map(([f, d]) => `${f}_${String(d)}`).join('_');
}

function sameKey(a: Document, b: Document): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function createIndexes(cmd: Document, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'createIndexes');
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) throw new MongoCommandError('BadValue', "Must specify at least one index to create");
  const { coll, created } = ctx.storage.ensureCollection(ctx.db, name);
  const before = coll.indexes.length + 1;
  let note: string | undefined;
  for (const raw of cmd.indexes as unknown[]) {
    if (!isDocument(raw)) throw new MongoCommandError('TypeMismatch', 'index specification must be an object');
    for (const opt of Object.keys(raw)) {
      if (opt === 'collation') throw new MongoCommandError('NotImplemented', 'index collation is not supported by the embedded server');
      if (!ALLOWED_INDEX_OPTIONS.has(opt)) throw new MongoCommandError('InvalidOptions', `The field '${opt}' is not valid for an index specification`);
    }
    const key = normalizeKey(raw.key);
    const indexName = typeof raw.name === 'string' && raw.name.length ? raw.name : defaultIndexName(key);
    const spec: Document = { v: 2, key, name: indexName };
    if (raw.unique === true) spec.unique = true;
    if (raw.sparse === true) spec.sparse = true;
    if (raw.partialFilterExpression !== undefined) {
      if (!isDocument(raw.partialFilterExpression)) throw new MongoCommandError('TypeMismatch', 'partialFilterExpression must be an object');
      spec.partialFilterExpression = raw.partialFilterExpression;
    }
    if (raw.expireAfterSeconds !== undefined) {
      const s = numericValue(raw.expireAfterSeconds);
      if (s === undefined || s < 0) throw new MongoCommandError('CannotCreateIndex', 'expireAfterSeconds must be a non-negative number');
      spec.expireAfterSeconds = Math.floor(s);
    }
    if (raw.hidden === true) spec.hidden = true;
    const isId = sameKey(key, { _id: 1 });
    if (isId || indexName === '_id_') {
      if (!isId || indexName !== '_id_' || raw.unique === false) {
        throw new MongoCommandError('IndexOptionsConflict', `Index with name: ${indexName} conflicts with the _id index`);
      }
      note = 'all indexes already exist';
      continue;
    }
    const byName = coll.indexes.find((i) => i.name === indexName);
    if (byName) {
      if (!sameKey(byName.spec.key as Document, key)) {
        throw new MongoCommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName.spec)}`);
      }
      if (!sameOptions(byName.spec, spec)) {
        throw new MongoCommandError('IndexOptionsConflict', `An index with the same key pattern and name but different options exists: ${indexName}`);
      }
      note = 'all indexes already exist';
      continue;
    }
    const byKey = coll.indexes.find((i) => sameKey(i.spec.key as Document, key) && sameOptions(i.spec, spec));
    if (byKey) {
      throw new MongoCommandError('IndexOptionsConflict', `Index already exists with a different name: ${byKey.name}`);
    }
    ctx.storage.createIndex(coll, spec);
  }
  const res: Document = { numIndexesBefore: before, numIndexesAfter: coll.indexes.length + 1, createdCollectionAutomatically: created, ok: 1 };
  if (note && res.numIndexesAfter === before) res.note = note;
  return res;
}

function sameOptions(a: Document, b: Document): boolean {
  const pick = (s: Document) => JSON.stringify([s.unique === true, s.sparse === true, s.partialFilterExpression ?? null, s.expireAfterSeconds ?? null]);
  return pick(a) === pick(b);
}

function listIndexes(cmd: Document, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'listIndexes');
  const coll = ctx.storage.getCollection(ctx.db, name);
  if (!coll) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  const entries = [ID_INDEX, ...coll.indexes.map((i) => i.spec)];
  const batchSize = isDocument(cmd.cursor) ? optionalNonNegative(cmd.cursor, 'batchSize') : undefined;
  let i = 0;
  return ctx.cursors.open(`${ctx.db}.$cmd.listIndexes.${name}`, { next: () => (i < entries.length ? { doc: entries[i++] } : undefined) }, { batchSize });
}

function dropIndexes(cmd: Document, ctx: CommandContext): Document {
  const name = collectionName(cmd, Object.keys(cmd)[0]);
  const coll = ctx.storage.getCollection(ctx.db, name);
  if (!coll) throw new MongoCommandError('NamespaceNotFound', `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.length + 1;
  const target = cmd.index;
  const names: string[] = [];
  if (target === '*') {
    names.push(...coll.indexes.map((i) => i.name));
  } else if (typeof target === 'string') {
    names.push(target);
  } else if (Array.isArray(target)) {
    names.push(...target.map(String));
  } else if (isDocument(target)) {
    const key = normalizeKey(target);
    const found = coll.indexes.find((i) => sameKey(i.spec.key as Document, key));
    if (!found) {
      if (sameKey(key, { _id: 1 })) throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
      throw new MongoCommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(target)}`);
    }
    names.push(found.name);
  } else {
    throw new MongoCommandError('TypeMismatch', "BSON field 'index' must be a string, array or object");
  }
  for (const n of names) {
    if (n === '_id_') throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
    const ix = coll.indexes.find((i) => i.name === n);
    if (!ix) throw new MongoCommandError('IndexNotFound', `index not found with name [${n}]`);
    ctx.storage.dropIndex(coll, ix);
  }
  return { nIndexesWas, ok: 1 };
}

export const ddlCommands: Record<string, CommandDef> = {
  create: { handler: create, write: true },
  drop: { handler: drop, write: true },
  dropDatabase: { handler: dropDatabase, write: true },
  renameCollection: { handler: renameCollection, write: true },
  listCollections: { handler: listCollections },
  createIndexes: { handler: createIndexes, write: true },
  listIndexes: { handler: listIndexes },
  dropIndexes: { handler: dropIndexes, write: true },
  deleteIndexes: { handler: dropIndexes, write: true },
};

export { UUID };
