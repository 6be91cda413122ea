// npm run test:load — about 30 s of mixed traffic on loopback against the archive as its own process
// (gallery pages with varied filters, image pages, lookups, edits, sign-ins through the login form
// and sign-outs, ~10 concurrent uploads of distinct
// generated JPEGs with retries when the connection fails), the server killed with SIGKILL once in the
// middle and restarted on the same folders. Then it checks that every acknowledged upload is there
// once with its original and derivatives (hashes match) and a verifying history, every acknowledged
// edit is in the history, there is no orphan file or document, and no error outside the restart
// window. Prints its figures; exits 1 on any loss, orphan or error outside the window.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import sharp from 'sharp';
import { DEFAULT_DB_NAME } from '../../server/db/connection';
import { startEmbeddedServer } from '../../server/embedded-db';
import { runUserCli, startArchiveProcess, tokenThroughCli, type ArchiveProcess } from '../support/archive-process';

/** The load acts as one editor: its token is made with npm run user while the archive runs. */
let editorToken: string | undefined;
const plainFetch = globalThis.fetch;
const fetch: typeof plainFetch = (input, init = {}) => {
  if (!editorToken) return plainFetch(input, init);
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${editorToken}`);
  return plainFetch(input, { ...init, headers });
};
import { seededRandom } from '../support/seeded-random';

const DURATION_MS = Number(process.env.LOAD_DURATION_MS ?? 30_000);
const KILL_AT_MS = DURATION_MS * 0.45;
const UPLOADERS = 10;
const PAGE_READERS = 3;
/** After the restarted server answers, failures of requests sent before it did still count as the window's. */
const WINDOW_GRACE_MS = 1000;

type Kind = 'gallery' | 'image page' | 'articles page' | 'image api' | 'lookup' | 'edit' | 'upload' | 'sign-in' | 'signed-in page';

interface Sample {
  kind: Kind;
  ms: number;
  ok: boolean;
  at: number;
  detail?: string;
}

interface AckedUpload {
  sha256: string;
  id: string;
  attempts: number;
}

interface AckedEdit {
  id: string;
  caption: string;
}

const samples: Sample[] = [];
const uploads: AckedUpload[] = [];
const edits: AckedEdit[] = [];
let uploadRetries = 0;

/** Set when the traffic starts; every time below is measured from it. */
let started = Date.now();
const now = () => Date.now() - started;
let window: { from: number; to: number } | undefined;
let archive: ArchiveProcess;
let stopping = false;

function inWindow(at: number): boolean {
  return window !== undefined && at >= window.from && at <= window.to + WINDOW_GRACE_MS;
}

/** One request, timed and classified: ok when `expected` holds for the status. */
async function timed(kind: Kind, send: (url: string) => Promise<Response>, expected: (status: number) => boolean = (s) => s < 400): Promise<Response | undefined> {
  const t0 = performance.now();
  try {
    const response = await send(archive.url);
    const body = await response.arrayBuffer();
    const ok = expected(response.status);
    samples.push({ kind, ms: performance.now() - t0, ok, at: now(), detail: ok ? undefined : `${response.status} ${Buffer.from(body).toString('utf8').slice(0, 160)}` });
    return ok ? new Response(body, { status: response.status, headers: response.headers }) : undefined;
  } catch (error) {
    samples.push({ kind, ms: performance.now() - t0, ok: false, at: now(), detail: `connection: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}` });
    await sleep(250); // a client whose connection failed waits a moment before the next request
    return undefined;
  }
}

async function distinctJpeg(seed: number): Promise<Buffer> {
  const random = seededRandom(seed);
  const width = 320;
  const height = 240;
  const pixels = Buffer.alloc(width * height * 3);
  // Blocks of random colour: each seed a different picture, so near-duplicate matching has work to do.
  const block = 16;
  for (let by = 0; by < height; by += block) {
    for (let bx = 0; bx < width; bx += block) {
      const colour = [random() * 255, random() * 255, random() * 255];
      for (let y = by; y < by + block; y++) for (let x = bx; x < bx + block; x++) pixels.set(colour, (y * width + x) * 3);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function uploadForm(jpeg: Buffer, n: number): FormData {
  const form = new FormData();
  form.set('credit', `Load Test/Agency ${n}`);
  form.set('caption', `Generated picture ${n}`);
  form.set('image', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), `load-${n}.jpg`);
  return form;
}

/** Uploads one file until acknowledged; a failed connection (or a 5xx) is retried, as a client would. */
async function uploadUntilAcknowledged(jpeg: Buffer, n: number): Promise<void> {
  const sha256 = createHash('sha256').update(jpeg).digest('hex');
  for (let attempt = 1; attempt <= 20; attempt++) {
    if (attempt > 1) uploadRetries++;
    const response = await timed('upload', (url) => fetch(`${url}/api/images`, { method: 'POST', body: uploadForm(jpeg, n) }), (s) => s === 201 || s === 200);
    if (response) {
      const body = (await response.json()) as { id: string; sha256: string };
      if (body.sha256 !== sha256) throw new Error(`upload ${n}: the archive reports sha256 ${body.sha256}, sent ${sha256}`);
      uploads.push({ sha256, id: body.id, attempts: attempt });
      return;
    }
    if (stopping && !window) return;
    await sleep(200 * attempt);
  }
}

async function uploader(jpegs: Buffer[], next: () => number): Promise<void> {
  while (!stopping) {
    const n = next();
    if (n >= jpegs.length) return;
    await uploadUntilAcknowledged(jpegs[n], n);
  }
}

const GALLERY_QUERIES = ['', '?sort=oldest', '?q=generated', '?credit=Load%20Test%2FAgency%203', '?gps=no', '?status=unverified', '?page=2', '?q=picture&sort=captured', '?platform=telegram'];

async function pageReader(seedIds: string[], random: () => number): Promise<void> {
  while (!stopping) {
    const pick = random();
    if (pick < 0.5) await timed('gallery', (url) => fetch(`${url}/${GALLERY_QUERIES[Math.floor(random() * GALLERY_QUERIES.length)]}`));
    else if (pick < 0.8) {
      const id = [...seedIds, ...uploads.map((u) => u.id)][Math.floor(random() * (seedIds.length + uploads.length))];
      await timed('image page', (url) => fetch(`${url}/images/${id}`));
    } else if (pick < 0.9) await timed('articles page', (url) => fetch(`${url}/articles`));
    else {
      const id = seedIds[Math.floor(random() * seedIds.length)];
      await timed('image api', (url) => fetch(`${url}/api/images/${id}`));
    }
    await sleep(15);
  }
}

async function looker(jpegs: Buffer[], random: () => number): Promise<void> {
  while (!stopping) {
    const jpeg = jpegs[Math.floor(random() * jpegs.length)];
    const form = new FormData();
    form.set('image', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'lookup.jpg');
    await timed('lookup', (url) => fetch(`${url}/api/lookup`, { method: 'POST', body: form }));
    await sleep(100);
  }
}

async function editor(seedIds: string[]): Promise<void> {
  for (let n = 0; !stopping; n++) {
    const id = seedIds[n % seedIds.length];
    const caption = `Edited caption ${n}`;
    const response = await timed('edit', (url) =>
      fetch(`${url}/api/images/${id}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ caption, reason: `load edit ${n}` }) }),
    );
    if (response) edits.push({ id, caption });
    await sleep(150);
  }
}

/** A person signing in through the form (with its CSRF token), opening their account page, and signing out. */
async function signer(account: { email: string; password: string }): Promise<void> {
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const cookieOf = (response: Response) => response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  while (!stopping) {
    // Each step is its own timed request: a restart in between ends the session, as it would for a person.
    let cookie = '';
    let csrf = '';
    const form = await timed('sign-in', async (url) => {
      const response = await plainFetch(`${url}/login`);
      cookie = cookieOf(response);
      return response;
    });
    if (form) csrf = csrfOf(await form.text());
    const signedIn = form && (await timed('sign-in', async (url) => {
      const response = await plainFetch(`${url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: url },
        body: new URLSearchParams({ email: account.email, password: account.password, _csrf: csrf }),
      });
      cookie = cookieOf(response) || cookie;
      return response;
    }, (status) => status === 303));
    const page = signedIn && (await timed('signed-in page', (url) => plainFetch(`${url}/account`, { headers: { Cookie: cookie }, redirect: 'manual' }), (status) => status === 200));
    if (page) {
      const token = csrfOf(await page.text());
      await timed('sign-in', (url) => plainFetch(`${url}/logout`, { method: 'POST', redirect: 'manual', headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: url }, body: new URLSearchParams({ _csrf: token }) }), (status) => status === 303);
    }
    await sleep(400);
  }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function verify(env: { DATA_DIR: string; UPLOAD_DIR: string }): Promise<{ lostUploads: string[]; duplicated: string[]; badFiles: string[]; badChains: string[]; lostEdits: AckedEdit[]; orphanFiles: string[]; orphanDocuments: string[]; leftInTmp: string[] }> {
  const lostUploads: string[] = [];
  const badFiles: string[] = [];
  const badChains: string[] = [];
  const lostEdits: AckedEdit[] = [];
  const historyOf = new Map<string, { chainValid: boolean; entries: Array<{ type: string; changes: Array<{ field: string; to: unknown }> }> }>();
  for (const upload of uploads) {
    const response = await fetch(`${archive.url}/api/images/${upload.id}`);
    if (response.status !== 200) {
      lostUploads.push(upload.sha256);
      continue;
    }
    const image = (await response.json()) as { sha256: string; original: { url: string }; derivatives: { thumbnail: { url: string } | null; display: { url: string } | null } };
    const original = Buffer.from(await (await fetch(`${archive.url}${image.original.url}`)).arrayBuffer());
    if (createHash('sha256').update(original).digest('hex') !== upload.sha256) badFiles.push(`${upload.id}: original does not hash to ${upload.sha256}`);
    for (const derivative of [image.derivatives.thumbnail, image.derivatives.display]) {
      if (!derivative) {
        badFiles.push(`${upload.id}: a derivative is missing`);
        continue;
      }
      const bytes = Buffer.from(await (await fetch(`${archive.url}${derivative.url}`)).arrayBuffer());
      if (!path.basename(derivative.url).startsWith(createHash('sha256').update(bytes).digest('hex'))) badFiles.push(`${upload.id}: ${derivative.url} does not hash to its name`);
    }
  }
  for (const id of new Set([...uploads.map((u) => u.id), ...edits.map((e) => e.id)])) {
    const history = (await (await fetch(`${archive.url}/api/images/${id}/history`)).json()) as { chainValid: boolean; entries: Array<{ type: string; changes: Array<{ field: string; to: unknown }> }> };
    historyOf.set(id, history);
    if (!history.chainValid) badChains.push(id);
  }
  for (const edit of edits) {
    const found = historyOf.get(edit.id)?.entries.some((entry) => entry.type === 'edited' && entry.changes.some((change) => change.field === 'caption' && change.to === edit.caption));
    if (!found) lostEdits.push(edit);
  }

  // The stores themselves, with the archive stopped: the database opened directly, the folders listed.
  await archive.stop();
  const db = await startEmbeddedServer({ dbPath: path.join(env.DATA_DIR, 'db'), port: 0 });
  const client = await MongoClient.connect(db.uri);
  try {
    const database = client.db(DEFAULT_DB_NAME);
    const images = await database.collection('images').find({}, { projection: { sha256: 1, originalFile: 1, derivatives: 1 } }).toArray();
    const imageIds = new Set(images.map((image) => String(image._id)));
    const bySha = new Map<string, number>();
    for (const image of images) bySha.set(String(image.sha256), (bySha.get(String(image.sha256)) ?? 0) + 1);
    const duplicated = [...bySha].filter(([, count]) => count > 1).map(([sha]) => sha);
    const orphanDocuments: string[] = [];
    for (const collection of ['imagemetadatas', 'historyentries']) {
      for (const doc of await database.collection(collection).find({}, { projection: { image: 1 } }).toArray()) {
        if (!imageIds.has(String(doc.image))) orphanDocuments.push(`${collection} ${String(doc._id)} (image ${String(doc.image)})`);
      }
    }
    const referenced = new Set<string>();
    for (const image of images) {
      referenced.add(String(image.originalFile));
      const derivatives = image.derivatives as { thumbnail?: { file?: string }; display?: { file?: string } } | undefined;
      for (const file of [derivatives?.thumbnail?.file, derivatives?.display?.file]) if (file) referenced.add(file);
    }
    const stored = [...(await readdir(path.join(env.UPLOAD_DIR, 'originals'))), ...(await readdir(path.join(env.UPLOAD_DIR, 'derivatives')))];
    const orphanFiles = stored.filter((name) => !referenced.has(name));
    for (const image of images) {
      if (!stored.includes(String(image.originalFile))) badFiles.push(`record ${String(image._id)} without its original`);
    }
    const leftInTmp = await readdir(path.join(env.UPLOAD_DIR, 'tmp'));
    return { lostUploads, duplicated, badFiles, badChains, lostEdits, orphanFiles, orphanDocuments, leftInTmp };
  } finally {
    await client.close();
    await db.close();
  }
}

async function main(): Promise<number> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'archive-load-'));
  // One instance, restarted after its own crash: every leftover is its own, so no margin is needed.
  const env = { DATA_DIR: path.join(work, 'data'), UPLOAD_DIR: path.join(work, 'uploads'), LEFTOVER_MARGIN_SECONDS: '0' };
  try {
    const jpegs = await Promise.all(Array.from({ length: 400 }, (_, i) => distinctJpeg(1000 + i)));
    archive = await startArchiveProcess(env);
    editorToken = await tokenThroughCli(env, 'editor');
    // A viewer with a password (given on standard input, as a script would), who signs in through the form.
    const viewer = { email: `viewer-${process.pid}@load.example`, password: 'load-test-password-9f3k' };
    const made = await runUserCli(env, ['create', viewer.email, '--role', 'viewer', '--password-stdin'], `${viewer.password}\n`);
    if (made.code !== 0) throw new Error(`npm run user -- create failed (${made.code}): ${made.stderr}`);
    // A few records to read and edit from the start.
    const seedIds: string[] = [];
    for (let n = 0; n < 4; n++) {
      const response = await fetch(`${archive.url}/api/images`, { method: 'POST', body: uploadForm(await distinctJpeg(n + 1), -n - 1) });
      if (response.status !== 201) throw new Error(`seeding failed: ${response.status}`);
      seedIds.push(((await response.json()) as { id: string }).id);
    }

    started = Date.now();
    let nextJpeg = 0;
    const random = seededRandom(42);
    const workers = [
      ...Array.from({ length: UPLOADERS }, () => uploader(jpegs, () => nextJpeg++)),
      ...Array.from({ length: PAGE_READERS }, (_, i) => pageReader(seedIds, seededRandom(100 + i))),
      looker(jpegs, random),
      editor(seedIds),
      signer(viewer),
    ];
    const fault = (async () => {
      await sleep(KILL_AT_MS);
      const from = now();
      window = { from, to: Number.POSITIVE_INFINITY };
      const exited = new Promise((resolve) => archive.child.once('exit', resolve));
      archive.child.kill('SIGKILL');
      await exited;
      archive = await startArchiveProcess(env);
      window.to = now();
    })();
    await sleep(DURATION_MS);
    await fault; // the window must have closed before the traffic stops
    // At least a few seconds of traffic against the restarted server, however long the restart took.
    await sleep(Math.max(0, (window?.to ?? 0) + 5000 - now()));
    stopping = true;
    await Promise.all(workers);

    const result = await verify(env);
    const restartMs = window ? window.to - window.from : 0;
    const failures = samples.filter((s) => !s.ok);
    const insideWindow = failures.filter((s) => inWindow(s.at));
    const outsideWindow = failures.filter((s) => !inWindow(s.at));

    console.log(`load-and-fault: ${Math.round(DURATION_MS / 1000)} s planned, ${UPLOADERS} uploaders, ${PAGE_READERS} page readers, 1 lookup client, 1 editor, 1 person signing in and out; SIGKILL at ${Math.round((window?.from ?? 0) / 100) / 10} s`);
    console.log(`  requests ${samples.length}; errors inside the restart window ${insideWindow.length}, outside ${outsideWindow.length}`);
    const byKind = (list: Sample[]) => [...new Set(list.map((s) => s.kind))].map((kind) => `${kind} ${list.filter((s) => s.kind === kind).length}`).join(', ') || 'none';
    console.log(`    inside by kind: ${byKind(insideWindow)}; outside by kind: ${byKind(outsideWindow)}`);
    if (process.env.LOAD_VERBOSE) for (const kind of new Set(failures.map((f) => f.kind))) console.log(`    e.g. ${kind}: ${failures.find((f) => f.kind === kind)?.detail}`);
    console.log(`  traffic ${Math.round(now() / 1000)} s in all; restart (SIGKILL to answering again, repair included) ${restartMs} ms`);
    console.log(`  uploads acknowledged ${uploads.length} (retries ${uploadRetries}), lost ${result.lostUploads.length}, stored twice ${result.duplicated.length}, bad files ${result.badFiles.length}`);
    console.log(`  edits acknowledged ${edits.length}, lost ${result.lostEdits.length}; history chains not verifying ${result.badChains.length}`);
    console.log(`  orphans: files ${result.orphanFiles.length}, documents ${result.orphanDocuments.length}, left in tmp ${result.leftInTmp.length}`);
    console.log('  kind           count     p50 ms    p99 ms');
    for (const kind of ['gallery', 'image page', 'articles page', 'image api', 'lookup', 'edit', 'upload', 'sign-in', 'signed-in page'] as Kind[]) {
      const ms = samples.filter((s) => s.kind === kind && s.ok).map((s) => s.ms);
      console.log(`  ${kind.padEnd(14)} ${String(samples.filter((s) => s.kind === kind).length).padStart(5)} ${percentile(ms, 50).toFixed(0).padStart(10)} ${percentile(ms, 99).toFixed(0).padStart(9)}`);
    }
    const problems = [
      ...outsideWindow.slice(0, 10).map((s) => `error outside the restart window at ${s.at} ms (${s.kind}): ${s.detail}`),
      ...result.lostUploads.map((sha) => `acknowledged upload lost: ${sha}`),
      ...result.duplicated.map((sha) => `stored more than once: ${sha}`),
      ...result.badFiles,
      ...result.badChains.map((id) => `history chain does not verify: ${id}`),
      ...result.lostEdits.map((edit) => `acknowledged edit lost: ${edit.id} "${edit.caption}"`),
      ...result.orphanFiles.map((name) => `orphan file: ${name}`),
      ...result.orphanDocuments.map((doc) => `orphan document: ${doc}`),
      ...result.leftInTmp.map((name) => `left in tmp: ${name}`),
    ];
    if (uploads.length === 0 || edits.length === 0) problems.push('no upload or no edit was acknowledged: the test did not test anything');
    if (!window || window.to === Number.POSITIVE_INFINITY) problems.push('the server was not killed and restarted');
    for (const problem of problems) console.log(`  FAIL ${problem}`);
    console.log(problems.length === 0 ? 'load-and-fault: passed' : `load-and-fault: FAILED (${problems.length} problems)`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    if (archive?.child.exitCode === null) await archive.stop().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('load-and-fault: could not run:', error);
    process.exit(1);
  },
);
