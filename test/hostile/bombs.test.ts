// Decompression bombs sent as a user would (upload and anonymous lookup) to the archive running as its
// own process: the answer comes quickly, the server's memory stays flat and other requests are served.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startArchiveProcess, tokenThroughCli, type ArchiveProcess } from '../support/archive-process';
import { compressedXmpBomb, iccpBomb, ztxtIptcBomb, type Bomb } from '../support/bombs';

const GiB = 1024 ** 3;

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}

/** Samples the process's resident memory every 10 ms until stopped; resolves to the peak. */
function watchRss(pid: number): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await rssBytes(pid).catch(() => 0));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}

/** Times GET / over and over while `during` runs; resolves to the slowest answer (ms) and their count. */
async function galleryLatencyDuring(url: string, during: Promise<unknown>): Promise<{ slowestMs: number; count: number }> {
  let done = false;
  void during.finally(() => (done = true));
  let slowestMs = 0;
  let count = 0;
  await new Promise((resolve) => setTimeout(resolve, 20));
  do {
    const t0 = performance.now();
    const response = await fetch(`${url}/`);
    await response.arrayBuffer();
    expect(response.status).to.equal(200);
    slowestMs = Math.max(slowestMs, performance.now() - t0);
    count++;
  } while (!done);
  return { slowestMs, count };
}

function form(bomb: Bomb): FormData {
  const body = new FormData();
  body.set('credit', 'Bomb Test/Agency');
  body.set('image', new Blob([new Uint8Array(bomb.png)], { type: 'image/png' }), bomb.name);
  return body;
}

describe('decompression bombs (the archive as its own process)', function () {
  this.timeout(120_000);
  let work: string;
  let archive: ArchiveProcess;
  let token: string;
  const bombs = [iccpBomb(11), ztxtIptcBomb(12), compressedXmpBomb(13)];

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'archive-bombs-'));
    const env = { DATA_DIR: path.join(work, 'data'), UPLOAD_DIR: path.join(work, 'uploads') };
    archive = await startArchiveProcess(env);
    token = await tokenThroughCli(env, 'editor');
    // Warm up: the first page render and the first ExifTool start are not what is measured.
    await (await fetch(`${archive.url}/`)).arrayBuffer();
  });
  after(async () => {
    await archive?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('are what they claim: under 5 MB, inflating to at least 2 GiB', () => {
    for (const bomb of bombs) {
      expect(bomb.png.length, bomb.name).to.be.below(5_000_000);
      expect(bomb.inflatedBytes, bomb.name).to.be.at.least(2 * GiB);
    }
  });

  for (const [index, route] of [['upload', '/api/images'], ['lookup', '/api/lookup']] as const) {
    for (const make of [iccpBomb, ztxtIptcBomb, compressedXmpBomb]) {
      const bomb = make(index === 'upload' ? 21 : 31);
      it(`${bomb.name} by ${index}: answered within 3 s with a "not read" finding, RSS +<300 MB, GET / within 500 ms`, async () => {
        const pid = archive.child.pid!;
        const before = await rssBytes(pid);
        const watcher = watchRss(pid);
        const t0 = performance.now();
        const request = fetch(`${archive.url}${route}`, { method: 'POST', body: form(bomb), headers: { Authorization: `Bearer ${token}` } }).then(async (response) => ({
          status: response.status,
          body: (await response.json()) as { findings?: Array<{ code: string; message: string }>; provenance?: { findings: Array<{ code: string; message: string }> } },
          ms: performance.now() - t0,
        }));
        const gallery = await galleryLatencyDuring(archive.url, request);
        const { status, body, ms } = await request;
        const peak = await watcher.stop();
        console.log(`      ${bomb.name} ${index}: ${status} in ${Math.round(ms)} ms, RSS ${Math.round(before / 1e6)} → peak ${Math.round(peak / 1e6)} MB, GET / slowest ${Math.round(gallery.slowestMs)} ms of ${gallery.count}`);

        expect(status).to.equal(index === 'upload' ? 201 : 200);
        const findings = body.findings ?? body.provenance?.findings ?? [];
        const notRead = findings.find((finding) => finding.code === 'file.metadata_not_read');
        expect(notRead?.message, JSON.stringify(findings.map((f) => f.code))).to.match(/too large to be real metadata and was not read/);
        expect(ms).to.be.below(3000);
        expect(peak - before).to.be.below(300e6);
        expect(gallery.slowestMs).to.be.below(500);
      });
    }
  }
});
