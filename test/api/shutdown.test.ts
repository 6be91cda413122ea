// SIGTERM while an upload is in flight: the upload still completes, then the process exits cleanly.
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startArchiveProcess } from '../support/archive-process';
import { FIXTURES } from '../support/ground-truth';

describe('graceful shutdown', function () {
  this.timeout(90_000);

  it('finishes the request in flight, refuses new connections and exits 0', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'archive-shutdown-'));
    try {
      const archive = await startArchiveProcess({ DATA_DIR: path.join(work, 'data'), UPLOAD_DIR: path.join(work, 'uploads') });
      const exited = new Promise<number | null>((resolve) => archive.child.once('exit', (code) => resolve(code)));
      const form = new FormData();
      form.set('image', await openAsBlob(path.join(FIXTURES, 'heic-iphone7.heic')), 'heic-iphone7.heic');
      // A HEIC decode takes around a second: long enough to be in flight when the signal arrives.
      const inFlight = fetch(`${archive.url}/api/images`, { method: 'POST', body: form });
      await new Promise((resolve) => setTimeout(resolve, 300));
      archive.child.kill('SIGTERM');
      const response = await inFlight;
      expect(response.status).to.equal(201);
      expect((await response.json()).file.format).to.equal('heif');
      expect(await exited).to.equal(0);
      const refused = await fetch(`${archive.url}/api/images`).then(
        () => 'answered',
        () => 'refused',
      );
      expect(refused).to.equal('refused');
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
