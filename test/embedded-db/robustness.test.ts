import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { deserialize, serialize, type Document } from 'bson';
import mongoose, { Schema, type Connection } from 'mongoose';
import { startEmbeddedServer, type EmbeddedServer } from '../../server/embedded-db/index';

const OP_MSG = 2013;

function opMsg(body: Document, opts: { flags?: number; sequence?: { id: string; docs: Document[] }; checksum?: 'good' | 'bad' } = {}): Buffer {
  const flags = (opts.flags ?? 0) | (opts.checksum ? 1 : 0);
  const parts: Buffer[] = [];
  const flagBuf = Buffer.alloc(4);
  flagBuf.writeUInt32LE(flags >>> 0);
  parts.push(flagBuf, Buffer.from([0]), Buffer.from(serialize(body)));
  if (opts.sequence) {
    const docs = opts.sequence.docs.map((d) => Buffer.from(serialize(d)));
    const id = Buffer.from(`${opts.sequence.id}\0`);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + id.length + docs.reduce((s, d) => s + d.length, 0));
    parts.push(Buffer.from([1]), size, id, ...docs);
  }
  const payload = Buffer.concat(parts);
  const total = 16 + payload.length + (opts.checksum ? 4 : 0);
  const header = Buffer.alloc(16);
  header.writeInt32LE(total, 0);
  header.writeInt32LE(7, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(OP_MSG, 12);
  const msg = Buffer.concat([header, payload]);
  if (!opts.checksum) return msg;
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(opts.checksum === 'good' ? crc32c(msg) : (crc32c(msg) ^ 1) >>> 0);
  return Buffer.concat([msg, crc]);
}

function crc32c(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0x82f63b78 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

interface Exchange { closed: boolean; reply?: Document }

/** Sends bytes, then waits for either one reply, the server closing the socket, or a timeout. */
function exchange(port: number, bytes: Buffer, opts: { endAfterWrite?: boolean; waitMs?: number } = {}): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (r: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ closed: false }), opts.waitMs ?? 2000);
    socket.on('connect', () => {
      socket.write(bytes);
      if (opts.endAfterWrite) socket.end();
    });
    socket.on('data', (c: Buffer) => {
      received = Buffer.concat([received, c]);
      if (received.length >= 4 && received.length >= received.readInt32LE(0)) {
        finish({ closed: false, reply: deserialize(received.subarray(21, received.readInt32LE(0))) });
      }
    });
    socket.on('error', () => finish({ closed: true }));
    socket.on('close', () => finish({ closed: true }));
  });
}

describe('embedded-db robustness against malformed wire messages', function () {
  let dir: string;
  let server: EmbeddedServer;
  let conn: Connection;
  let Thing: mongoose.Model<{ n: number }>;

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-db-robust-'));
    server = await startEmbeddedServer({ dbPath: dir });
    conn = await mongoose.createConnection(server.uri, { dbName: 'robust' }).asPromise();
    Thing = conn.model<{ n: number }>('Thing', new Schema<{ n: number }>({ n: Number }));
    await Thing.create({ n: 1 });
  });

  after(async function () {
    await conn?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async function () {
    // Whatever the previous raw socket did, the server still serves mongoose with its data intact.
    expect(await Thing.countDocuments({ n: 1 })).to.equal(1);
    await Thing.create({ n: 2 });
    await Thing.deleteMany({ n: 2 });
  });

  it('closes the connection on garbage bytes', async function () {
    const garbage = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) & 0xff));
    expect((await exchange(server.port, garbage)).closed).to.equal(true);
  });

  it('closes the connection on a zero-length message', async function () {
    expect((await exchange(server.port, Buffer.alloc(16))).closed).to.equal(true);
  });

  it('closes the connection on a 100 MB claimed length without buffering it', async function () {
    const header = Buffer.alloc(16);
    header.writeInt32LE(100 * 1024 * 1024, 0);
    header.writeInt32LE(OP_MSG, 12);
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const r = await exchange(server.port, Buffer.concat([header, Buffer.alloc(1024)]));
    expect(r.closed).to.equal(true);
    expect(Date.now() - started).to.be.lessThan(1500);
    expect(process.memoryUsage().rss - before).to.be.lessThan(50 * 1024 * 1024);
  });

  it('survives a truncated message from a client that hangs up', async function () {
    const full = opMsg({ ping: 1, $db: 'admin' });
    const r = await exchange(server.port, full.subarray(0, full.length - 10), { endAfterWrite: true, waitMs: 500 });
    expect(r.reply).to.equal(undefined);
  });

  it('closes the connection when the length lies (shorter than the content)', async function () {
    const msg = opMsg({ find: 'things', filter: {}, $db: 'robust' });
    msg.writeInt32LE(30, 0);
    expect((await exchange(server.port, msg)).closed).to.equal(true);
  });

  it('closes the connection on a corrupt BSON body and on an unknown opCode', async function () {
    const msg = opMsg({ ping: 1, $db: 'admin' });
    msg.writeInt32LE(9999, 21); // BSON length field points past the message
    expect((await exchange(server.port, msg)).closed).to.equal(true);
    const unknown = opMsg({ ping: 1, $db: 'admin' });
    unknown.writeInt32LE(4242, 12);
    expect((await exchange(server.port, unknown)).closed).to.equal(true);
  });

  it('verifies OP_MSG checksums', async function () {
    const good = await exchange(server.port, opMsg({ ping: 1, $db: 'admin' }, { checksum: 'good' }));
    expect(good.reply?.ok).to.equal(1);
    expect((await exchange(server.port, opMsg({ ping: 1, $db: 'admin' }, { checksum: 'bad' }))).closed).to.equal(true);
  });

  it('accepts document-sequence sections', async function () {
    const r = await exchange(server.port, opMsg({ insert: 'seq', $db: 'robust' }, { sequence: { id: 'documents', docs: [{ a: 1 }, { a: 2 }] } }));
    expect(r.reply).to.deep.include({ n: 2, ok: 1 });
    expect(await conn.db!.collection('seq').countDocuments({})).to.equal(2);
  });

  it('answers an empty or unknown command with an error document, not a crash', async function () {
    const r = await exchange(server.port, opMsg({ $db: 'admin' }));
    expect(r.reply?.ok).to.equal(0);
    const r2 = await exchange(server.port, opMsg({ frobnicate: 1, $db: 'admin' }));
    expect(r2.reply).to.deep.include({ ok: 0, code: 59, codeName: 'CommandNotFound' });
  });
});
