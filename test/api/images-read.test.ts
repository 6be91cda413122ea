// Reading the archive through the API: lists, one image, raw metadata, media files and the OpenAPI description.
import { expect } from 'chai';
import sharp from 'sharp';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

describe('images read API', () => {
  let app: TestApp;
  const ids: Record<string, string> = {};

  before(async () => {
    app = await startTestApp();
    await resetDatabase();
    const uploads: Array<[string, string, string]> = [
      ['DSCN0010.jpg', 'Reuters', 'Olive trees on a hillside'],
      ['Canon_40D.jpg', 'Jane Doe/AFP via Getty Images', 'A harbour at dusk'],
      ['iptc-staff-photographer-example.jpg', 'Reuters', 'Staff picture of a city street'],
    ];
    for (const [name, credit, caption] of uploads) {
      const response = await app.as('verifier').post('/api/images').field('credit', credit).field('caption', caption).attach('image', fixture(name)).expect(201);
      ids[name] = response.body.id;
    }
  });
  after(async () => {
    await app.close();
  });

  it('lists images newest first with the total count', async () => {
    const response = await app.as('verifier').get('/api/images').expect(200);
    expect(response.body.total).to.equal(3);
    expect(response.body.items.map((item: { id: string }) => item.id)).to.deep.equal([
      ids['iptc-staff-photographer-example.jpg'],
      ids['Canon_40D.jpg'],
      ids['DSCN0010.jpg'],
    ]);
  });

  it('pages the list with page and limit', async () => {
    const response = await app.as('verifier').get('/api/images?limit=2&page=2').expect(200);
    expect(response.body.total).to.equal(3);
    expect(response.body.pages).to.equal(2);
    expect(response.body.items.map((item: { id: string }) => item.id)).to.deep.equal([ids['DSCN0010.jpg']]);
  });

  it('caps limit at 100 and refuses a malformed page', async () => {
    expect((await app.as('verifier').get('/api/images?limit=5000').expect(200)).body.limit).to.equal(100);
    const response = await app.as('verifier').get('/api/images?page=zero').expect(400);
    expect(response.body.error.message).to.include('page');
  });

  it('filters by credit, ignoring case', async () => {
    const response = await app.as('verifier').get('/api/images?credit=reuters').expect(200);
    expect(response.body.total).to.equal(2);
    expect(response.body.items.every((item: { credit: string }) => item.credit === 'Reuters')).to.equal(true);
  });

  it('searches words over caption, credit and source', async () => {
    const response = await app.as('verifier').get('/api/images?q=harbour%20dusk').expect(200);
    expect(response.body.items.map((item: { id: string }) => item.id)).to.deep.equal([ids['Canon_40D.jpg']]);
    expect((await app.as('verifier').get('/api/images?q=nothing-like-this').expect(200)).body.total).to.equal(0);
  });

  it('returns everything known about one image', async () => {
    const response = await app.as('verifier').get(`/api/images/${ids['DSCN0010.jpg']}`).expect(200);
    expect(response.body.declared.credit).to.equal('Reuters');
    expect(response.body.embedded.make).to.equal('NIKON');
    expect(response.body.embedded.gps.latitude).to.be.closeTo(43.4674, 1e-3);
    expect(response.body.file.width).to.equal(640);
    expect(response.body.derivatives.display.url).to.match(/^\/media\/derivatives\/[a-f0-9]{64}\.webp$/);
    expect(response.body.provenance.findings).to.be.an('array').with.length.greaterThan(0);
  });

  it('returns the raw metadata separately', async () => {
    const response = await app.as('verifier').get(`/api/images/${ids['Canon_40D.jpg']}/metadata`).expect(200);
    expect(JSON.stringify(response.body.raw)).to.include('Canon EOS 40D');
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    expect((await app.as('verifier').get('/api/images/not-an-id').expect(400)).body.error.code).to.equal('invalid_id');
    expect((await app.as('verifier').get('/api/images/0123456789abcdef01234567').expect(404)).body.error.code).to.equal('not_found');
    await app.as('verifier').get('/api/images/0123456789abcdef01234567/metadata').expect(404);
  });

  it('serves derivatives with long cache headers and no metadata', async () => {
    const image = (await app.as('verifier').get(`/api/images/${ids['DSCN0010.jpg']}`)).body;
    const response = await app.as('verifier').get(image.derivatives.display.url).expect(200);
    expect(response.headers['content-type']).to.equal('image/webp');
    expect(response.headers['cache-control']).to.include('immutable');
    const meta = await sharp(response.body as Buffer).metadata();
    expect(meta.exif).to.equal(undefined);
  });

  it('serves the original with its own content type', async () => {
    const image = (await app.as('verifier').get(`/api/images/${ids['Canon_40D.jpg']}`)).body;
    const response = await app.as('verifier').get(image.original.url).expect(200);
    expect(response.headers['content-type']).to.equal('image/jpeg');
    expect((response.body as Buffer).length).to.equal(image.file.bytes);
  });

  it('answers 400 for a malformed media name and 404 for an unknown one', async () => {
    await app.as('verifier').get('/media/originals/..%2F..%2Fetc%2Fpasswd').expect(400);
    await app.as('verifier').get('/media/derivatives/not-a-name.webp').expect(400);
    await app.as('verifier').get(`/media/derivatives/${'a'.repeat(64)}.webp`).expect(404);
  });

  it('describes the API in OpenAPI 3.1', async () => {
    const response = await app.as('verifier').get('/api/openapi.json').expect(200);
    expect(response.body.openapi).to.match(/^3\.1/);
    expect(Object.keys(response.body.paths)).to.include.members([
      '/api/images',
      '/api/images/{id}',
      '/api/images/{id}/metadata',
      '/api/images/{id}/provenance',
      '/api/images/{id}/history',
      '/api/lookup',
      '/api/articles',
      '/api/articles/{id}',
      '/api/described-images',
      '/api/described-images/{id}',
    ]);
    // Every schema reference points at a schema the document defines.
    const refs = JSON.stringify(response.body).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) {
      const name = ref.slice('"$ref":"#/components/schemas/'.length, -1);
      expect(response.body.components.schemas, ref).to.have.property(name);
    }
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const response = await app.as('verifier').get('/api/nothing-here').expect(404);
    expect(response.body.error.code).to.equal('not_found');
  });
});
