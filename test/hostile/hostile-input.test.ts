// Hostile input over real HTTP, as an attacker or a broken client would send it. Each case checks the
// status, the message a person reads, that the request id is in the error response and on the request's
// log line (at warn, without a stack; never at error), that the server still serves, and that the
// archive is unchanged: every collection's count and the file lists of every store, before and after.
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { createLogger } from '../../server/shared/logger';
import { emptyUploads, filesUnder, fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  err?: unknown;
}

const WARN = 40;
const ERROR = 50;

/** Sends bytes exactly as given on a fresh connection and reads the whole reply (the server closes it). */
function rawHttp(app: TestApp, request: Buffer | string, options: { hangUpAfterWrite?: boolean } = {}): Promise<Reply | undefined> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('connect', () =>
      socket.write(request, () => {
        if (options.hangUpAfterWrite) {
          socket.destroy();
          resolve(undefined);
        }
      }),
    );
    socket.on('data', (data) => received.push(data));
    socket.on('error', (error) => (options.hangUpAfterWrite ? resolve(undefined) : reject(error)));
    socket.on('close', () => {
      if (options.hangUpAfterWrite) return;
      const whole = Buffer.concat(received).toString('utf8');
      const headEnd = whole.indexOf('\r\n\r\n');
      const [statusLine, ...headerLines] = whole.slice(0, headEnd).split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text: whole.slice(headEnd + 4) });
    });
  });
}

/** The API token every raw request carries (an editor's, so the input is what is refused, not the sender). */
let bearer = '';

function httpRequest(method: string, path: string, headers: Record<string, string>, body: Buffer | string = ''): Buffer {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const credentials = bearer && !('Authorization' in headers) ? [`Authorization: Bearer ${bearer}`] : [];
  const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...credentials, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (!('Content-Length' in headers) && !('Transfer-Encoding' in headers) && method !== 'GET') head.push(`Content-Length: ${bytes.length}`);
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]);
}

interface Part {
  name: string;
  filename?: string;
  type?: string;
  body: Buffer | string;
  /** Replaces the part's header lines as they would be written. */
  rawHeaders?: string;
}

function multipartBody(boundary: string, parts: Part[], terminated = true): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const headers =
      part.rawHeaders ??
      `Content-Disposition: form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}${part.type ? `\r\nContent-Type: ${part.type}` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`, 'latin1'), Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body, 'utf8'), Buffer.from('\r\n'));
  }
  if (terminated) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

function multipartRequest(path: string, parts: Part[], options: { boundary?: string; headerBoundary?: string | null; terminated?: boolean; accept?: string } = {}): Buffer {
  const boundary = options.boundary ?? 'hostileBoundary42';
  const headerBoundary = options.headerBoundary === undefined ? boundary : options.headerBoundary;
  const contentType = headerBoundary === null ? 'multipart/form-data' : `multipart/form-data; boundary=${headerBoundary}`;
  return httpRequest('POST', path, { 'Content-Type': contentType, Accept: options.accept ?? 'application/json' }, multipartBody(boundary, parts, options.terminated ?? true));
}

const jpegPart = async (name = 'image', filename = 'photo.jpg'): Promise<Part> => ({ name, filename, type: 'image/jpeg', body: await readFile(fixture('Bush-dog.jpg')) });

/** A PNG whose header claims 30,000 × 30,000 pixels (900 megapixels) and holds almost nothing. */
const PIXEL_BOMB_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200007530000075300802000000e9456fed0000001149444154789c63601805a360140c77000003e80001b3a6d3460000000049454e44ae426082',
  'hex',
);

interface Case {
  name: string;
  send(ctx: Context): Promise<Reply | undefined>;
  status: number;
  message: RegExp;
  /** The reply is an HTML page (a browser form), not JSON. */
  page?: boolean;
  /** The refusal is shown beside the form the user filled in (no error page, so no reference shown). */
  formPage?: boolean;
}

interface Context {
  app: TestApp;
  imageId: string;
  other: string;
}

const patch = (body: string, headers: Record<string, string> = {}) => (ctx: Context) =>
  rawHttp(ctx.app, httpRequest('PATCH', `/api/images/${ctx.imageId}`, { 'Content-Type': 'application/json', ...headers }, body));

const CASES: Case[] = [
  // Malformed multipart (busboy's errors): 400, not 500.
  { name: 'upload: body boundary differs from the header', status: 400, message: /not a well-formed multipart form/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [await jpegPart()], { headerBoundary: 'somethingElse' })) },
  { name: 'upload: no boundary in the Content-Type', status: 400, message: /not a well-formed multipart form \(Multipart: Boundary not found\)/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [await jpegPart()], { headerBoundary: null })) },
  { name: 'upload: body ends without its closing boundary', status: 400, message: /Unexpected end of form/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [await jpegPart()], { terminated: false })) },
  { name: 'upload: NUL byte in the file name', status: 400, message: /not a well-formed multipart form/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [await jpegPart('image', 'a\u0000.jpg')])) },
  { name: 'upload: a part without Content-Disposition (skipped, so no file)', status: 400, message: /No file was sent/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'x', rawHeaders: 'X-Nothing: at all', body: 'hello' }])) },
  { name: 'upload: file over the size limit', status: 413, message: /larger than the upload limit/, send: ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'image', filename: 'big.jpg', type: 'image/jpeg', body: Buffer.alloc(1_200_000, 7) }])) },
  { name: 'upload: more files than allowed', status: 413, message: /Too many files/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', await Promise.all([1, 2, 3, 4].map((i) => jpegPart('images', `p${i}.jpg`))))) },
  { name: 'upload: file in an unexpected field', status: 400, message: /Unexpected file field "photo"/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [await jpegPart('photo')])) },
  { name: 'upload: a field over 64 KiB', status: 413, message: /The field "caption" is too long/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'caption', body: 'c'.repeat(70_000) }, await jpegPart()])) },
  { name: 'upload: too many fields', status: 413, message: /Too many (form fields|parts)/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [...Array.from({ length: 60 }, (_, i) => ({ name: `f${i}`, body: 'x' })), await jpegPart()])) },
  { name: 'upload: no file at all', status: 400, message: /No file was sent/, send: ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'caption', body: 'just text' }])) },
  { name: 'upload: an empty file', status: 400, message: /empty \(0 bytes\)/, send: ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'image', filename: 'empty.jpg', type: 'image/jpeg', body: '' }])) },
  { name: 'upload: a script named .jpg', status: 415, message: /./, send: ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'image', filename: 'evil.jpg', type: 'image/jpeg', body: '<script>alert(1)</script>' }])) },
  { name: 'upload: a truncated JPEG', status: 422, message: /./, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'image', filename: 'cut.jpg', type: 'image/jpeg', body: (await readFile(fixture('Canon_40D.jpg'))).subarray(0, 3000) }])) },
  { name: 'upload: a 900-megapixel header', status: 413, message: /pixels|megapixel/i, send: ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'image', filename: 'huge.png', type: 'image/png', body: PIXEL_BOMB_PNG }])) },
  { name: 'upload: CR/LF in the credit', status: 400, message: /"credit" must be one line: it contains U\+000D CARRIAGE RETURN/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'credit', body: 'Reuters\r\nX-Injected: yes' }, await jpegPart()])) },
  { name: 'upload: U+2028 in the credit', status: 400, message: /"credit" must be one line: it contains U\+2028 LINE SEPARATOR/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'credit', body: 'AP\u2028Photo' }, await jpegPart()])) },
  { name: 'upload: the credit sent twice', status: 400, message: /"credit" must be text/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'credit', body: 'AP' }, { name: 'credit', body: 'AFP' }, await jpegPart()])) },
  { name: 'upload: a javascript: source URL', status: 400, message: /"sourceUrl" must be a web address/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'sourceUrl', body: 'javascript:alert(1)' }, await jpegPart()])) },
  { name: 'upload: a claimed date that is not a date', status: 400, message: /"claimedDate" must be a date/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'claimedDate', body: 'yesterday-ish' }, await jpegPart()])) },
  { name: 'upload: a describedImage that is not an id', status: 400, message: /id of a described image/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'describedImage', body: '{"$ne":null}' }, await jpegPart()])) },
  { name: 'upload: a describedImage the archive does not hold', status: 404, message: /No described image/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'describedImage', body: 'a'.repeat(24) }, await jpegPart()])) },
  { name: 'upload: a line break in the article headline', status: 400, message: /"articleHeadline" must be one line: it contains U\+000A LINE FEED/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/images', [{ name: 'articleHeadline', body: 'One\nTwo' }, await jpegPart()])) },
  // The anonymous lookup takes the same hostile bodies.
  { name: 'lookup: body boundary differs from the header', status: 400, message: /not a well-formed multipart form/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/lookup', [await jpegPart()], { headerBoundary: 'nope' })) },
  { name: 'lookup: body ends mid-file', status: 400, message: /Unexpected end of form/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/lookup', [await jpegPart()], { terminated: false })) },
  { name: 'lookup: no file', status: 400, message: /No file was sent/, send: ({ app }) => rawHttp(app, multipartRequest('/api/lookup', [{ name: 'q', body: 'x' }])) },
  { name: 'lookup: two files', status: 413, message: /Too many files/, send: async ({ app }) => rawHttp(app, multipartRequest('/api/lookup', [await jpegPart(), await jpegPart('image', 'b.jpg')])) },
  { name: 'lookup: not an image', status: 415, message: /./, send: ({ app }) => rawHttp(app, multipartRequest('/api/lookup', [{ name: 'image', filename: 'x.png', type: 'image/png', body: '%PDF-1.7 not a picture' }])) },
  // JSON bodies (body-parser's errors).
  { name: 'edit: a body that is not JSON', status: 400, message: /not valid JSON/, send: patch('{"caption": ') },
  { name: 'edit: JSON in an unsupported character set', status: 415, message: /character set "latin1" is not supported: send UTF-8/i, send: patch('{"caption":"x","reason":"r"}', { 'Content-Type': 'application/json; charset=latin1' }) },
  { name: 'edit: an unknown content encoding', status: 415, message: /content encoding "br2" is not supported/, send: patch('{"caption":"x","reason":"r"}', { 'Content-Encoding': 'br2' }) },
  { name: 'edit: a gzip bomb (10 MB of JSON in 10 KB)', status: 413, message: /too large/, send: (ctx) => rawHttp(ctx.app, httpRequest('PATCH', `/api/images/${ctx.imageId}`, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, gzipSync(`{"caption":"${'a'.repeat(10_000_000)}","reason":"r"}`))) },
  { name: 'edit: a body over 100 KB', status: 413, message: /too large/, send: patch(`{"caption":"${'a'.repeat(120_000)}","reason":"r"}`) },
  { name: 'edit: not JSON at all (text/plain)', status: 415, message: /Send the changes as JSON/, send: patch('caption=x', { 'Content-Type': 'text/plain' }) },
  { name: 'edit: a field that cannot be edited', status: 400, message: /Unknown field\(s\): sha256/, send: patch('{"sha256":"00","reason":"r"}') },
  { name: 'edit: no reason', status: 400, message: /"reason" field is required/, send: patch('{"caption":"x"}') },
  { name: 'edit: an operator instead of text', status: 400, message: /"caption" must be text/, send: patch('{"caption":{"$gt":""},"reason":"r"}') },
  { name: 'edit: CR/LF in the credit', status: 400, message: /"credit" must be one line: it contains U\+000A LINE FEED/, send: patch('{"credit":"AP\\nSet-Cookie: x","reason":"r"}') },
  { name: 'edit: a status that does not exist', status: 400, message: /"status" must be one of/, send: patch('{"status":"approved","reason":"r"}') },
  { name: 'edit: a JSON array', status: 400, message: /Send a JSON object/, send: patch('[{"caption":"x"}]') },
  { name: 'edit: __proto__ pollution', status: 400, message: /Unknown field\(s\): __proto__/, send: patch('{"__proto__":{"admin":true},"reason":"r"}') },
  { name: 'edit: nothing to change', status: 400, message: /Nothing to change/, send: patch('{"reason":"r"}') },
  { name: 'edit: a malformed image id', status: 400, message: /is not an image id/, send: (ctx) => rawHttp(ctx.app, httpRequest('PATCH', '/api/images/..%2f..%2fadmin', { 'Content-Type': 'application/json' }, '{"caption":"x","reason":"r"}')) },
  { name: 'edit: an image the archive does not hold', status: 404, message: /No image with this id/, send: (ctx) => rawHttp(ctx.app, httpRequest('PATCH', `/api/images/${'b'.repeat(24)}`, { 'Content-Type': 'application/json' }, '{"caption":"x","reason":"r"}')) },
  // Writes a browser says came from another site (the Chromium test in test/e2e/csrf.test.ts sends real ones).
  { name: 'edit: Origin of another site', status: 403, message: /came from another site, so it was refused/, send: patch('{"caption":"x","reason":"r"}', { Origin: 'http://evil.example' }) },
  { name: 'edit: Origin "null" (a sandboxed frame)', status: 403, message: /came from another site/, send: patch('{"caption":"x","reason":"r"}', { Origin: 'null' }) },
  { name: 'upload form: Sec-Fetch-Site cross-site', status: 403, message: /came from another site/, page: true, send: ({ app }) => rawHttp(app, httpRequest('POST', '/upload', { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', 'Sec-Fetch-Site': 'cross-site' }, 'credit=x')) },
  // Static files and stored media.
  { name: 'a missing asset', status: 404, message: /There is no such file/, page: true, send: ({ app }) => rawHttp(app, httpRequest('GET', '/assets/nothing-here.css', { Accept: 'text/html' })) },
  { name: 'an asset path climbing out of its folder', status: 404, message: /There is no such file|nothing at this address/, page: true, send: ({ app }) => rawHttp(app, httpRequest('GET', '/assets/..%2f..%2fserver%2fmain.ts', { Accept: 'text/html' })) },
  { name: 'an original by a traversal path', status: 400, message: /not a file name the archive gives out/, page: true, send: ({ app }) => rawHttp(app, httpRequest('GET', '/media/originals/..%2f..%2fetc%2fpasswd', { Accept: 'text/html' })) },
  { name: 'a derivative the archive never made', status: 404, message: /No such file in the archive/, page: true, send: ({ app }) => rawHttp(app, httpRequest('GET', `/media/derivatives/${'c'.repeat(64)}.webp`, { Accept: 'text/html' })) },
  // Reads with hostile parameters.
  { name: 'read: a malformed image id', status: 400, message: /is not an image id/, send: ({ app }) => rawHttp(app, httpRequest('GET', '/api/images/%3Cscript%3E', {})) },
  { name: 'gallery: a sort order that does not exist', status: 400, message: /"sort" must be one of/, page: true, send: ({ app }) => rawHttp(app, httpRequest('GET', '/?sort=%24where', { Accept: 'text/html' })) },
  { name: 'gallery: a line break in the credit filter', status: 400, message: /"credit" must be one line/, page: true, send: ({ app }) => rawHttp(app, httpRequest('GET', '/?credit=AP%0D%0AX', { Accept: 'text/html' })) },
  { name: 'gallery: a parameter given twice', status: 400, message: /"q" must be given once/, page: true, send: ({ app }) => rawHttp(app, httpRequest('GET', '/?q=a&q=b', { Accept: 'text/html' })) },
  // Browser forms.
  { name: 'edit form: no reason', status: 400, message: /reason/, page: true, formPage: true, send: (ctx) => rawHttp(ctx.app, httpRequest('POST', `/images/${ctx.imageId}/edit`, { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' }, 'caption=changed')) },
  { name: 'edit form: CR/LF in the credit', status: 400, message: /"credit" must be one line: it contains U\+000D CARRIAGE RETURN/, page: true, formPage: true, send: (ctx) => rawHttp(ctx.app, httpRequest('POST', `/images/${ctx.imageId}/edit`, { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' }, 'credit=AP%0D%0AX&reason=r')) },
  { name: 'upload form: body boundary differs from the header', status: 400, message: /not a well-formed multipart form/, page: true, send: async ({ app }) => rawHttp(app, multipartRequest('/upload', [await jpegPart()], { headerBoundary: 'x', accept: 'text/html' })) },
  { name: 'check form: not an image', status: 415, message: /./, page: true, formPage: true, send: ({ app }) => rawHttp(app, multipartRequest('/check', [{ name: 'image', filename: 'x.jpg', type: 'image/jpeg', body: 'not a picture' }], { accept: 'text/html' })) },
];

/** What must not change: every collection's document count and every store's file list. */
async function archiveState(app: TestApp): Promise<{ counts: Record<string, number>; files: string[] }> {
  const db = mongoose.connection.db!;
  const counts: Record<string, number> = {};
  for (const { name } of await db.listCollections().toArray()) counts[name] = await db.collection(name).countDocuments();
  return { counts, files: await filesUnder(app.uploadDir) };
}

function pageText(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

describe('hostile input', function () {
  this.timeout(60_000);
  const lines: LogLine[] = [];
  let app: TestApp;
  const ctx = {} as Context;
  let baseline: Awaited<ReturnType<typeof archiveState>>;

  before(async () => {
    await resetDatabase();
    const logger = createLogger('info', { destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
    app = await startTestApp({ maxUploadBytes: 1_000_000, maxFilesPerUpload: 3, maxPixels: 50_000_000, logger });
    bearer = app.credentials.verifier.token;
    ctx.app = app;
    for (const name of ['Canon_40D.jpg', 'C.jpg']) {
      const form = new FormData();
      form.set('credit', 'Seed/Agency');
      form.set('image', new Blob([new Uint8Array(await readFile(fixture(name)))]), name);
      const response = await fetch(`${app.url}/api/images`, { method: 'POST', body: form, headers: app.credentials.verifier.header });
      expect(response.status).to.equal(201);
      const body = (await response.json()) as { id: string };
      if (!ctx.imageId) ctx.imageId = body.id;
      else ctx.other = body.id;
    }
    baseline = await archiveState(app);
  });
  after(async () => {
    await app?.close();
    await resetDatabase();
    if (app) await emptyUploads(app);
  });

  it(`has at least 40 cases (${CASES.length})`, () => {
    expect(CASES.length).to.be.at.least(40);
  });

  for (const testCase of CASES) {
    it(`${testCase.name} → ${testCase.status}`, async () => {
      const firstLine = lines.length;
      const reply = (await testCase.send(ctx))!;
      expect(reply.status, reply.text.slice(0, 300)).to.equal(testCase.status);
      const requestId = reply.headers['x-request-id'];
      expect(requestId, 'X-Request-Id').to.match(/^[0-9a-f-]{36}$/);
      if (testCase.page) {
        expect(reply.headers['content-type']).to.match(/^text\/html/);
        const text = pageText(reply.text);
        expect(text).to.match(testCase.message);
        if (!testCase.formPage) expect(text, 'the reference on the error page').to.include(requestId);
      } else {
        const body = JSON.parse(reply.text) as { error: { message: string; requestId: string } };
        expect(body.error.message).to.match(testCase.message);
        expect(body.error.requestId).to.equal(requestId);
      }
      // The request's own line says what was wrong, at warn, without a stack; nothing at error.
      const mine = lines.slice(firstLine).filter((line) => line.requestId === requestId);
      expect(mine.map((line) => line.level), JSON.stringify(mine)).to.include(WARN);
      expect(mine.filter((line) => line.level >= ERROR || line.err !== undefined), JSON.stringify(mine)).to.deep.equal([]);
      // Still serving, and nothing was stored, changed or left behind.
      expect((await fetch(`${app.url}/api/images`)).status).to.equal(200);
      expect((await fetch(`${app.url}/`)).status).to.equal(200);
      expect(await archiveState(app)).to.deep.equal(baseline);
    });
  }

  for (const route of ['/api/images', '/api/lookup']) {
    it(`a client that hangs up mid-upload to ${route} is not an error, and leaves nothing behind`, async () => {
      const firstLine = lines.length;
      const whole = multipartRequest(route, [await jpegPart()]);
      await rawHttp(app, whole.subarray(0, whole.length - 2000), { hangUpAfterWrite: true });
      // The server notices the hang-up asynchronously; wait for its line about it.
      const deadline = Date.now() + 5000;
      while (!lines.slice(firstLine).some((line) => /client_closed|closed the connection/.test(line.msg)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const mine = lines.slice(firstLine);
      expect(mine.some((line) => /client_closed|closed the connection/.test(line.msg)), JSON.stringify(mine)).to.equal(true);
      expect(mine.filter((line) => line.level >= ERROR), JSON.stringify(mine)).to.deep.equal([]);
      expect((await fetch(`${app.url}/`)).status).to.equal(200);
      expect(await archiveState(app)).to.deep.equal(baseline);
    });
  }
});
