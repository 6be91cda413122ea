// Sign-in as a browser does it (form posts with the CSRF token, a cookie session), throttling,
// sign-out, and the history's identities: through HTTP against the real app and database.
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { hashEntry } from '../../server/provenance/history-chain';
import { HistoryEntryModel } from '../../server/provenance/history.model';
import { emptyUploads, fixture, resetDatabase, startTestApp, TEST_PASSWORD, type TestApp } from '../support/app';

const WINDOW_SECONDS = 2;

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('the page has no CSRF token');
  return match[1]!;
}

async function signIn(app: TestApp, email: string, password: string) {
  const agent = request.agent(app.url);
  const csrf = csrfOf((await agent.get('/login').expect(200)).text);
  const response = await agent.post('/login').type('form').send({ _csrf: csrf, email, password, next: '/account' });
  return { agent, response };
}

describe('signing in, sessions and the history’s names', function () {
  this.timeout(120_000);
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ loginAttempts: 5, loginWindowSeconds: WINDOW_SECONDS });
  });
  after(async () => {
    await resetDatabase();
    await emptyUploads(app);
    await app.close();
  });

  it('signs in with the form, keeps the session in the database, and signs out for good', async () => {
    const account = await app.accountWithPassword('editor', 'Eve Editor');
    const { agent, response } = await signIn(app, account.email, account.password);
    expect(response.status).to.equal(303);
    expect(response.headers.location).to.equal('/account');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).to.match(/archive\.sid=/).and.match(/HttpOnly/i).and.match(/SameSite=Lax/i);
    expect(await mongoose.connection.collection('sessions').countDocuments({})).to.be.greaterThan(0);
    const accountPage = await agent.get('/account').expect(200);
    expect(accountPage.text).to.contain('Eve Editor');
    expect((await agent.get('/api/account').expect(200)).body).to.include({ email: account.email, role: 'editor', via: 'session' });

    const csrf = csrfOf((await agent.get('/logout').expect(200)).text);
    await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);
    await agent.get('/account').expect(303).expect('location', '/login?next=%2Faccount');
    // The old cookie, replayed, does not bring the session back.
    await request(app.url).get('/api/account').set('Cookie', cookie.split(';')[0]!).expect(401);
  });

  it('refuses a form posted without its CSRF token with a page that says why, and a session-cookie API call without it', async () => {
    const account = await app.accountWithPassword('editor');
    const { agent } = await signIn(app, account.email, account.password);
    const uploaded = await app.as('editor').post('/api/images').attach('image', fixture('IPTC.jpg'));
    const refused = await agent.post(`/images/${uploaded.body.id}/edit`).type('form').send({ caption: 'Forged', reason: 'forged' }).expect(403);
    expect(refused.text).to.contain('sent without its security token');
    expect(refused.text).to.contain('reload the page and send it again');
    const api = await agent.patch(`/api/images/${uploaded.body.id}`).send({ caption: 'Forged', reason: 'forged' }).expect(403);
    expect(api.body.error.code).to.equal('csrf_failed');
    // With the page's token it goes through; a bearer token needs none.
    const csrf = csrfOf((await agent.get(`/images/${uploaded.body.id}`).expect(200)).text);
    await agent.patch(`/api/images/${uploaded.body.id}`).set('X-CSRF-Token', csrf).send({ caption: 'Real', reason: 'typo' }).expect(200);
    await app.as('editor').patch(`/api/images/${uploaded.body.id}`).send({ caption: 'Real again', reason: 'typo' }).expect(200);
  });

  it('refuses the 6th wrong password within the window with 429 and Retry-After, and takes the right one once the window has passed', async () => {
    const account = await app.accountWithPassword('viewer');
    const agent = request.agent(app.url);
    const csrf = csrfOf((await agent.get('/login').expect(200)).text);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = await agent.post('/login').type('form').send({ _csrf: csrf, email: account.email, password: `wrong password ${attempt}` });
      expect(wrong.status, `attempt ${attempt}`).to.equal(401);
      expect(wrong.text).to.contain('The email or password is not right.');
    }
    const sixth = await agent.post('/login').type('form').send({ _csrf: csrf, email: account.email, password: 'wrong password 6' }).expect(429);
    const retryAfter = Number(sixth.headers['retry-after']);
    expect(retryAfter).to.be.within(1, WINDOW_SECONDS);
    expect(sixth.text).to.contain('Too many failed sign-ins');
    // Even the right password is refused while throttled.
    await agent.post('/login').type('form').send({ _csrf: csrf, email: account.email, password: TEST_PASSWORD }).expect(429);
    await new Promise((resolve) => setTimeout(resolve, (retryAfter + 0.5) * 1000));
    await agent.post('/login').type('form').send({ _csrf: csrf, email: account.email, password: TEST_PASSWORD }).expect(303);
  });

  it('names the token’s account in an entry written through a token, and verifies the chain across declared and authenticated entries', async () => {
    const uploaded = await app.as('editor').post('/api/images').field('caption', 'Chain image').attach('image', fixture('Canon_40D.jpg')).expect(201);
    const imageId = new mongoose.Types.ObjectId(String(uploaded.body.id));
    // The archive before accounts: its entries carried a declared name only. Rewrite the first
    // entry into that older shape (as a database from the last release holds it), hash included.
    const first = (await HistoryEntryModel.findOne({ image: imageId, seq: 0 }).lean())!;
    const declared = { imageId: String(imageId), seq: 0, type: 'created' as const, actor: 'Chief Editor', at: first.at, changes: first.changes as never[], reason: first.reason ?? undefined, prevHash: null };
    const declaredHash = hashEntry(declared);
    await HistoryEntryModel.updateOne({ _id: first._id }, { $set: { actor: 'Chief Editor', hash: declaredHash }, $unset: { account: '' } });

    const verifier = app.credentials.verifier;
    await app.as('verifier').patch(`/api/images/${imageId}`).send({ status: 'verified', evidenceUrl: 'https://evidence.example/1', reason: 'Checked with the agency' }).expect(200);
    const history = (await app.as('viewer').get(`/api/images/${imageId}/history`).expect(200)).body;
    expect(history.chainValid).to.equal(true);
    expect(history.entries[0]).to.include({ actor: 'Chief Editor', identity: 'declared' });
    expect(history.entries[0]).to.not.have.property('account');
    const last = history.entries.at(-1);
    expect(last).to.include({ type: 'status_set', actor: verifier.name, identity: 'account' });
    expect(last.account).to.deep.equal({ id: verifier.accountId, email: verifier.email, name: verifier.name, via: 'token', tokenName: 'test' });
    expect(last.prevHash).to.equal(history.entries.at(-2).hash);

    const page = (await request(app.url).get(`/images/${imageId}`).expect(200)).text;
    expect(page).to.contain('Chief Editor (declared, not verified)');
    expect(page).to.contain(`by ${verifier.name}`);
    expect(page).to.contain('https://evidence.example/1');

    // An editor may change the caption but not the verification status.
    const refused = await app.as('editor').patch(`/api/images/${imageId}`).send({ status: 'unverified', reason: 'I think not' }).expect(403);
    expect(refused.body.error.message).to.contain('Only a verifier');
    // A forged rewrite of the new entry's account breaks the chain.
    await HistoryEntryModel.updateOne({ image: imageId, seq: last.seq }, { $set: { 'account.name': 'Someone Else' } });
    expect((await app.as('viewer').get(`/api/images/${imageId}/history`).expect(200)).body.chainValid).to.equal(false);
  });

  it('refuses a revoked token and an expired one with 401 and says which', async () => {
    const credentials = await app.actAs('editor');
    await request(app.url).get('/api/account').set(credentials.header).expect(200);
    const list = (await request(app.url).get('/api/tokens').set(credentials.header).expect(200)).body.items;
    await request(app.url).delete(`/api/tokens/${list[0].id}`).set(credentials.header).expect(204);
    const revoked = await request(app.url).get('/api/images').set(credentials.header).expect(401);
    expect(revoked.body.error.message).to.contain('revoked');
  });

  // Last: it removes every account, the test app's role accounts too.
  it('explains on the first visit to /login of an archive without accounts how to create the first admin', async () => {
    await resetDatabase({ accounts: true });
    const page = await request(app.url).get('/login').expect(200);
    expect(page.text).to.contain('This archive has no accounts yet');
    expect(page.text).to.contain('npm run user -- create you@example.org --role admin');
    await app.accountWithPassword('admin');
    expect((await request(app.url).get('/login').expect(200)).text).to.not.contain('no accounts yet');
  });
});
