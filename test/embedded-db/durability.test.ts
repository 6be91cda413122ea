import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { startEmbeddedServer } from '../../server/embedded-db/index';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Runs the writer until a random moment, kills it with SIGKILL, returns the acknowledged batches. */
function runAndKill(dir: string, killAfterMs: number): Promise<Map<number, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures', 'durability-writer.ts'), dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<number, number>();
    let buffer = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'READY') timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const m = /^ACK (\d+) (\d+)$/.exec(line);
        if (m) acked.set(Number(m[1]), Number(m[2]));
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited without being killed: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('embedded-db durability', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-db-durability-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (let round = 1; round <= 3; round++) {
    it(`keeps every acknowledged batch and no partial batch after kill -9 (round ${round})`, async function () {
      const killAfter = 300 + Math.floor(Math.random() * 1500);
      const acked = await runAndKill(dir, killAfter);
      expect(acked.size, 'the writer acknowledged nothing before the kill').to.be.greaterThan(0);
      const server = await startEmbeddedServer({ dbPath: dir });
      const client = await MongoClient.connect(server.uri);
      try {
        const coll = client.db('durability').collection('items');
        const counts = await coll.aggregate<{ _id: number; n: number; size: number; confirmed: number }>([
          { $group: { _id: '$batch', n: { $sum: 1 }, size: { $first: '$size' }, confirmed: { $sum: { $cond: ['$confirmed', 1, 0] } } } },
        ]).toArray();
        const present = new Map(counts.map((c) => [c._id, c]));
        for (const [batch, size] of acked) {
          const got = present.get(batch);
          expect(got, `acknowledged batch ${batch} is missing`).to.not.equal(undefined);
          expect(got!.n, `acknowledged batch ${batch} is incomplete`).to.equal(size);
          expect(got!.confirmed, `acknowledged update of batch ${batch} is missing`).to.equal(1);
        }
        for (const c of counts) expect(c.n, `batch ${c._id} is partial`).to.equal(c.size);
        // Writes work after recovery; emptying the collection lets the next round reuse batch ids.
        await coll.deleteMany({});
      } finally {
        await client.close();
        await server.close();
      }
    });
  }
});
