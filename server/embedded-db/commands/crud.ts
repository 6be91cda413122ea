/** insert, update, delete, findAndModify, find, getMore, killCursors, count, distinct. */
import { BSONRegExp, calculateObjectSize, ObjectId, type Document } from 'bson';
import { fromIterator, type DocSource } from '../cursors';
import { MongoCommandError } from '../errors';
import { encodeValue } from '../key-encoding';
import { EMPTY_ARRAY, isDocument, MISSING, valuesAtPath } from '../paths';
import { countMatches, findRows } from '../query';
import { compileProjection, expressionProjector } from '../projection';
import { compileRawProjection, projectRaw, RawDocument } from '../raw-bson';
import type { CollectionInfo, StoredRow } from '../storage';
import { applyUpdate, buildUpsertDocument, isOperatorUpdate, validateUpdate } from '../update';
import { MAX_BSON_OBJECT_SIZE } from '../wire';
import { collectionName, optionalDocument, optionalNonNegative, refuseCollation, toLong, type CommandContext, type CommandDef } from './context';

function documentArray(cmd: Document, field: string): Document[] {
  const v = cmd[field];
  if (!Array.isArray(v) || !v.every(isDocument)) {
    throw new MongoCommandError('TypeMismatch', `BSON field '${field}' must be an array of objects`);
  }
  return v as Document[];
}

function prepareForInsert(doc: Document): Document {
  for (const key of Object.keys(doc)) {
    if (key.startsWith('$')) throw new MongoCommandError('BadValue', `Document can't have $ prefixed field names: ${key}`);
  }
  let out = doc;
  if (out._id === undefined) out = { _id: new ObjectId(), ...out };
  else if (Object.keys(out)[0] !== '_id') {
    const { _id, ...rest } = out;
    out = { _id, ...rest };
  }
  if (Array.isArray(out._id)) throw new MongoCommandError('InvalidIdField', `The '_id' value cannot be of type array`);
  if (out._id instanceof RegExp || out._id instanceof BSONRegExp) throw new MongoCommandError('InvalidIdField', `The '_id' value cannot be of type regex`);
  const size = calculateObjectSize(out);
  if (size > MAX_BSON_OBJECT_SIZE) throw new MongoCommandError('BSONObjectTooLarge', `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_OBJECT_SIZE}`);
  return out;
}

/**
 * Runs each statement in its own savepoint so a failing statement leaves no trace, and follows
 * MongoDB's ordered semantics: statements before the first error stay applied, the rest are skipped.
 * The surrounding command transaction makes the whole command atomic with respect to crashes.
 */
function runStatements<T>(ctx: CommandContext, items: T[], ordered: boolean, fn: (item: T, index: number) => void): Document[] {
  const writeErrors: Document[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      ctx.storage.transaction(() => fn(items[i], i));
    } catch (err) {
      if (!(err instanceof MongoCommandError)) throw err;
      writeErrors.push(err.toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrors;
}

function withErrors(res: Document, writeErrors: Document[]): Document {
  if (writeErrors.length) res.writeErrors = writeErrors;
  res.ok = 1;
  return res;
}

function insert(cmd: Document, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'insert');
  const docs = documentArray(cmd, 'documents');
  const ordered = cmd.ordered !== false;
  const { coll } = ctx.storage.ensureCollection(ctx.db, name);
  let n = 0;
  const writeErrors = runStatements(ctx, docs, ordered, (doc) => {
    ctx.storage.insertDocument(coll, prepareForInsert(doc));
    n++;
  });
  return withErrors({ n }, writeErrors);
}

function firstRow(ctx: CommandContext, coll: CollectionInfo | undefined, filter: Document, sort?: Document, hint?: unknown): StoredRow | undefined {
  const it = findRows(ctx.storage, coll, { filter, sort, limit: 1, hint });
  const r = it.next();
  it.return(undefined);
  return r.done ? undefined : r.value;
}

function update(cmd: Document, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'update');
  const statements = documentArray(cmd, 'updates');
  const ordered = cmd.ordered !== false;
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors = runStatements(ctx, statements, ordered, (st, index) => {
    refuseCollation(st);
    const q = (st.q ?? {}) as Document;
    if (!isDocument(q)) throw new MongoCommandError('TypeMismatch', `BSON field 'q' must be an object`);
    const u = validateUpdate(st.u);
    const multi = st.multi === true;
    const upsert = st.upsert === true;
    const arrayFilters = Array.isArray(st.arrayFilters) ? (st.arrayFilters as Document[]) : undefined;
    if (multi && !Array.isArray(u) && !isOperatorUpdate(u)) {
      throw new MongoCommandError('FailedToParse', 'multi update is not supported for replacement-style update');
    }
    const coll = upsert ? ctx.storage.ensureCollection(ctx.db, name).coll : ctx.storage.getCollection(ctx.db, name);
    const rows = multi
      ? [...findRows(ctx.storage, coll, { filter: q, hint: st.hint })]
      : [firstRow(ctx, coll, q, st.sort as Document | undefined, st.hint)].filter((r): r is StoredRow => r !== undefined);
    let matched = 0;
    let modified = 0;
    for (const row of rows) {
      const res = applyUpdate(row.doc, u, { query: q, arrayFilters });
      matched++;
      if (res.changed) {
        ctx.storage.replaceDocument(coll!, row.rid, row.doc, checkSize(res.doc));
        modified++;
      }
    }
    if (rows.length === 0 && upsert) {
      const doc = checkSize(buildUpsertDocument(q, u, arrayFilters));
      ctx.storage.insertDocument(coll!, doc);
      upserted.push({ index, _id: doc._id });
      matched++;
    }
    n += matched;
    nModified += modified;
  });
  const res: Document = { n, nModified };
  if (upserted.length) res.upserted = upserted;
  return withErrors(res, writeErrors);
}

function checkSize(doc: Document): Document {
  const size = calculateObjectSize(doc);
  if (size > MAX_BSON_OBJECT_SIZE) throw new MongoCommandError('BSONObjectTooLarge', `Resulting document after update is larger than ${MAX_BSON_OBJECT_SIZE}`);
  return doc;
}

function del(cmd: Document, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'delete');
  const statements = documentArray(cmd, 'deletes');
  const ordered = cmd.ordered !== false;
  const coll = ctx.storage.getCollection(ctx.db, name);
  let n = 0;
  const writeErrors = runStatements(ctx, statements, ordered, (st) => {
    refuseCollation(st);
    const q = (st.q ?? {}) as Document;
    if (!isDocument(q)) throw new MongoCommandError('TypeMismatch', `BSON field 'q' must be an object`);
    const limit = Number(st.limit ?? 0);
    if (limit !== 0 && limit !== 1) throw new MongoCommandError('FailedToParse', `The limit field in delete objects must be 0 or 1. Got ${limit}`);
    if (!coll) return;
    const rows = [...findRows(ctx.storage, coll, { filter: q, limit: limit === 1 ? 1 : undefined, hint: st.hint })];
    for (const row of rows) ctx.storage.deleteDocument(coll, row.rid, row.doc);
    n += rows.length;
  });
  return withErrors({ n }, writeErrors);
}

function projectOne(doc: Document | null, projection: Document | undefined, filter: Document): Document | null {
  if (!doc || !projection || Object.keys(projection).length === 0) return doc;
  return projector(projection, filter)([doc])[0] ?? null;
}

function projector(projection: Document, filter: Document): (docs: Document[]) => Document[] {
  const one = compileProjection(projection, filter) ?? expressionProjector(projection);
  return (docs) => docs.map(one);
}

function findAndModify(cmd: Document, ctx: CommandContext): Document {
  const name = collectionName(cmd, Object.keys(cmd)[0]);
  refuseCollation(cmd);
  const query = optionalDocument(cmd, 'query') ?? {};
  const sort = optionalDocument(cmd, 'sort');
  const fields = optionalDocument(cmd, 'fields');
  const remove = cmd.remove === true;
  const upsert = cmd.upsert === true;
  const returnNew = cmd.new === true;
  const arrayFilters = Array.isArray(cmd.arrayFilters) ? (cmd.arrayFilters as Document[]) : undefined;
  if (remove && cmd.update !== undefined) throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!remove && cmd.update === undefined) throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');
  if (remove && (upsert || returnNew)) throw new MongoCommandError('FailedToParse', 'Cannot specify both upsert=true and remove=true');
  const coll = upsert ? ctx.storage.ensureCollection(ctx.db, name).coll : ctx.storage.getCollection(ctx.db, name);
  const row = firstRow(ctx, coll, query, sort, cmd.hint);
  if (remove) {
    if (row) ctx.storage.deleteDocument(coll!, row.rid, row.doc);
    return { lastErrorObject: { n: row ? 1 : 0 }, value: projectOne(row?.doc ?? null, fields, query), ok: 1 };
  }
  const u = validateUpdate(cmd.update);
  if (row) {
    const res = applyUpdate(row.doc, u, { query, arrayFilters });
    if (res.changed) ctx.storage.replaceDocument(coll!, row.rid, row.doc, checkSize(res.doc));
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: projectOne(returnNew ? res.doc : row.doc, fields, query), ok: 1 };
  }
  if (upsert) {
    const doc = checkSize(buildUpsertDocument(query, u, arrayFilters));
    ctx.storage.insertDocument(coll!, doc);
    return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: returnNew ? projectOne(doc, fields, query) : null, ok: 1 };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
}

export function rowsSource(rows: Iterator<StoredRow>): DocSource {
  return {
    next() {
      const r = rows.next();
      return r.done ? undefined : { doc: r.value.doc, size: r.value.size };
    },
  };
}

function find(cmd: Document, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'find');
  refuseCollation(cmd);
  const filter = optionalDocument(cmd, 'filter') ?? {};
  const sort = optionalDocument(cmd, 'sort');
  const projection = optionalDocument(cmd, 'projection');
  const skip = optionalNonNegative(cmd, 'skip');
  const limit = optionalNonNegative(cmd, 'limit');
  const batchSize = optionalNonNegative(cmd, 'batchSize');
  if (cmd.tailable === true) throw new MongoCommandError('NotImplemented', 'tailable cursors are not supported (no capped collections)');
  if (filter.$text !== undefined) throw textNotSupported();
  const coll = ctx.storage.getCollection(ctx.db, name);
  const rows = findRows(ctx.storage, coll, { filter, sort, skip, limit, hint: cmd.hint });
  const options = { batchSize, singleBatch: cmd.singleBatch === true };
  const hasProjection = projection !== undefined && Object.keys(projection).length > 0;
  const raw = hasProjection ? compileRawProjection(projection) : undefined;
  if (!hasProjection || raw) {
    // Documents go out as the stored bytes (or an inclusion cut out of them): no decode/encode.
    return ctx.cursors.open(`${ctx.db}.${name}`, {
      next() {
        const r = rows.next();
        if (r.done) return undefined;
        const bytes = raw ? projectRaw(r.value.bytes, raw) : r.value.bytes;
        return { doc: new RawDocument(bytes) as unknown as Document, size: bytes.length };
      },
    }, options);
  }
  return ctx.cursors.open(`${ctx.db}.${name}`, rowsSource(rows), { ...options, transform: projector(projection, filter) });
}

export function textNotSupported(): MongoCommandError {
  return new MongoCommandError('NotImplemented', '$text queries are not supported by the embedded server (no text indexes); use $regex instead');
}

function getMore(cmd: Document, ctx: CommandContext): Document {
  const id = toLong(cmd.getMore);
  const name = collectionName(cmd, 'collection');
  return ctx.cursors.getMore(id, `${ctx.db}.${name}`, optionalNonNegative(cmd, 'batchSize'));
}

function killCursors(cmd: Document, ctx: CommandContext): Document {
  collectionName(cmd, 'killCursors');
  const ids = Array.isArray(cmd.cursors) ? cmd.cursors.map(toLong) : [];
  return ctx.cursors.kill(ids);
}

function count(cmd: Document, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'count');
  refuseCollation(cmd);
  const query = optionalDocument(cmd, 'query') ?? {};
  const skip = optionalNonNegative(cmd, 'skip');
  const limit = optionalNonNegative(cmd, 'limit');
  const coll = ctx.storage.getCollection(ctx.db, name);
  return { n: countMatches(ctx.storage, coll, query, skip ?? 0, limit ?? 0, cmd.hint), ok: 1 };
}

function distinct(cmd: Document, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'distinct');
  refuseCollation(cmd);
  const key = cmd.key;
  if (typeof key !== 'string' || key.length === 0) throw new MongoCommandError('TypeMismatch', "BSON field 'distinct.key' must be a non-empty string");
  const query = optionalDocument(cmd, 'query') ?? {};
  const coll = ctx.storage.getCollection(ctx.db, name);
  const seen = new Map<string, { enc: Buffer; value: unknown }>();
  for (const row of findRows(ctx.storage, coll, { filter: query })) {
    for (const v of valuesAtPath(row.doc, key).values) {
      if (v === MISSING || v === EMPTY_ARRAY) continue;
      const enc = encodeValue(v);
      const hex = enc.toString('hex');
      if (!seen.has(hex)) seen.set(hex, { enc, value: v });
    }
  }
  const values = [...seen.values()].sort((a, b) => Buffer.compare(a.enc, b.enc)).map((x) => x.value);
  return { values, ok: 1 };
}

export const crudCommands: Record<string, CommandDef> = {
  insert: { handler: insert, write: true },
  update: { handler: update, write: true },
  delete: { handler: del, write: true },
  findAndModify: { handler: findAndModify, write: true },
  findandmodify: { handler: findAndModify, write: true },
  find: { handler: find },
  getMore: { handler: getMore },
  killCursors: { handler: killCursors },
  count: { handler: count },
  distinct: { handler: distinct },
};

export { fromIterator };
