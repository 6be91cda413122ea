// The CLI tools' HTTP client against a stand-in server that fails on purpose: which failures are
// tried again (connection errors, 5xx) and which never are (4xx), and that the token is sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ArchiveRequestError, createArchiveClient } from '../../cli/shared/archive-client';

describe('archive client (import and export tools)', () => {
  let server: http.Server;
  let url: string;
  const seen: Array<{ path: string; authorization?: string }> = [];
  let answers: number[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { ok: true } : { error: { code: `code_${status}`, message: `answered ${status}` } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen.length = 0;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('tries a 5xx again, up to 3 tries, and sends the token each time', async () => {
    answers = [503, 500];
    const client = createArchiveClient({ server: url, token: 'secret-token', backoffMs: 5 });
    expect(await client.json('GET', '/api/x')).to.deep.equal({ ok: true });
    expect(seen).to.have.length(3);
    expect(seen.every((request) => request.authorization === 'Bearer secret-token')).to.equal(true);
  });

  it('gives up after the third 5xx with the server\'s message', async () => {
    answers = [502, 502, 502, 200];
    const client = createArchiveClient({ server: url, backoffMs: 5 });
    const error = await client.json('GET', '/api/x').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ArchiveRequestError);
    expect((error as ArchiveRequestError).message).to.equal('answered 502');
    expect(seen).to.have.length(3);
    answers = [];
  });

  it('never tries a 4xx again', async () => {
    answers = [415];
    const client = createArchiveClient({ server: url, backoffMs: 5 });
    const error = (await client.json('POST', '/api/images', {}).catch((e: unknown) => e)) as ArchiveRequestError;
    expect(error.status).to.equal(415);
    expect(error.code).to.equal('code_415');
    expect(seen).to.have.length(1);
  });

  it('tries a refused connection again, then says the archive cannot be reached', async () => {
    const client = createArchiveClient({ server: 'http://127.0.0.1:9', backoffMs: 5 });
    const retries: number[] = [];
    const error = (await client.send('/api/x', () => ({ method: 'GET' }), (_reason, attempt) => retries.push(attempt)).catch((e: unknown) => e)) as ArchiveRequestError;
    expect(error.code).to.equal('unreachable');
    expect(retries).to.deep.equal([1, 2]);
  });
});
