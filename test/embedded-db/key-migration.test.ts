/**
 * A data folder written by the previous version (key format 1: every number keyed as an IEEE
 * double) is re-keyed when the server opens it. The folder is built here byte by byte the way
 * format 1 wrote it (SQLite tables, BSON documents, double keys), then read through the driver.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { BSON, Int32, Long, MongoClient } from 'mongodb';
import { startEmbeddedServer } from '../../server/embedded-db/index';

/** Format 1's key for a number: type tag 0x10, then the double made memcmp-ordered. */
function oldNumberKey(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(n === 0 ? 0 : n);
  if (b[0] & 0x80) for (let i = 0; i < 8; i++) b[i] = ~b[i] & 0xff;
  else b[0] |= 0x80;
  return Buffer.concat([Buffer.from([0x10]), b]);
}

describe('embedded-db: data folders from key format 1 are migrated on open', function () {
  // Not registered against a real MongoDB (MONGODB_URI): the test writes the embedded server's
  // SQLite key format by hand, which exists only there.
  if (process.env.MONGODB_URI) return;
  let dir: string;

  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-db-migrate-'));
    const db = new Database(path.join(dir, 'embedded.sqlite'));
    db.exec(`
      CREATE TABLE collections (id INTEGER PRIMARY KEY, db TEXT NOT NULL, name TEXT NOT NULL, uuid BLOB NOT NULL, options BLOB NOT NULL, UNIQUE (db, name));
      CREATE TABLE indexes (id INTEGER PRIMARY KEY, coll_id INTEGER NOT NULL, name TEXT NOT NULL, spec BLOB NOT NULL, multikey INTEGER NOT NULL DEFAULT 0, UNIQUE (coll_id, name));
      CREATE TABLE c_1 (rid INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, doc BLOB NOT NULL);
      CREATE TABLE x_1 (k BLOB NOT NULL, id BLOB NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (k, id)) WITHOUT ROWID;
    `);
    db.prepare('INSERT INTO collections VALUES (1, ?, ?, ?, ?)').run('legacy', 'things', Buffer.alloc(16, 1), Buffer.from(BSON.serialize({})));
    db.prepare('INSERT INTO indexes VALUES (1, 1, ?, ?, 0)').run('n_1', Buffer.from(BSON.serialize({ v: 2, key: { n: 1 }, name: 'n_1' })));
    const base = 2n ** 53n;
    // Three Longs that format 1 keyed alike (2^53 + 1 rounds to 2^53 as a double).
    [base + 1n, base, base + 2n].forEach((n, i) => {
      const doc = { _id: new Int32(i + 1), n: Long.fromBigInt(n) };
      db.prepare('INSERT INTO c_1 (rid, id, doc) VALUES (?, ?, ?)').run(i + 1, oldNumberKey(i + 1), Buffer.from(BSON.serialize(doc)));
      db.prepare('INSERT INTO x_1 (k, id, rid) VALUES (?, ?, ?)').run(oldNumberKey(Number(n)), oldNumberKey(i + 1), i + 1);
    });
    db.close();
  });

  after(function () {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds, sorts and counts by the re-keyed _id and index, and records the new format', async function () {
    const server = await startEmbeddedServer({ dbPath: dir });
    const client = await MongoClient.connect(server.uri);
    try {
      const c = client.db('legacy').collection('things');
      expect((await c.findOne({ _id: 2 as never }, { useBigInt64: true }))?.n).to.equal(2n ** 53n);
      expect(await c.countDocuments({ n: Long.fromBigInt(2n ** 53n + 1n) })).to.equal(1);
      const sorted = await c.find({}, { useBigInt64: true }).sort({ n: -1 }).hint({ n: 1 }).toArray();
      expect(sorted.map((d) => d._id)).to.deep.equal([3, 1, 2]);
      await c.insertOne({ _id: 4 as never, n: 5 });
      expect((await c.find({ _id: { $gte: 2 } } as never).sort({ _id: 1 }).toArray()).map((d) => d._id)).to.deep.equal([2, 3, 4]);
    } finally {
      await client.close();
      await server.close();
    }
    const db = new Database(path.join(dir, 'embedded.sqlite'));
    expect(db.pragma('user_version', { simple: true })).to.equal(2);
    db.close();
  });
});
