// The request log through HTTP: one line per request, naming its id, what was asked and the status;
// no session cookie or token in it; and nothing built for a line whose level is off.
import { expect } from 'chai';
import { createLogger } from '../../server/shared/logger';
import { startTestApp, type TestApp } from '../support/app';

interface Line {
  level: number;
  msg: string;
  requestId?: string;
  req?: { method: string; url: string; headers: Record<string, string> };
  res?: { statusCode: number };
  responseTime?: number;
}

async function appLogging(level: 'info' | 'warn'): Promise<{ app: TestApp; lines: Line[] }> {
  const lines: Line[] = [];
  const logger = createLogger(level, { destination: { write: (line: string) => void lines.push(JSON.parse(line) as Line) } });
  return { app: await startTestApp({ logger }), lines };
}

async function lineFor(lines: Line[], requestId: string): Promise<Line[]> {
  // The line is written when the response has finished, just after the client has it.
  for (let i = 0; i < 40 && !lines.some((line) => line.requestId === requestId && line.res); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  return lines.filter((line) => line.requestId === requestId && line.res);
}

describe('the request log', function () {
  this.timeout(60_000);

  it('writes one line per request with its id, method, address and status, without credentials', async () => {
    const { app, lines } = await appLogging('info');
    try {
      const token = app.credentials.editor.token;
      const response = await fetch(`${app.url}/api/images?limit=1`, { headers: { Authorization: `Bearer ${token}`, Cookie: 'archive.sid=s%3Asecret-session', 'X-Request-Id': 'proxy-id-42' } });
      expect(response.status).to.equal(200);
      expect(response.headers.get('x-request-id')).to.equal('proxy-id-42');
      const mine = await lineFor(lines, 'proxy-id-42');
      expect(mine).to.have.length(1);
      expect(mine[0]).to.deep.include({ level: 30, msg: 'GET /api/images?limit=1 200' });
      expect(mine[0]!.req).to.include({ method: 'GET', url: '/api/images?limit=1' });
      expect(mine[0]!.res!.statusCode).to.equal(200);
      expect(mine[0]!.responseTime).to.be.a('number');
      const written = JSON.stringify(mine[0]);
      expect(written).not.to.contain(token);
      expect(written).not.to.contain('secret-session');
    } finally {
      await app.close();
    }
  });

  it('at LOG_LEVEL=warn writes nothing for a success and a warn line naming the problem for a refusal', async () => {
    const { app, lines } = await appLogging('warn');
    try {
      const ok = await fetch(`${app.url}/`);
      const refused = await fetch(`${app.url}/?sort=sideways`);
      expect([ok.status, refused.status]).to.deep.equal([200, 400]);
      const refusedLines = await lineFor(lines, refused.headers.get('x-request-id')!);
      expect(refusedLines).to.have.length(1);
      expect(refusedLines[0]!.level).to.equal(40);
      expect(refusedLines[0]!.msg).to.match(/^GET \/\?sort=sideways 400 /);
      expect(await lineFor(lines, ok.headers.get('x-request-id')!)).to.deep.equal([]);
    } finally {
      await app.close();
    }
  });
});
