// SIGTERM while an upload is in flight: the upload still completes, then the process exits cleanly;
// also when its client has already hung up.
import { openAsBlob } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startArchiveProcess, tokenThroughCli } from '../support/archive-process';
import { FIXTURES } from '../support/ground-truth';

/** Writes a multipart upload on a raw connection and returns the socket without reading an answer. */
async function sendUploadThenReset(baseUrl: string, file: string, token: string): Promise<net.Socket> {
  const { hostname, port } = new URL(baseUrl);
  const boundary = `----archive${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${path.basename(file)}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Buffer.concat([head, await readFile(file), tail]);
  const socket = net.connect(Number(port), hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.on('error', () => undefined);
  socket.write(`POST /api/images HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`);
  await new Promise((resolve) => socket.write(body, resolve));
  return socket;
}

/** Waits until the server holds the whole upload in its temp folder (or has already moved it on). */
async function fullyReceived(tmpDir: string, bytes: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const names = await readdir(tmpDir).catch(() => [] as string[]);
    const sizes = await Promise.all(names.map((name) => stat(path.join(tmpDir, name)).then((s) => s.size, () => 0)));
    if (sizes.some((size) => size >= bytes)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('graceful shutdown', function () {
  this.timeout(90_000);

  it('finishes the request in flight, refuses new connections and exits 0', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'archive-shutdown-'));
    try {
      const env = { DATA_DIR: path.join(work, 'data'), UPLOAD_DIR: path.join(work, 'uploads') };
      const archive = await startArchiveProcess(env);
      const token = await tokenThroughCli(env, 'editor');
      const exited = new Promise<number | null>((resolve) => archive.child.once('exit', (code) => resolve(code)));
      const form = new FormData();
      form.set('image', await openAsBlob(path.join(FIXTURES, 'heic-iphone7.heic')), 'heic-iphone7.heic');
      // A HEIC decode takes around a second: long enough to be in flight when the signal arrives.
      const inFlight = fetch(`${archive.url}/api/images`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
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

  it('lets an upload whose client hung up finish before the database closes', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'archive-shutdown-'));
    const env = { DATA_DIR: path.join(work, 'data'), UPLOAD_DIR: path.join(work, 'uploads') };
    try {
      const archive = await startArchiveProcess(env);
      const token = await tokenThroughCli(env, 'editor');
      const auth = { headers: { Authorization: `Bearer ${token}` } };
      const exited = new Promise<number | null>((resolve) => archive.child.once('exit', (code) => resolve(code)));
      // The whole upload is sent, then the connection is reset (RST, as a crashed or killed client
      // leaves it): the server sees it closed at once, while the HEIC decode is still under way.
      const heic = path.join(FIXTURES, 'heic-iphone7.heic');
      const socket = await sendUploadThenReset(archive.url, heic, token);
      await fullyReceived(path.join(env.UPLOAD_DIR, 'tmp'), (await stat(heic)).size);
      socket.resetAndDestroy();
      archive.child.kill('SIGTERM');
      expect(await exited).to.equal(0);

      // Started again: the image is in the archive, with its file, and nothing needed repairing.
      const again = await startArchiveProcess(env);
      try {
        const list = await (await fetch(`${again.url}/api/images`, auth)).json();
        expect(list.total).to.equal(1);
        const image = await (await fetch(`${again.url}${list.items[0].url}`, auth)).json();
        expect((await fetch(`${again.url}${image.original.url}`, auth)).status).to.equal(200);
      } finally {
        await again.stop();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
