// The archive killed with SIGKILL while uploads are in flight: after the next start, every record
// has its original and derivatives, and no stored file or temporary upload is left without a record.
import { openAsBlob } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startArchiveProcess, tokenThroughCli } from '../support/archive-process';
import { FIXTURES } from '../support/ground-truth';

const UPLOADS = ['DSCN0010.jpg', 'Canon_40D.jpg', 'cloud.jpg', 'earth_apollo17.jpg', 'C.jpg', 'mars.webp', 'IMG_20180725_163423-1.png', 'issue-metadata-extractor-65.jpg', 'Bush-dog.jpg', 'landscape_3.jpg'];

async function upload(url: string, name: string, token: string): Promise<number> {
  const form = new FormData();
  form.set('credit', 'Crash Test/Agency');
  form.set('image', await openAsBlob(path.join(FIXTURES, name)), name);
  const response = await fetch(`${url}/api/images`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.status;
}

describe('a crash during ingest', function () {
  this.timeout(180_000);
  let work: string;

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'archive-crash-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  for (let round = 1; round <= 2; round++) {
    it(`leaves a consistent archive after SIGKILL mid-upload (round ${round})`, async () => {
      // One instance, restarted after its own crash: every leftover is its own, so no margin is needed.
      const env = { DATA_DIR: path.join(work, 'data'), UPLOAD_DIR: path.join(work, 'uploads'), LEFTOVER_MARGIN_SECONDS: '0' };
      const first = await startArchiveProcess(env);
      // Made with the CLI while the archive runs (it joins the archive's database).
      const token = await tokenThroughCli(env, 'editor');
      const auth = { headers: { Authorization: `Bearer ${token}` } };
      const inFlight = UPLOADS.map((name) => upload(first.url, name, token).catch(() => 0));
      // Somewhere in the middle of the batch: files are being written, derivatives made, records inserted.
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 1200));
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      const statuses = await Promise.all(inFlight);

      const second = await startArchiveProcess(env);
      try {
        const list = await (await fetch(`${second.url}/api/images?limit=100`, auth)).json();
        // Every upload acknowledged with 201/200 before the kill is there.
        expect(list.total).to.be.at.least(statuses.filter((status) => status === 201).length);
        const referenced = new Set<string>();
        for (const item of list.items as Array<{ id: string }>) {
          const image = await (await fetch(`${second.url}/api/images/${item.id}`, auth)).json();
          for (const url of [image.original.url, image.derivatives.thumbnail.url, image.derivatives.display.url]) {
            const response = await fetch(`${second.url}${url}`, auth);
            await response.arrayBuffer();
            expect(response.status, `${url} of ${item.id}`).to.equal(200);
            referenced.add(path.basename(url));
          }
          const history = await (await fetch(`${second.url}/api/images/${item.id}/history`)).json();
          expect(history.entries.length, `history of ${item.id}`).to.be.at.least(1);
        }
        const uploads = path.join(work, 'uploads');
        const onDisk = [...(await readdir(path.join(uploads, 'originals'))), ...(await readdir(path.join(uploads, 'derivatives')))];
        expect(onDisk.filter((name) => !referenced.has(name)), 'files without a record').to.deep.equal([]);
        expect(await readdir(path.join(uploads, 'tmp')), 'temporary uploads').to.deep.equal([]);
      } finally {
        await second.stop();
      }
    });
  }
});
