// The gallery's page cache: unit behaviour of the cache, then the real gallery over HTTP.
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import { createPageCache, type RenderedPage } from '../../server/web/page-cache';
import { ImageModel } from '../../server/images/image.model';
import { emptyUploads, fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

const html = (page: RenderedPage) => gunzipSync(page.gzipped).toString();

describe('page cache', () => {
  let generation = 0;
  let renders = 0;
  const cache = () => createPageCache({ generation: () => String(generation), maxAgeMs: 60_000, maxBytes: 1024 * 1024 });
  const render = (html: string) => async () => {
    renders++;
    return html;
  };

  beforeEach(() => {
    generation = 0;
    renders = 0;
  });

  it('renders a page once per write generation, with its gzipped form and a validator', async () => {
    const pages = cache();
    const { page: first, cached: firstCached } = await pages.get('/', render('<p>one</p>'));
    const { page: again, cached: againCached } = await pages.get('/', render('<p>not rendered</p>'));
    expect(renders).to.equal(1);
    expect([firstCached, againCached]).to.deep.equal([false, true]);
    expect(html(again)).to.equal('<p>one</p>');
        generation++;
    const { page: after } = await pages.get('/', render('<p>two</p>'));
    expect(renders).to.equal(2);
    expect(html(after)).to.equal('<p>two</p>');
    expect(after.etag).not.to.equal(first.etag);
  });

  it('keeps each URL apart', async () => {
    const pages = cache();
    await pages.get('/', render('home'));
    const { page: second } = await pages.get('/?page=2', render('page two'));
    expect(html(second)).to.equal('page two');
    expect(renders).to.equal(2);
  });

  it('shares one render among concurrent requests for the same page', async () => {
    const pages = cache();
    const results = await Promise.all(Array.from({ length: 10 }, () => pages.get('/', render('shared'))));
    expect(renders).to.equal(1);
    expect(results.every(({ page }) => html(page) === 'shared')).to.equal(true);
    expect(results.filter(({ cached }) => !cached)).to.have.length(10);
  });

  it('does not keep a failed render', async () => {
    const pages = cache();
    let failure: unknown;
    await pages
      .get('/', async () => {
        throw new Error('database down');
      })
      .catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal('database down');
    expect(html((await pages.get('/', render('recovered'))).page)).to.equal('recovered');
  });

  it('still answers with a render whose entry was evicted while it ran (many views, little room)', async () => {
    // Each page takes almost half the room, so storing more evicts the oldest entry: the slow render still under way.
    const pages = createPageCache({ generation: () => '0', maxAgeMs: 60_000, maxBytes: 1000 });
    // Random base64 barely compresses: each page stays around 450 bytes gzipped.
    const bodies = new Map(['s', 'b', 'c', 'd', 'e'].map((name) => [name, randomBytes(400).toString('base64')]));
    const text = (name: string) => bodies.get(name)!;
    const slow = pages.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return text('s');
    });
    for (const name of ['b', 'c', 'd', 'e']) await pages.get(`/${name}`, render(text(name)));
    expect(html((await slow).page)).to.equal(text('s'));
  });

  it('renders again once an entry is older than the maximum age', async () => {
    const pages = createPageCache({ generation: () => '0', maxAgeMs: 30, maxBytes: 1024 * 1024 });
    await pages.get('/', render('old'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(html((await pages.get('/', render('new'))).page)).to.equal('new');
  });
});

describe('gallery page caching over HTTP', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
    await resetDatabase();
    await app.as('verifier').post('/api/images').field('caption', 'Original caption of the dog').field('credit', 'Reuters').attach('image', fixture('Bush-dog.jpg')).expect(201);
  });
  after(async () => {
    await resetDatabase();
    await emptyUploads(app);
    await app.close();
  });

  it('answers a revalidation with 304 and serves gzip to clients that accept it', async () => {
    const plain = await app.as('verifier').get('/').set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['cache-control']).to.equal('no-cache');
    expect(plain.headers.vary).to.match(/Accept-Encoding/);
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(plain.text).to.contain('Original caption of the dog');
    await app.as('verifier').get('/').set('Accept-Encoding', 'identity').set('If-None-Match', plain.headers.etag).expect(304);

    // superagent gunzips the body itself, so equal text means the gzip was valid and the same page.
    const zipped = await app.as('verifier').get('/').set('Accept-Encoding', 'gzip').expect(200);
    expect(zipped.headers['content-encoding']).to.equal('gzip');
    expect(zipped.headers.etag).not.to.equal(plain.headers.etag);
    expect(zipped.text).to.equal(plain.text);
  });

  // Writes through the archive's repositories show at once; a write behind their back (as another
  // app instance on the same database makes) shows once the page's two-second age limit passes.
  it('shows a write through the archive at once, and one made behind its back within two seconds', async () => {
    const before = await app.as('verifier').get('/?credit=Reuters').expect(200);
    expect((await app.as('verifier').get('/?credit=Reuters').expect(200)).headers['x-cache']).to.equal('hit');
    const [image] = await ImageModel.find({}, { _id: 1 }).lean();

    await app.as('verifier').patch(`/api/images/${image._id}`).send({ caption: 'Caption edited through the API', reason: 'typo' }).expect(200);
    const afterApi = await app.as('verifier').get('/?credit=Reuters').expect(200);
    expect(afterApi.text).to.contain('Caption edited through the API');
    expect(afterApi.headers.etag).not.to.equal(before.headers.etag);
    expect(afterApi.headers['x-cache']).to.equal('miss');

    await ImageModel.updateOne({ _id: image._id }, { $set: { 'declared.caption': 'Caption edited in the database' } });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const afterModel = await app.as('verifier').get('/?credit=Reuters').expect(200);
    expect(afterModel.text).to.contain('Caption edited in the database');
  });

  it('caches each view under its canonical query, so equivalent URLs share a page', async () => {
    const [a, b] = await Promise.all([app.as('verifier').get('/?page=1&sort=newest').expect(200), app.as('verifier').get('/').expect(200)]);
    expect(a.headers.etag).to.equal(b.headers.etag);
  });
});
