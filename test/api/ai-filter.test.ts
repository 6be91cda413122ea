// The gallery filter "AI-generated or AI-edited (declared)": the file's own IPTC digital source type
// (in its C2PA actions or its XMP) decides, over HTTP and on the gallery page, through an index.
import { expect } from 'chai';
import { ImageModel } from '../../server/images/image.model';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

describe('gallery filter: AI-generated or AI-edited (declared)', function () {
  this.timeout(60_000);
  let app: TestApp;
  const ids: Record<string, string> = {};

  before(async () => {
    await resetDatabase();
    app = await startTestApp();
    for (const name of ['firefly_thirdparty_gemini.png', 'C_with_CAWG_data.jpg', 'Canon_40D.jpg']) {
      ids[name] = (await app.as('editor').post('/api/images').field('caption', `Filter test ${name}`).attach('image', fixture(name)).expect(201)).body.id;
    }
  });
  after(async () => {
    await app.close();
  });

  it('GET /api/images?ai=yes lists only the file that declares generative AI (not the digitalCapture one)', async () => {
    const { body } = await app.as('editor').get('/api/images?ai=yes').expect(200);
    expect(body.items.map((item: { id: string }) => item.id)).to.deep.equal([ids['firefly_thirdparty_gemini.png']]);
    const all = await app.as('editor').get('/api/images').expect(200);
    expect(all.body.total).to.equal(3);
    const image = await app.as('editor').get(`/api/images/${ids['firefly_thirdparty_gemini.png']}`).expect(200);
    expect(image.body.aiDeclared).to.equal(true);
  });

  it('the gallery page has the checkbox, keeps it in the query string and shows the filter in effect', async () => {
    const plain = await app.as('editor').get('/').expect(200);
    expect(plain.text).to.match(/<input id="f-ai" name="ai" type="checkbox" value="yes">/);
    const filtered = await app.as('editor').get('/?ai=yes').expect(200);
    expect(filtered.text).to.match(/<input id="f-ai" name="ai" type="checkbox" value="yes" checked>/);
    expect(filtered.text).to.contain('AI-generated or AI-edited (declared)');
    expect(filtered.text).to.contain(`/images/${ids['firefly_thirdparty_gemini.png']}`);
    expect(filtered.text).to.not.contain(`/images/${ids['Canon_40D.jpg']}`);
  });

  it('refuses ai=no with a clear 400 (only "yes" is a filter)', async () => {
    const response = await app.as('editor').get('/api/images?ai=no').expect(400);
    expect(response.body.error.message).to.equal('The parameter "ai" can only be yes (files that declare generative AI).');
  });

  it('the filter field is indexed with the gallery sort', async () => {
    const indexes = await ImageModel.listIndexes();
    expect(indexes.map((index) => index.key)).to.deep.include({ aiDeclared: 1, createdAt: -1, _id: -1 });
  });
});
