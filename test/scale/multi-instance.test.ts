// Issue 16's acceptance, on this machine: the embedded database started on its own (`npm run
// embedded-db`), three app instances on it (MONGODB_URI) sharing one blob store, mixed traffic
// across them (uploads, identical uploads at the same moment on two instances, edits, gallery pages,
// lookups, and sign-ins whose every step lands on a random instance) while one instance is killed
// with SIGKILL and started again. Afterwards every acknowledged upload is there once, readable
// through every instance, with its files in the store and a verifying history; and no file in the
// store is without a record once the leftovers are old enough to be cleared (an instance started
// with LEFTOVER_MARGIN_SECONDS=0 stands for that later start).
// Run for the shared local folder, GridFS and S3 (s3rver as the stand-in).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import sharp from 'sharp';
import { blobName, type BlobStore } from '../../server/blobs/blob-store';
import { createGridFsBlobStore } from '../../server/blobs/gridfs.store';
import { createLocalBlobStore } from '../../server/blobs/local.store';
import { createS3BlobStore } from '../../server/blobs/s3.store';
import { DEFAULT_DB_NAME } from '../../server/db/connection';
import { freePort, projectRoot, runUserCli, startArchiveProcess, tokenThroughCli, type ArchiveProcess } from '../support/archive-process';
import { startS3Server, type TestS3Server } from '../support/s3-server';
import { seededRandom } from '../support/seeded-random';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function distinctJpeg(seed: number): Promise<Buffer> {
  const random = seededRandom(seed);
  const width = 320;
  const height = 240;
  const pixels = Buffer.alloc(width * height * 3);
  for (let by = 0; by < height; by += 16) {
    for (let bx = 0; bx < width; bx += 16) {
      const colour = [random() * 255, random() * 255, random() * 255];
      for (let y = by; y < by + 16; y++) for (let x = bx; x < bx + 16; x++) pixels.set(colour, (y * width + x) * 3);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

/** `npm run embedded-db` in its own process group, as an operator would start it. */
async function startStandaloneDatabase(dbPath: string): Promise<{ uri: string; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('npm', ['run', '--silent', 'embedded-db', '--', '--port', String(port), '--dbpath', dbPath, '--quiet'], { cwd: projectRoot, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((candidate) => candidate.startsWith('mongodb://'));
      if (line) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`npm run embedded-db exited with ${code}`)));
  });
  return {
    uri,
    child,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

interface Ack {
  id: string;
  sha256: string;
}

async function upload(url: string, token: string, bytes: Buffer, name: string): Promise<Ack | undefined> {
  const form = new FormData();
  form.append('credit', 'Multi-instance test');
  form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), name);
  try {
    const response = await fetch(`${url}/api/images`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
    if (response.status !== 201 && response.status !== 200) return undefined;
    const body = (await response.json()) as { id: string; sha256: string };
    return { id: body.id, sha256: body.sha256 };
  } catch {
    return undefined; // the instance was killed under it: not acknowledged
  }
}

/** The cookie a response sets, as `name=value` for the next request's Cookie header. */
function cookieOf(response: Response): string | undefined {
  return response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]!).find((cookie) => cookie.startsWith('archive.sid='));
}

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('the page has no CSRF token');
  return match[1]!;
}

/**
 * One person's visit spread over three instances, as a load balancer without sticky sessions
 * would spread it: the sign-in form from one, the sign-in posted to another, the account page
 * from a third, the sign-out from a fourth pick; afterwards the old cookie is refused. Throws
 * when an instance that answered gives a wrong answer; an instance killed under it (a failed
 * fetch) ends the visit unfinished.
 */
async function visit(pick: () => ArchiveProcess, person: { email: string; password: string; name: string }): Promise<'done' | 'interrupted'> {
  try {
    const form = await fetch(`${pick().url}/login`);
    const formCookie = cookieOf(form)!;
    const signIn = await fetch(`${pick().url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: formCookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(await form.text()), email: person.email, password: person.password, next: '/account' }),
    });
    await signIn.arrayBuffer();
    expect(signIn.status, 'sign-in posted to another instance').to.equal(303);
    const cookie = cookieOf(signIn)!;
    const account = await fetch(`${pick().url}/account`, { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(account.status, 'account page on another instance').to.equal(200);
    expect(await account.text()).to.contain(person.name);
    const signOutForm = await fetch(`${pick().url}/logout`, { headers: { Cookie: cookie } });
    const signOut = await fetch(`${pick().url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(await signOutForm.text()) }),
    });
    await signOut.arrayBuffer();
    expect(signOut.status, 'sign-out on another instance').to.equal(303);
    const replayed = await fetch(`${pick().url}/api/account`, { headers: { Cookie: cookie } });
    await replayed.arrayBuffer();
    expect(replayed.status, 'the signed-out cookie on another instance').to.equal(401);
    return 'done';
  } catch (error) {
    if (error instanceof TypeError) return 'interrupted'; // fetch failed: the instance was killed under it
    throw error;
  }
}

interface StoreCase {
  name: string;
  env(work: string, instance: number): Record<string, string>;
  store(work: string, uri: string): { blobs: BlobStore; close(): Promise<void> };
}

describe('three app instances on one standalone database, one killed and started again', function () {
  this.timeout(300_000);
  let s3: TestS3Server;

  before(async () => {
    s3 = await startS3Server('archive-scale');
  });
  after(async () => {
    await s3.close();
  });

  const cases: StoreCase[] = [
    {
      name: 'the local folder, shared',
      env: (work) => ({ BLOB_STORE: 'local', UPLOAD_DIR: path.join(work, 'shared-uploads') }),
      store: (work) => ({ blobs: createLocalBlobStore(path.join(work, 'shared-uploads')), close: async () => undefined }),
    },
    {
      name: 'GridFS',
      env: (work, instance) => ({ BLOB_STORE: 'gridfs', UPLOAD_DIR: path.join(work, `uploads-${instance}`) }),
      store: (_work, uri) => {
        const client = new MongoClient(uri);
        return { blobs: createGridFsBlobStore(() => client.db(DEFAULT_DB_NAME)), close: () => client.close() };
      },
    },
    {
      name: 'S3 (s3rver)',
      env: (work, instance) => ({ ...s3.env(), UPLOAD_DIR: path.join(work, `uploads-${instance}`) }),
      store: () => ({ blobs: createS3BlobStore(s3.config()), close: async () => undefined }),
    },
  ];

  for (const storeCase of cases) {
    it(`keeps every acknowledged upload once, readable everywhere, and leaves no orphan (${storeCase.name})`, async () => {
      const work = await mkdtemp(path.join(os.tmpdir(), 'archive-scale-'));
      const database = await startStandaloneDatabase(path.join(work, 'db'));
      const envOf = (instance: number): Record<string, string> => ({ MONGODB_URI: database.uri, DATA_DIR: path.join(work, `data-${instance}`), ...storeCase.env(work, instance) });
      const instances: ArchiveProcess[] = [];
      try {
        for (let i = 0; i < 3; i++) instances.push(await startArchiveProcess(envOf(i)));
        const token = await tokenThroughCli(envOf(0), 'editor');
        const person = { email: `viewer-${Date.now()}@cli.example`, password: 'a long enough pass phrase 16', name: 'Vera Visitor' };
        const created = await runUserCli(envOf(1), ['create', person.email, '--role', 'viewer', '--name', person.name, '--password-stdin'], `${person.password}\n`);
        expect(created.code, created.stderr).to.equal(0);
        const auth = { Authorization: `Bearer ${token}` };
        const acks: Ack[] = [];
        const edits = new Map<string, Set<string>>();
        let seed = 0;
        let stopping = false;
        const live = () => instances.filter((instance) => instance.child.exitCode === null && instance.child.signalCode === null);
        const pick = () => live()[Math.floor(Math.random() * live().length)];

        const uploader = async () => {
          while (!stopping) {
            seed += 1;
            const bytes = await distinctJpeg(seed);
            if (seed % 5 === 0) {
              // The same file on two instances at the same moment: one record, both answers point at it.
              const [one, two] = await Promise.all([upload(instances[0].url, token, bytes, `s${seed}.jpg`), upload(instances[1].url, token, bytes, `s${seed}.jpg`)]);
              if (one && two) expect(one.id, `identical uploads of seed ${seed}`).to.equal(two.id);
              for (const ack of [one, two]) if (ack) acks.push(ack);
            } else {
              const ack = await upload(pick().url, token, bytes, `s${seed}.jpg`);
              if (ack) acks.push(ack);
            }
          }
        };
        const editor = async () => {
          while (!stopping) {
            await sleep(150);
            const target = acks[Math.floor(Math.random() * acks.length)];
            if (!target) continue;
            const caption = `Edited ${Math.random().toString(36).slice(2)}`;
            try {
              const response = await fetch(`${pick().url}/api/images/${target.id}`, { method: 'PATCH', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ caption, reason: 'multi-instance test' }) });
              if (response.ok) edits.set(target.id, (edits.get(target.id) ?? new Set()).add(caption));
              await response.arrayBuffer();
            } catch {
              // killed under it
            }
          }
        };
        const reader = async () => {
          while (!stopping) {
            try {
              await (await fetch(`${pick().url}/?credit=Multi-instance+test`)).arrayBuffer();
              const target = acks.at(-1);
              if (target) {
                const form = new FormData();
                form.append('image', new Blob([new Uint8Array(await distinctJpeg(1 + Math.floor(Math.random() * seed)))], { type: 'image/jpeg' }), 'probe.jpg');
                await (await fetch(`${pick().url}/api/lookup`, { method: 'POST', body: form, headers: auth })).arrayBuffer();
              }
            } catch {
              // killed under it
            }
            await sleep(100);
          }
        };

        const visits = { done: 0, interrupted: 0 };
        const visitor = async () => {
          while (!stopping) {
            visits[await visit(pick, person)] += 1;
            await sleep(100);
          }
        };

        const traffic = Promise.all([uploader(), uploader(), uploader(), editor(), reader(), visitor()]).finally(() => (stopping = true));
        await sleep(4000);
        const victim = instances[2];
        victim.child.kill('SIGKILL');
        await new Promise((resolve) => victim.child.once('exit', resolve));
        await sleep(1000);
        // Started again under traffic, with the default one-hour margin: its repair must not take the others' uploads in progress.
        instances[2] = await startArchiveProcess(envOf(2));
        await sleep(4000);
        stopping = true;
        await traffic;
        expect(acks.length, 'acknowledged uploads').to.be.at.least(5);
        expect(visits.done, 'sign-in visits spread over the instances').to.be.at.least(3);

        // Every acknowledged upload: once, through every instance, with its files and a verifying history.
        const bySha = new Map(acks.map((ack) => [ack.sha256, ack.id]));
        for (const [index, instance] of instances.entries()) {
          const known = await (await fetch(`${instance.url}/api/images/known`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ hashes: [...bySha.keys()] }) })).json();
          expect(Object.keys(known.known).length, `known on instance ${index}`).to.equal(bySha.size);
          for (const [hash, id] of bySha) expect(known.known[hash], `id of ${hash} on instance ${index}`).to.equal(id);
        }
        const records: Array<{ id: string; sha256: string }> = [];
        for (let page = 1; ; page++) {
          const list = await (await fetch(`${instances[0].url}/api/images?limit=96&page=${page}`, { headers: auth })).json();
          records.push(...(list.items as Array<{ id: string; sha256: string }>));
          if (page >= list.pages) break;
        }
        expect(new Set(records.map((record) => record.sha256)).size, 'one record per file').to.equal(records.length);
        const referenced = new Set<string>();
        for (const record of records) {
          const image = await (await fetch(`${instances[1].url}/api/images/${record.id}`, { headers: auth })).json();
          for (const url of [image.original.url, image.derivatives.thumbnail.url, image.derivatives.display.url] as string[]) referenced.add(blobName(url));
          if (!bySha.has(record.sha256)) continue;
          for (const instance of instances) {
            const original = await fetch(`${instance.url}${image.original.url}`, { headers: auth });
            expect(original.status).to.equal(200);
            expect(sha256(Buffer.from(await original.arrayBuffer())), `original of ${record.id}`).to.equal(record.sha256);
          }
          for (const url of [image.derivatives.thumbnail.url, image.derivatives.display.url] as string[]) {
            const derivative = await fetch(`${instances[2].url}${url}`);
            expect(derivative.status, url).to.equal(200);
            expect(`${sha256(Buffer.from(await derivative.arrayBuffer()))}.webp`).to.equal(blobName(url));
          }
          const history = await (await fetch(`${instances[0].url}/api/images/${record.id}/history`, { headers: auth })).json();
          expect(history.chainValid, `history of ${record.id}`).to.equal(true);
          const captions = edits.get(record.id);
          if (captions) expect([...captions], `caption of ${record.id}`).to.include(image.declared.caption);
        }

        // An edit on one instance shows in another's gallery within 2 s; an upload on one is found by another's lookup within 5 s.
        // The latest upload, so that it is on the gallery's first page.
        const target = acks.at(-1)!;
        const caption = `Seen everywhere ${Date.now()}`;
        await (await fetch(`${instances[0].url}/api/images/${target.id}`, { method: 'PATCH', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ caption, reason: 'check' }) })).arrayBuffer();
        const editedAt = Date.now();
        while (!(await (await fetch(`${instances[1].url}/?credit=Multi-instance+test`)).text()).includes(caption)) {
          expect(Date.now() - editedAt, 'edit seen on another instance').to.be.below(2000);
          await sleep(100);
        }
        const fresh = await distinctJpeg(100_000);
        const stored = await upload(instances[1].url, token, fresh, 'fresh.jpg');
        const nearCopy = await sharp(fresh).resize(240).jpeg({ quality: 70 }).toBuffer();
        const storedAt = Date.now();
        for (;;) {
          const form = new FormData();
          form.append('image', new Blob([new Uint8Array(nearCopy)], { type: 'image/jpeg' }), 'near.jpg');
          const answer = await (await fetch(`${instances[2].url}/api/lookup`, { method: 'POST', body: form, headers: auth })).json();
          if ((answer.matches as Array<{ imageId: string }>).some((match) => match.imageId === stored!.id)) break;
          expect(Date.now() - storedAt, 'upload found by another instance').to.be.below(5000);
          await sleep(200);
        }
        referenced.add(`${stored!.sha256}.jpg`);
        const freshImage = await (await fetch(`${instances[1].url}/api/images/${stored!.id}`, { headers: auth })).json();
        for (const url of [freshImage.derivatives.thumbnail.url, freshImage.derivatives.display.url] as string[]) referenced.add(blobName(url));

        // No orphans once leftovers are old enough: stop everything, then start one instance with no margin.
        for (const instance of instances) await instance.stop();
        instances.length = 0;
        instances.push(await startArchiveProcess({ ...envOf(0), LEFTOVER_MARGIN_SECONDS: '0' }));
        const { blobs, close } = storeCase.store(work, database.uri);
        try {
          const stray: string[] = [];
          for (const folder of ['originals/', 'derivatives/'] as const) {
            for await (const blob of blobs.list(folder)) if (!referenced.has(blobName(blob.key))) stray.push(blob.key);
          }
          expect(stray, 'files in the store without a record').to.deep.equal([]);
          expect(await readdir(path.join(envOf(0).UPLOAD_DIR, 'tmp')), 'temporary uploads').to.deep.equal([]);
        } finally {
          await close();
        }
      } finally {
        for (const instance of instances) {
          if (instance.child.exitCode === null && instance.child.signalCode === null) await instance.stop();
        }
        await database.stop();
        await rm(work, { recursive: true, force: true });
      }
    });
  }
});
