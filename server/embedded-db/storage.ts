/**
 * Durable storage on SQLite. One table per collection (`c_<id>`: rowid, encoded _id, BSON doc) and
 * one side table per secondary index (`x_<id>`: order-preserving key, encoded _id, rowid), so
 * equality, range and sorted scans run on SQLite B-trees. Unique indexes are a PRIMARY KEY on the
 * key alone, which makes SQLite refuse duplicates inside the same transaction as the write.
 *
 * Durability: WAL with synchronous=FULL, so a command's transaction is fsynced before its reply is
 * sent; every command runs in exactly one transaction (see server dispatch), so a crash never
 * leaves half a command behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { deserialize, serialize as bsonSerialize, Binary, UUID, type Document } from 'bson';
import { encodeEmptyArray, encodeValue, invert, KEY_FORMAT_VERSION } from './key-encoding';
import { compileQuery, type Matcher } from './match';
import { EMPTY_ARRAY, MISSING, valuesAtPath, type PathValue } from './paths';
import { MongoCommandError } from './errors';
import { formatKeyValue } from './format';

export interface IndexField {
  path: string;
  dir: 1 | -1;
}

export interface IndexInfo {
  id: number;
  table: string;
  name: string;
  /** The spec as listIndexes reports it (v, key, name, unique, ...). */
  spec: Document;
  fields: IndexField[];
  unique: boolean;
  sparse: boolean;
  partial?: Matcher;
  multikey: boolean;
}

export interface CollectionInfo {
  id: number;
  db: string;
  name: string;
  table: string;
  uuid: Buffer;
  options: Document;
  indexes: IndexInfo[];
  /** Changes on every write to the collection (and on catalog reloads): keys the caches below. */
  version: number;
  /** Derived values (document count, range estimates) valid for `version` only. */
  cache?: { version: number; values: Map<string, number> };
}

/** A stored document as read: its BSON bytes, decoded only when someone asks for `doc`. */
export class StoredRow {
  private decoded?: Document;
  constructor(readonly rid: number, readonly bytes: Buffer) {}
  get doc(): Document {
    return (this.decoded ??= deserialize(this.bytes, BSON_READ));
  }
  get size(): number {
    return this.bytes.length;
  }
}

/** Keeps the derived-value caches small; they are rebuilt on demand. */
const MAX_CACHED_VALUES = 1000;

type Stmt = Database.Statement<unknown[], unknown>;

/**
 * Documents are decoded with their exact BSON types (Int32, Double, Long, Decimal128 wrappers,
 * BSON regexes with every flag), so whatever is written back is what the client sent.
 */
export const BSON_READ = { promoteValues: false, promoteBuffers: false, bsonRegExp: true } as const;

export class Storage {
  readonly db: Database.Database;
  private collections = new Map<string, CollectionInfo>();
  private stmts = new Map<string, Stmt>();
  private depth = 0;
  /** Source of collection versions; never reused, so a reloaded catalog invalidates every cache. */
  private clock = 0;

  constructor(dbPath: string) {
    fs.mkdirSync(dbPath, { recursive: true });
    this.db = new Database(path.join(dbPath, 'embedded.sqlite'));
    // Exclusive locking keeps a second server from opening the same folder, and lets WAL work
    // without a shared-memory file.
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('journal_mode = WAL');
    // FULL: the WAL is fsynced at every commit, so an acknowledged write survives a process kill
    // and also an OS crash or power loss.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS collections (
        id INTEGER PRIMARY KEY, db TEXT NOT NULL, name TEXT NOT NULL, uuid BLOB NOT NULL,
        options BLOB NOT NULL, UNIQUE (db, name));
      CREATE TABLE IF NOT EXISTS indexes (
        id INTEGER PRIMARY KEY, coll_id INTEGER NOT NULL, name TEXT NOT NULL, spec BLOB NOT NULL,
        multikey INTEGER NOT NULL DEFAULT 0, UNIQUE (coll_id, name));
    `);
    this.loadCatalog();
    this.migrateKeys();
  }

  /**
   * Data folders record the key format in SQLite's user_version. A folder written with an older
   * format (1: every number keyed as a double) has its `_id` keys and index tables rebuilt from
   * the stored documents on open, in one transaction, before anything reads them.
   */
  private migrateKeys(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version === KEY_FORMAT_VERSION) return;
    if (version > KEY_FORMAT_VERSION) throw new Error(`data folder uses key format ${version}, newer than this server's ${KEY_FORMAT_VERSION}`);
    this.transaction(() => {
      for (const coll of this.collections.values()) {
        // Two passes so a row's new key can never collide with another row's old one.
        this.db.exec(`UPDATE ${coll.table} SET id = X'00' || CAST(rid AS TEXT)`);
        const setId = this.db.prepare(`UPDATE ${coll.table} SET id = ? WHERE rid = ?`);
        const page = this.db.prepare(`SELECT rid, doc FROM ${coll.table} WHERE rid > ? ORDER BY rid LIMIT 1000`);
        for (let last = 0; ;) {
          const rows = page.all(last) as Array<{ rid: number; doc: Buffer }>;
          if (rows.length === 0) break;
          for (const row of rows) setId.run(encodeValue(deserialize(row.doc, BSON_READ)._id), row.rid);
          last = rows[rows.length - 1].rid;
        }
        for (const index of coll.indexes) {
          this.db.exec(`DELETE FROM ${index.table}`);
          this.buildIndex(coll, index);
        }
      }
      this.db.pragma(`user_version = ${KEY_FORMAT_VERSION}`);
    });
  }

  close(): void {
    this.stmts.clear();
    if (this.db.open) this.db.close();
  }

  private loadCatalog(): void {
    this.collections.clear();
    const colls = this.db.prepare('SELECT id, db, name, uuid, options FROM collections').all() as Array<{
      id: number; db: string; name: string; uuid: Buffer; options: Buffer;
    }>;
    const idx = this.db.prepare('SELECT id, coll_id, name, spec, multikey FROM indexes ORDER BY id').all() as Array<{
      id: number; coll_id: number; name: string; spec: Buffer; multikey: number;
    }>;
    for (const c of colls) {
      const info: CollectionInfo = {
        id: c.id, db: c.db, name: c.name, table: `c_${c.id}`, uuid: c.uuid, options: deserialize(c.options), indexes: [], version: ++this.clock,
      };
      for (const i of idx) if (i.coll_id === c.id) info.indexes.push(makeIndexInfo(i.id, deserialize(i.spec), i.multikey === 1));
      this.collections.set(`${c.db}.${c.name}`, info);
    }
  }

  /**
   * Runs `fn` in a transaction (a savepoint when nested). The in-memory catalog is reloaded if the
   * outermost transaction fails, so it never describes tables that were rolled back.
   */
  transaction<T>(fn: () => T): T {
    this.depth++;
    try {
      return this.db.transaction(fn)();
    } catch (err) {
      if (this.depth === 1) this.loadCatalog();
      throw err;
    } finally {
      this.depth--;
    }
  }

  private stmt(sql: string): Stmt {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  getCollection(db: string, name: string): CollectionInfo | undefined {
    return this.collections.get(`${db}.${name}`);
  }

  listCollections(db: string): CollectionInfo[] {
    return [...this.collections.values()].filter((c) => c.db === db);
  }

  listDatabaseNames(): string[] {
    return [...new Set([...this.collections.values()].map((c) => c.db))].sort();
  }

  createCollection(db: string, name: string, options: Document = {}): CollectionInfo {
    return this.transaction(() => {
      const uuid = Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
      const res = this.db
        .prepare('INSERT INTO collections (db, name, uuid, options) VALUES (?, ?, ?, ?)')
        .run(db, name, uuid, serialize(options));
      const id = Number(res.lastInsertRowid);
      this.db.exec(`CREATE TABLE c_${id} (rid INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, doc BLOB NOT NULL)`);
      const info: CollectionInfo = { id, db, name, table: `c_${id}`, uuid, options, indexes: [], version: ++this.clock };
      this.collections.set(`${db}.${name}`, info);
      return info;
    });
  }

  ensureCollection(db: string, name: string): { coll: CollectionInfo; created: boolean } {
    const existing = this.getCollection(db, name);
    if (existing) return { coll: existing, created: false };
    return { coll: this.createCollection(db, name), created: true };
  }

  dropCollection(coll: CollectionInfo): void {
    this.transaction(() => {
      for (const ix of coll.indexes) this.db.exec(`DROP TABLE IF EXISTS ${ix.table}`);
      this.db.exec(`DROP TABLE IF EXISTS ${coll.table}`);
      this.db.prepare('DELETE FROM indexes WHERE coll_id = ?').run(coll.id);
      this.db.prepare('DELETE FROM collections WHERE id = ?').run(coll.id);
      this.collections.delete(`${coll.db}.${coll.name}`);
    });
    this.purgeStatements(coll);
  }

  renameCollection(coll: CollectionInfo, toDb: string, toName: string): void {
    this.transaction(() => {
      this.db.prepare('UPDATE collections SET db = ?, name = ? WHERE id = ?').run(toDb, toName, coll.id);
      this.collections.delete(`${coll.db}.${coll.name}`);
      coll.db = toDb;
      coll.name = toName;
      this.collections.set(`${toDb}.${toName}`, coll);
    });
  }

  private purgeStatements(coll: CollectionInfo): void {
    const tables = [coll.table, ...coll.indexes.map((i) => i.table)];
    for (const sql of [...this.stmts.keys()]) {
      if (tables.some((t) => new RegExp(`\\b${t}\\b`).test(sql))) this.stmts.delete(sql);
    }
  }

  /** Marks the collection changed, invalidating its cached counts and estimates. */
  touch(coll: CollectionInfo): void {
    coll.version = ++this.clock;
  }

  /** A value derived from the collection's contents, computed once per collection version. */
  cached(coll: CollectionInfo, key: string, compute: () => number): number {
    if (!coll.cache || coll.cache.version !== coll.version) coll.cache = { version: coll.version, values: new Map() };
    const values = coll.cache.values;
    let v = values.get(key);
    if (v === undefined) {
      v = compute();
      if (values.size >= MAX_CACHED_VALUES) values.clear();
      values.set(key, v);
    }
    return v;
  }

  count(coll: CollectionInfo): number {
    return this.cached(coll, 'count', () => (this.stmt(`SELECT COUNT(*) AS n FROM ${coll.table}`).get() as { n: number }).n);
  }

  dataSize(coll: CollectionInfo): number {
    return (this.stmt(`SELECT COALESCE(SUM(length(doc)), 0) AS n FROM ${coll.table}`).get() as { n: number }).n;
  }

  // ---- indexes -------------------------------------------------------------------------------

  createIndex(coll: CollectionInfo, spec: Document): void {
    this.touch(coll);
    this.transaction(() => {
      const res = this.db
        .prepare('INSERT INTO indexes (coll_id, name, spec) VALUES (?, ?, ?)')
        .run(coll.id, spec.name as string, serialize(spec));
      const info = makeIndexInfo(Number(res.lastInsertRowid), spec, false);
      this.db.exec(
        info.unique
          ? `CREATE TABLE ${info.table} (k BLOB NOT NULL PRIMARY KEY, id BLOB NOT NULL, rid INTEGER NOT NULL) WITHOUT ROWID`
          : `CREATE TABLE ${info.table} (k BLOB NOT NULL, id BLOB NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (k, id)) WITHOUT ROWID`,
      );
      coll.indexes.push(info);
      // Build from existing documents; a duplicate aborts the whole createIndexes like MongoDB.
      this.buildIndex(coll, info);
    });
  }

  private buildIndex(coll: CollectionInfo, info: IndexInfo): void {
    let lastRid = 0;
    for (;;) {
      const rows = this.db.prepare(`SELECT rid, doc FROM ${coll.table} WHERE rid > ? ORDER BY rid LIMIT 1000`).all(lastRid) as Array<{ rid: number; doc: Buffer }>;
      if (rows.length === 0) break;
      for (const row of rows) {
        const doc = deserialize(row.doc, BSON_READ);
        this.insertIndexKeys(coll, info, row.rid, encodeValue(doc._id), doc);
        lastRid = row.rid;
      }
    }
  }

  dropIndex(coll: CollectionInfo, index: IndexInfo): void {
    this.touch(coll);
    this.transaction(() => {
      this.db.exec(`DROP TABLE IF EXISTS ${index.table}`);
      this.db.prepare('DELETE FROM indexes WHERE id = ?').run(index.id);
    });
    this.purgeStatements(coll);
    coll.indexes = coll.indexes.filter((i) => i !== index);
  }

  private indexEntries(coll: CollectionInfo, index: IndexInfo, doc: Document): Array<{ key: Buffer; values: PathValue[] }> {
    if (index.partial && !index.partial(doc)) return [];
    const perField = index.fields.map((f) => valuesAtPath(doc, f.path));
    if (index.sparse && perField.every((p) => p.values.every((v) => v === MISSING))) return [];
    if (!index.multikey && perField.some((p) => p.multikey)) {
      index.multikey = true;
      this.stmt('UPDATE indexes SET multikey = 1 WHERE id = ?').run(index.id);
    }
    const dir0 = index.fields[0].dir;
    let combos: Array<{ parts: Buffer[]; values: PathValue[] }> = [{ parts: [], values: [] }];
    perField.forEach((p, i) => {
      const next: typeof combos = [];
      const seen = new Set<string>();
      for (const v of p.values) {
        let enc = v === EMPTY_ARRAY ? encodeEmptyArray() : encodeValue(v === MISSING ? null : v);
        if (index.fields[i].dir !== dir0) enc = invert(enc);
        const hex = enc.toString('hex');
        if (seen.has(hex)) continue;
        seen.add(hex);
        for (const c of combos) next.push({ parts: [...c.parts, enc], values: [...c.values, v] });
      }
      combos = next;
    });
    return combos.map((c) => ({ key: Buffer.concat(c.parts), values: c.values }));
  }

  private insertIndexKeys(coll: CollectionInfo, index: IndexInfo, rid: number, id: Buffer, doc: Document): void {
    const insert = this.stmt(`INSERT INTO ${index.table} (k, id, rid) VALUES (?, ?, ?)`);
    for (const entry of this.indexEntries(coll, index, doc)) {
      try {
        insert.run(entry.key, id, rid);
      } catch (err) {
        if (isConstraintError(err)) throw duplicateKeyError(coll, index.name, index.spec.key as Document, index.fields.map((f) => f.path), entry.values);
        throw err;
      }
    }
  }

  private deleteIndexKeys(coll: CollectionInfo, index: IndexInfo, id: Buffer, doc: Document): void {
    const del = index.unique
      ? this.stmt(`DELETE FROM ${index.table} WHERE k = ? AND id = ?`)
      : this.stmt(`DELETE FROM ${index.table} WHERE k = ? AND id = ?`);
    for (const entry of this.indexEntries(coll, index, doc)) del.run(entry.key, id);
  }

  // ---- documents -----------------------------------------------------------------------------

  insertDocument(coll: CollectionInfo, doc: Document): void {
    this.touch(coll);
    const id = encodeValue(doc._id);
    const bytes = serialize(doc);
    let rid: number;
    try {
      rid = Number(this.stmt(`INSERT INTO ${coll.table} (id, doc) VALUES (?, ?)`).run(id, bytes).lastInsertRowid);
    } catch (err) {
      if (isConstraintError(err)) throw duplicateKeyError(coll, '_id_', { _id: 1 }, ['_id'], [doc._id]);
      throw err;
    }
    for (const index of coll.indexes) this.insertIndexKeys(coll, index, rid, id, doc);
  }

  replaceDocument(coll: CollectionInfo, rid: number, oldDoc: Document, newDoc: Document): void {
    this.touch(coll);
    const id = encodeValue(newDoc._id);
    this.stmt(`UPDATE ${coll.table} SET doc = ? WHERE rid = ?`).run(serialize(newDoc), rid);
    for (const index of coll.indexes) {
      const before = this.indexEntries(coll, index, oldDoc).map((e) => e.key.toString('hex')).sort().join();
      const after = this.indexEntries(coll, index, newDoc).map((e) => e.key.toString('hex')).sort().join();
      if (before === after) continue;
      this.deleteIndexKeys(coll, index, id, oldDoc);
      this.insertIndexKeys(coll, index, rid, id, newDoc);
    }
  }

  deleteDocument(coll: CollectionInfo, rid: number, doc: Document): void {
    this.touch(coll);
    const id = encodeValue(doc._id);
    this.stmt(`DELETE FROM ${coll.table} WHERE rid = ?`).run(rid);
    for (const index of coll.indexes) this.deleteIndexKeys(coll, index, id, doc);
  }

  getByRid(coll: CollectionInfo, rid: number): StoredRow | undefined {
    const row = this.stmt(`SELECT doc FROM ${coll.table} WHERE rid = ?`).get(rid) as { doc: Buffer } | undefined;
    return row ? new StoredRow(rid, row.doc) : undefined;
  }

  /** Runs a cached read statement. */
  all<T>(sql: string, params: unknown[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }

  get<T>(sql: string, params: unknown[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }
}

export function serialize(doc: Document): Buffer {
  const u8 = bsonSerialize(doc);
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

export function decodeDocument(bytes: Buffer): Document {
  return deserialize(bytes, BSON_READ);
}

function makeIndexInfo(id: number, spec: Document, multikey: boolean): IndexInfo {
  const key = spec.key as Document;
  const fields: IndexField[] = Object.entries(key).map(([p, d]) => ({ path: p, dir: Number(d) < 0 ? -1 : 1 }));
  return {
    id,
    table: `x_${id}`,
    name: spec.name as string,
    spec,
    fields,
    unique: spec.unique === true,
    sparse: spec.sparse === true,
    partial: spec.partialFilterExpression ? compileQuery(spec.partialFilterExpression as Document) : undefined,
    multikey,
  };
}

function isConstraintError(err: unknown): boolean {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('SQLITE_CONSTRAINT');
}

function duplicateKeyError(coll: CollectionInfo, indexName: string, keyPattern: Document, paths: string[], values: PathValue[]): MongoCommandError {
  const keyValue: Document = {};
  paths.forEach((p, i) => {
    const v = values[i];
    keyValue[p] = v === MISSING ? null : v === EMPTY_ARRAY ? [] : v;
  });
  return new MongoCommandError(
    'DuplicateKey',
    `E11000 duplicate key error collection: ${coll.db}.${coll.name} index: ${indexName} dup key: ${formatKeyValue(keyValue)}`,
    { keyPattern: { ...keyPattern }, keyValue },
  );
}

export function newUuidBinary(raw: Buffer): Binary {
  return new UUID(raw.toString('hex'));
}
