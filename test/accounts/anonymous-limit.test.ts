// The anonymous lookup limit (ANONYMOUS_LOOKUPS_PER_MINUTE) through HTTP, on two app instances on
// one database, as behind a load balancer: the count is kept in the database, so a client cannot
// multiply its allowance by the number of instances.
import { expect } from 'chai';
import request from 'supertest';
import { emptyUploads, fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

const LIMIT = 3;

/** The check form's action, which carries its CSRF token (multipart bodies are read after the check). */
function checkActionOf(html: string): string {
  const match = /action="(\/check\?_csrf=[^"]+)"/.exec(html);
  if (!match) throw new Error('the check page has no form with a CSRF token');
  return match[1]!.replaceAll('&amp;', '&');
}

describe('the anonymous lookup limit, shared by every instance', function () {
  this.timeout(120_000);
  let first: TestApp;
  let second: TestApp;

  before(async () => {
    first = await startTestApp({ anonymousRequestsPerMinute: LIMIT });
    second = await startTestApp({ anonymousRequestsPerMinute: LIMIT });
  });
  after(async () => {
    await resetDatabase();
    for (const app of [first, second]) {
      await emptyUploads(app);
      await app.close();
    }
  });

  // Each case is its own client address (trusted from the loopback proxy), so the counts of other
  // tests in this minute do not add to it.
  const lookupFrom = (app: TestApp, address: string) => request(app.url).post('/api/lookup').set('X-Forwarded-For', address).attach('image', fixture('IPTC.jpg'));

  it('counts one client’s lookups across both instances and refuses the one over the limit with a reason', async () => {
    const address = '203.0.113.41';
    await lookupFrom(first, address).expect(200);
    await lookupFrom(second, address).expect(200);
    await lookupFrom(first, address).expect(200);
    const refused = await lookupFrom(second, address);
    expect(refused.status).to.equal(429);
    expect(refused.type).to.equal('application/json');
    expect(refused.body.error.message).to.equal(`Anonymous visitors may check ${LIMIT} images a minute. Sign in to check more, or wait a minute.`);
    expect(Number(refused.headers['retry-after'])).to.be.within(1, 60);
    // Another client is not held back by this one, and a signed-in editor is not limited at all.
    await lookupFrom(first, '203.0.113.42').expect(200);
    await first.as('editor').post('/api/lookup').set('X-Forwarded-For', address).attach('image', fixture('IPTC.jpg')).expect(200);
  });

  it('answers the check page’s form over the limit with a page that says why', async () => {
    const address = '203.0.113.43';
    for (let i = 0; i < LIMIT; i++) await lookupFrom(i % 2 ? first : second, address).expect(200);
    const browser = request.agent(second.url);
    const action = checkActionOf((await browser.get('/check').set('X-Forwarded-For', address).expect(200)).text);
    const page = await browser.post(action).set('X-Forwarded-For', address).set('Accept', 'text/html').attach('image', fixture('IPTC.jpg'));
    expect(page.status).to.equal(429);
    expect(page.type).to.equal('text/html');
    expect(page.text).to.contain(`Anonymous visitors may check ${LIMIT} images a minute.`);
  });
});
