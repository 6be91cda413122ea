// The authorization matrix, driven by a table: every route of the app (pages, JSON API, media of
// originals and derivatives) × anonymous / viewer / editor / verifier / admin / a revoked token /
// an expired token, with PUBLIC_GALLERY true and false. The expectations below are written out
// here, by hand from the issue, not derived from server/accounts/authorization.ts: a wrong table
// there cannot pass its own test. Every request is real HTTP against the real app.
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { ApiTokenModel } from '../../server/accounts/account.model';
import { ROUTE_ACCESS } from '../../server/accounts/authorization';
import type { Role } from '../../server/accounts/roles';
import { emptyUploads, fixture, resetDatabase, startTestApp, TEST_PASSWORD, type TestApp } from '../support/app';

type Who = 'anonymous' | Role | 'revoked token' | 'expired token';
const EVERYONE_WHO: Who[] = ['anonymous', 'viewer', 'editor', 'verifier', 'admin', 'revoked token', 'expired token'];

/**
 * Who may use each route, from the issue: 'public' = anonymous only when PUBLIC_GALLERY=true;
 * 'open' = anyone, also on a private archive (sign-in and its pages); else the roles listed.
 */
const SIGNED_IN: Role[] = ['viewer', 'editor', 'verifier', 'admin'];
const EDITORS: Role[] = ['editor', 'verifier', 'admin'];
const VERIFIERS: Role[] = ['verifier', 'admin'];
const ADMINS: Role[] = ['admin'];
type Expected = 'public' | 'open' | Role[];

const EXPECTED: Record<string, Expected> = {
  'GET /': 'public',
  'GET /images/:id': 'public',
  'POST /images/:id/edit': EDITORS,
  'POST /images/:id/edit (verification status)': VERIFIERS,
  'GET /upload': EDITORS,
  'POST /upload': EDITORS,
  'GET /check': 'public',
  'POST /check': 'public',
  'GET /articles': 'public',
  'GET /articles/:id': 'public',
  'GET /sources': 'public',
  'GET /sources/:prefix/:name': 'public',
  'POST /articles/:id/described': EDITORS,
  'GET /login': 'open',
  'POST /login': 'open',
  'GET /logout': 'open',
  'POST /logout': 'open',
  'GET /reset/:secret': 'open',
  'POST /reset/:secret': 'open',
  'GET /account': SIGNED_IN,
  'POST /account/password': SIGNED_IN,
  'POST /account/tokens': SIGNED_IN,
  'POST /account/tokens/:id/revoke': SIGNED_IN,
  'GET /admin/accounts': ADMINS,
  'POST /admin/accounts': ADMINS,
  'POST /admin/accounts/:id': ADMINS,
  'POST /admin/accounts/:id/reset': ADMINS,
  'GET /media/derivatives/:name': 'public',
  'GET /media/originals/:name': SIGNED_IN,
  'GET /media/video-frames/:name': 'public',
  'GET /api/openapi.json': 'public',
  'GET /api/images': 'public',
  'POST /api/images': EDITORS,
  'GET /api/images/:id': 'public',
  'PATCH /api/images/:id': EDITORS,
  'PATCH /api/images/:id (verification status)': VERIFIERS,
  'GET /api/images/:id/metadata': SIGNED_IN,
  'GET /api/images/:id/provenance': 'public',
  'GET /api/images/:id/history': 'public',
  'GET /api/images/:id/original': EDITORS,
  'GET /api/images/:id/download': EDITORS,
  'POST /api/images/known': SIGNED_IN,
  'GET /api/images/:id/video-sources': 'public',
  'GET /api/images/:id/group': 'public',
  'POST /api/images/:id/group/removal': EDITORS,
  'GET /api/videos/:id': 'public',
  'POST /api/lookup': 'public',
  'GET /api/articles': 'public',
  'GET /api/articles/:id': 'public',
  'POST /api/described-images': EDITORS,
  'GET /api/described-images/:id': 'public',
  'GET /api/account': SIGNED_IN,
  'GET /api/tokens': SIGNED_IN,
  'POST /api/tokens': SIGNED_IN,
  'DELETE /api/tokens/:id': SIGNED_IN,
  'GET /api/admin/accounts': ADMINS,
  'GET /api/admin/sign-ins': ADMINS,
};

interface Principal {
  who: Who;
  /** Sends the request with this principal's credentials (a bearer token, or an anonymous session with its CSRF token). */
  agent: ReturnType<typeof request.agent>;
  accountId?: string;
  csrf: string;
}

interface World {
  app: TestApp;
  imageId: string;
  articleId: string;
  articleUrl: string;
  describedId: string;
  derivative: string;
  original: string;
  principals: Principal[];
  scratchAccountId: string;
}

type Call = (p: Principal, world: World) => Promise<request.Response>;

const TINY = 'IMG_20180725_163423-tiny.jpg';
let unique = 0;
const next = () => `${process.pid}-${++unique}`;

/** How each route is called, with a body an allowed principal's request succeeds with, and the status of that success. */
const CALLS: Record<string, { call: Call; ok: number[]; okWithToken?: number[] }> = {
  'GET /': { call: (p) => p.agent.get('/'), ok: [200] },
  'GET /images/:id': { call: (p, w) => p.agent.get(`/images/${w.imageId}`), ok: [200] },
  'POST /images/:id/edit': { call: (p, w) => p.agent.post(`/images/${w.imageId}/edit`).type('form').send({ _csrf: p.csrf, caption: `Caption ${next()}`, reason: 'matrix test' }), ok: [303] },
  'POST /images/:id/edit (verification status)': {
    call: (p, w) => p.agent.post(`/images/${w.imageId}/edit`).type('form').send({ _csrf: p.csrf, status: unique++ % 2 ? 'verified' : 'disputed', reason: 'matrix test' }),
    ok: [303],
  },
  'GET /upload': { call: (p) => p.agent.get('/upload'), ok: [200] },
  'POST /upload': { call: (p) => p.agent.post(`/upload?_csrf=${encodeURIComponent(p.csrf)}`).attach('images', fixture(TINY)), ok: [200] },
  'GET /check': { call: (p) => p.agent.get('/check'), ok: [200] },
  'POST /check': { call: (p) => p.agent.post(`/check?_csrf=${encodeURIComponent(p.csrf)}`).attach('image', fixture(TINY)), ok: [200] },
  'GET /articles': { call: (p) => p.agent.get('/articles'), ok: [200] },
  'GET /sources': { call: (p) => p.agent.get('/sources'), ok: [200] },
  // The matrix's image has no credit: a permitted request reaches the page and is told the source holds nothing.
  'GET /sources/:prefix/:name': { call: (p) => p.agent.get('/sources/org/nobody-at-all'), ok: [404] },
  'GET /articles/:id': { call: (p, w) => p.agent.get(`/articles/${w.articleId}`), ok: [200] },
  'POST /articles/:id/described': { call: (p, w) => p.agent.post(`/articles/${w.articleId}/described`).type('form').send({ _csrf: p.csrf, description: `A map ${next()}` }), ok: [303] },
  'GET /login': { call: (p) => p.agent.get('/login'), ok: [200] },
  'POST /login': {
    call: async (p, w) => {
      const { email } = await w.app.accountWithPassword('viewer');
      // Signed in, the anonymous agent would no longer be anonymous: a fresh one signs in.
      const signer = p.who === 'anonymous' ? await anonymousPrincipal(w.app) : p;
      return signer.agent.post('/login').type('form').send({ _csrf: signer.csrf, email, password: TEST_PASSWORD });
    },
    ok: [303],
    // Signing in is for browsers: a request that carries a valid API token is told so.
    okWithToken: [400],
  },
  'GET /logout': { call: (p) => p.agent.get('/logout'), ok: [200] },
  // Signing out the anonymous agent would end the session its CSRF token lives in: a fresh one signs out.
  'POST /logout': {
    call: async (p, w) => (p.who === 'anonymous' ? anonymousPrincipal(w.app).then((fresh) => fresh.agent.post('/logout').type('form').send({ _csrf: fresh.csrf })) : p.agent.post('/logout').type('form').send({})),
    ok: [303],
  },
  'GET /reset/:secret': { call: async (p, w) => p.agent.get(`/reset/${(await w.app.services.accounts.accounts.createResetLink(w.scratchAccountId)).secret}`), ok: [200] },
  'POST /reset/:secret': {
    call: async (p, w) => p.agent.post(`/reset/${(await w.app.services.accounts.accounts.createResetLink(w.scratchAccountId)).secret}`).type('form').send({ _csrf: p.csrf, newPassword: `a new long password ${next()}` }),
    ok: [303],
  },
  'GET /account': { call: (p) => p.agent.get('/account'), ok: [200] },
  'POST /account/password': { call: (p) => p.agent.post('/account/password').type('form').send({ _csrf: p.csrf, currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }), ok: [303] },
  'POST /account/tokens': { call: (p) => p.agent.post('/account/tokens').type('form').send({ _csrf: p.csrf, name: `page token ${next()}` }), ok: [201] },
  'POST /account/tokens/:id/revoke': { call: async (p, w) => p.agent.post(`/account/tokens/${await spareTokenOf(p, w)}/revoke`).type('form').send({ _csrf: p.csrf }), ok: [303] },
  'GET /admin/accounts': { call: (p) => p.agent.get('/admin/accounts'), ok: [200] },
  'POST /admin/accounts': { call: (p) => p.agent.post('/admin/accounts').type('form').send({ _csrf: p.csrf, email: `made-${next()}@matrix.example`, role: 'viewer' }), ok: [303] },
  'POST /admin/accounts/:id': { call: (p, w) => p.agent.post(`/admin/accounts/${w.scratchAccountId}`).type('form').send({ _csrf: p.csrf, role: 'editor' }), ok: [303] },
  'POST /admin/accounts/:id/reset': { call: (p, w) => p.agent.post(`/admin/accounts/${w.scratchAccountId}/reset`).type('form').send({ _csrf: p.csrf }), ok: [303] },
  'GET /media/derivatives/:name': { call: (p, w) => p.agent.get(w.derivative), ok: [200] },
  'GET /media/originals/:name': { call: (p, w) => p.agent.get(w.original), ok: [200] },
  // No video is held in this world: a permitted request reaches the route and is told so.
  'GET /media/video-frames/:name': { call: (p) => p.agent.get(`/media/video-frames/${'d'.repeat(64)}.webp`), ok: [404] },
  'GET /api/openapi.json': { call: (p) => p.agent.get('/api/openapi.json'), ok: [200] },
  'GET /api/images': { call: (p) => p.agent.get('/api/images'), ok: [200] },
  'POST /api/images': { call: (p) => p.agent.post('/api/images').attach('image', fixture(TINY)), ok: [200, 201] },
  'GET /api/images/:id': { call: (p, w) => p.agent.get(`/api/images/${w.imageId}`), ok: [200] },
  'PATCH /api/images/:id': { call: (p, w) => p.agent.patch(`/api/images/${w.imageId}`).send({ caption: `Caption ${next()}`, reason: 'matrix test' }), ok: [200] },
  'PATCH /api/images/:id (verification status)': { call: (p, w) => p.agent.patch(`/api/images/${w.imageId}`).send({ statusNote: `Checked ${next()}`, reason: 'matrix test' }), ok: [200] },
  'GET /api/images/:id/metadata': { call: (p, w) => p.agent.get(`/api/images/${w.imageId}/metadata`), ok: [200] },
  'GET /api/images/:id/provenance': { call: (p, w) => p.agent.get(`/api/images/${w.imageId}/provenance`), ok: [200] },
  'GET /api/images/:id/history': { call: (p, w) => p.agent.get(`/api/images/${w.imageId}/history`), ok: [200] },
  'GET /api/images/:id/original': { call: (p, w) => p.agent.get(`/api/images/${w.imageId}/original`), ok: [200] },
  'GET /api/images/:id/download': { call: (p, w) => p.agent.get(`/api/images/${w.imageId}/download?embed=1`), ok: [200] },
  'POST /api/images/known': { call: (p) => p.agent.post('/api/images/known').send({ hashes: ['e'.repeat(64)] }), ok: [200] },
  'GET /api/images/:id/video-sources': { call: (p, w) => p.agent.get(`/api/images/${w.imageId}/video-sources`), ok: [200] },
  'GET /api/videos/:id': { call: (p, w) => p.agent.get(`/api/videos/${w.imageId}`), ok: [404] },
  'GET /api/images/:id/group': { call: (p, w) => p.agent.get(`/api/images/${w.imageId}/group`), ok: [200] },
  // The matrix's image is in no group: a permitted removal answers with the (empty) group.
  'POST /api/images/:id/group/removal': { call: (p, w) => p.agent.post(`/api/images/${w.imageId}/group/removal`).send({ reason: 'matrix test' }), ok: [200] },
  'POST /api/lookup': { call: (p) => p.agent.post('/api/lookup').attach('image', fixture(TINY)), ok: [200] },
  'GET /api/articles': { call: (p) => p.agent.get('/api/articles'), ok: [200] },
  'GET /api/articles/:id': { call: (p, w) => p.agent.get(`/api/articles/${w.articleId}`), ok: [200] },
  'POST /api/described-images': { call: (p, w) => p.agent.post('/api/described-images').send({ articleUrl: w.articleUrl, articleHeadline: 'Matrix article', description: `A chart ${next()}` }), ok: [201] },
  'GET /api/described-images/:id': { call: (p, w) => p.agent.get(`/api/described-images/${w.describedId}`), ok: [200] },
  'GET /api/account': { call: (p) => p.agent.get('/api/account'), ok: [200] },
  'GET /api/tokens': { call: (p) => p.agent.get('/api/tokens'), ok: [200] },
  'POST /api/tokens': { call: (p) => p.agent.post('/api/tokens').send({ name: `api token ${next()}` }), ok: [201] },
  'DELETE /api/tokens/:id': { call: async (p, w) => p.agent.delete(`/api/tokens/${await spareTokenOf(p, w)}`), ok: [204] },
  'GET /api/admin/accounts': { call: (p) => p.agent.get('/api/admin/accounts'), ok: [200] },
  'GET /api/admin/sign-ins': { call: (p) => p.agent.get('/api/admin/sign-ins'), ok: [200] },
};

/** A token of the principal's own account to revoke (any id for those without an account). */
async function spareTokenOf(p: Principal, w: World): Promise<string> {
  if (!p.accountId) return '64b7f0c2a1b2c3d4e5f60718';
  return String((await w.app.services.accounts.accounts.issueToken(p.accountId, { name: `spare ${next()}` })).record._id);
}

async function anonymousPrincipal(app: TestApp): Promise<Principal> {
  const agent = request.agent(app.url);
  const login = await agent.get('/login').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
  agent.set('X-CSRF-Token', csrf);
  return { who: 'anonymous', agent, csrf };
}

async function tokenPrincipal(app: TestApp, who: Who, role: Role): Promise<Principal> {
  const accounts = app.services.accounts.accounts;
  const account = await accounts.createAccount({ email: `${role}-${next()}@matrix.example`, role, name: `Matrix ${who}`, password: TEST_PASSWORD });
  const { token, record } = await accounts.issueToken(account._id, { name: 'matrix' });
  if (who === 'revoked token') await accounts.revokeToken(String(record._id), { accountId: String(account._id), admin: false });
  if (who === 'expired token') await ApiTokenModel.updateOne({ _id: record._id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
  return { who, agent: request.agent(app.url).set('Authorization', `Bearer ${token}`), accountId: String(account._id), csrf: '' };
}

/** Every route registered in the Express app, as "METHOD /path". */
function registeredRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Array<{ route?: { path: string | string[]; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }>) => {
    for (const layer of stack) {
      if (layer.route) {
        // Router-level `router.post([...], limiter)` middleware is registered as a route too; it is not an endpoint.
        for (const path of [layer.route.path].flat()) for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack as typeof stack);
    }
  };
  walk((app as unknown as { router: { stack: Parameters<typeof walk>[0] } }).router.stack);
  return [...new Set(found)];
}

function expectedStatus(route: string, who: Who, publicGallery: boolean, ok: number[], isPage: boolean): number[] {
  const rule = EXPECTED[route]!;
  if (who === 'revoked token' || who === 'expired token') return [401];
  if (rule === 'open') return ok;
  if (who === 'anonymous') {
    if (rule === 'public' && publicGallery) return ok;
    return isPage && route.startsWith('GET ') ? [303] : [401];
  }
  if (rule === 'public' || rule.includes(who)) return ok;
  return [403];
}

for (const publicGallery of [true, false]) {
  describe(`authorization matrix with PUBLIC_GALLERY=${publicGallery}`, function () {
    this.timeout(600_000);
    const world = {} as World;

    before(async () => {
      world.app = await startTestApp({ publicGallery, loginAttempts: 1000 });
      await resetDatabase();
      const uploaded = await world.app
        .as('editor')
        .post('/api/images')
        .field('caption', 'Matrix image')
        .field('credit', 'Matrix/Agency')
        .field('articleUrl', `https://news.example/matrix-${publicGallery}`)
        .field('articleHeadline', 'Matrix article')
        .attach('image', fixture('DSCN0010.jpg'))
        .expect(201);
      world.imageId = uploaded.body.id;
      world.articleId = uploaded.body.uses[0].article.id;
      world.articleUrl = `https://news.example/matrix-${publicGallery}`;
      world.derivative = uploaded.body.derivatives.thumbnail.url;
      world.original = uploaded.body.original.url;
      const described = await world.app.as('editor').post('/api/described-images').send({ articleUrl: `https://news.example/matrix-${publicGallery}`, articleHeadline: 'Matrix article', description: 'A photo of a passport' }).expect(201);
      world.describedId = described.body.id;
      world.scratchAccountId = String((await world.app.services.accounts.accounts.createAccount({ email: `scratch-${next()}@matrix.example`, role: 'viewer' }))._id);
      world.principals = [];
      for (const who of EVERYONE_WHO) {
        if (who === 'anonymous') world.principals.push(await anonymousPrincipal(world.app));
        else world.principals.push(await tokenPrincipal(world.app, who, who === 'revoked token' || who === 'expired token' ? 'admin' : who));
      }
    });
    after(async () => {
      await resetDatabase();
      await emptyUploads(world.app);
      await world.app.close();
    });

    it('covers every route the app serves, and the matrix covers every route of the test', () => {
      const served = registeredRoutes(world.app.app);
      const inMatrix = Object.keys(ROUTE_ACCESS);
      expect(served.filter((route) => !inMatrix.includes(route)), 'served but not in the matrix').to.deep.equal([]);
      const tested = Object.keys(EXPECTED).filter((route) => !route.includes('('));
      expect(inMatrix.filter((route) => !tested.includes(route)), 'in the matrix but not tested').to.deep.equal([]);
      expect(tested.filter((route) => !inMatrix.includes(route)), 'tested but not in the matrix').to.deep.equal([]);
      expect(Object.keys(CALLS).sort()).to.deep.equal(Object.keys(EXPECTED).sort());
    });

    for (const route of Object.keys(EXPECTED)) {
      it(`${route}: ${EVERYONE_WHO.join(', ')}`, async () => {
        const { call, ok: okAnonymous, okWithToken } = CALLS[route]!;
        const path = route.split(' ')[1]!;
        const isPage = !path.startsWith('/api/') && !path.startsWith('/media/');
        const failures: string[] = [];
        for (const principal of world.principals) {
          const response = await call(principal, world);
          const ok = principal.who !== 'anonymous' && okWithToken ? okWithToken : okAnonymous;
          const expected = expectedStatus(route, principal.who, publicGallery, ok, isPage);
          if (!expected.includes(response.status)) failures.push(`${principal.who}: got ${response.status}, expected ${expected.join(' or ')} (${(response.text ?? '').slice(0, 160).replace(/\s+/g, ' ')})`);
          if (response.status === 303 && expected.includes(303) && !ok.includes(303)) {
            if (!String(response.headers.location).startsWith('/login?next=')) failures.push(`${principal.who}: redirected to ${response.headers.location}, not to /login`);
          }
        }
        expect(failures).to.deep.equal([]);
      });
    }

    // Only a public gallery shows anonymous visitors an image's JSON at all; with PUBLIC_GALLERY=false
    // the matrix above asserts their 401, so there is nothing of the JSON to check.
    if (publicGallery) it('gives anonymous visitors no original URL, GPS rounded to 2 decimals and no actor emails; viewers get both', async function () {
      const anonymous = world.principals.find((p) => p.who === 'anonymous')!;
      const viewer = world.principals.find((p) => p.who === 'viewer')!;
      const forAnonymous = (await anonymous.agent.get(`/api/images/${world.imageId}`).expect(200)).body;
      const forViewer = (await viewer.agent.get(`/api/images/${world.imageId}`).expect(200)).body;
      expect(forAnonymous.original.url).to.equal(null);
      expect(JSON.stringify(forAnonymous)).to.not.contain('/media/originals/');
      const exact = forViewer.embedded.gps;
      expect(exact.latitude).to.be.a('number');
      expect(Math.abs(exact.latitude * 100 - Math.round(exact.latitude * 100))).to.be.greaterThan(1e-6, 'the fixture has more than 2 decimals');
      expect(forAnonymous.embedded.gps).to.deep.equal({ latitude: Math.round(exact.latitude * 100) / 100, longitude: Math.round(exact.longitude * 100) / 100, rounded: true });
      expect(JSON.stringify(forAnonymous)).to.not.contain(String(exact.latitude).slice(0, 7));
      expect(forViewer.original.url).to.equal(world.original);

      const provenance = (await anonymous.agent.get(`/api/images/${world.imageId}/provenance`).expect(200)).text;
      expect(provenance).to.contain('privacy.gps_present');
      expect(provenance).to.not.contain(exact.latitude.toFixed(5));

      const history = (await anonymous.agent.get(`/api/images/${world.imageId}/history`).expect(200)).text;
      expect(history).to.not.match(/@[a-z.]+example/);
      expect(history).to.contain(world.app.credentials.editor.name);
      const historyForViewer = (await viewer.agent.get(`/api/images/${world.imageId}/history`).expect(200)).text;
      expect(historyForViewer).to.contain(world.app.credentials.editor.email);

      const page = (await anonymous.agent.get(`/images/${world.imageId}`).expect(200)).text;
      expect(page).to.not.contain('/media/originals/');
      expect(page).to.contain('rounded to 2 decimals');
      expect(page).to.not.contain(exact.latitude.toFixed(5));
      expect(page).to.not.contain('All metadata in the file (raw)');
      expect(page).to.not.contain(world.app.credentials.editor.email);
    });
  });
}
