// Images an article printed or described without the archive holding their file: recorded through
// the API or the article page, shown in the article's order, and fulfilled by a later upload.
import { expect } from 'chai';
import { ArticleModel } from '../../server/articles/article.model';
import { ImageModel } from '../../server/images/image.model';
import { emptyUploads, filesUnder, fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

const ARTICLE = {
  articleHeadline: 'What happened to the North Korean troops fighting Ukraine on the frontline?',
  articlePublisher: 'The Independent',
};
const NOTEBOOK = "A soldier's notebook page with a drawing, translated by The Wall Street Journal";

describe('described images (records without a file)', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
  });
  beforeEach(async () => {
    await resetDatabase();
    await emptyUploads(app);
  });
  after(async () => {
    await resetDatabase();
    await app.close();
  });

  it('records one through the API, splitting the printed line, and reads it back', async () => {
    const created = await app.as('verifier')
      .post('/api/described-images')
      .send({ ...ARTICLE, printedLine: 'The passport belonging to a captured North Korean soldier (Telegram/Volodymyr Zelensky)' })
      .expect(201);
    expect(created.headers.location).to.equal(`/api/described-images/${created.body.id}`);
    expect(created.body).to.include({ caption: 'The passport belonging to a captured North Korean soldier', credit: 'Telegram/Volodymyr Zelensky', addedBy: app.credentials.verifier.name, fulfilledBy: null });
    expect(created.body.article.headline).to.equal(ARTICLE.articleHeadline);
    expect(await ArticleModel.countDocuments({})).to.equal(1);
    const read = await app.as('verifier').get(`/api/described-images/${created.body.id}`).expect(200);
    expect(read.body.printedLine).to.equal('The passport belonging to a captured North Korean soldier (Telegram/Volodymyr Zelensky)');
  });

  it('refuses a record without an article or without any text, and answers 404 for an unknown id', async () => {
    const noArticle = await app.as('verifier').post('/api/described-images').send({ description: NOTEBOOK }).expect(400);
    expect(noArticle.body.error.message).to.match(/which article/);
    const noText = await app.as('verifier').post('/api/described-images').send(ARTICLE).expect(400);
    expect(noText.body.error.message).to.match(/printed line, a caption or a description/);
    await app.as('verifier').get('/api/described-images/64b7f0c2a1b2c3d4e5f60718').expect(404);
    await app.as('verifier').get('/api/described-images/not-an-id').expect(404);
  });

  it('shows it on the article page in recorded order, with a link that fills in the upload form', async () => {
    await app.as('verifier').post('/api/images').field({ ...ARTICLE, printedLine: 'A held image (Reuters)' }).attach('image', fixture('Canon_40D.jpg')).expect(201);
    const described = await app.as('verifier').post('/api/described-images').send({ ...ARTICLE, description: NOTEBOOK }).expect(201);
    const article = await ArticleModel.findOne({}).lean();

    const page = await app.as('verifier').get(`/articles/${article!._id}`).expect(200);
    const held = page.text.indexOf('A held image (Reuters)');
    const missing = page.text.indexOf('The archive holds no file for this image');
    expect(held).to.be.greaterThan(-1);
    expect(missing).to.be.greaterThan(held);
    expect(page.text).to.contain('Not shown with a caption');
    expect(page.text).to.contain('translated by The Wall Street Journal');
    expect(page.text).to.contain(`/upload?described=${described.body.id}`);

    const contents = await app.as('verifier').get(`/api/articles/${article!._id}`).expect(200);
    expect(contents.body.images.map((entry: { kind: string }) => entry.kind)).to.deep.equal(['held', 'described']);
    expect(contents.body.images[1]).to.include({ position: 2, describedImageId: described.body.id, description: NOTEBOOK, printedLine: null });
    await app.as('verifier').get('/api/articles/64b7f0c2a1b2c3d4e5f60718').expect(404);
    const articles = await app.as('verifier').get('/api/articles').expect(200);
    expect(articles.body.items).to.have.length(1);
    expect(articles.body.items[0]).to.include({ headline: ARTICLE.articleHeadline, heldCount: 1, withoutFileCount: 1 });
    expect(articles.body.items[0].links.self).to.equal(`/api/articles/${article!._id}`);

    const list = await app.as('verifier').get('/articles').expect(200);
    expect(list.text).to.match(/>1 <span class="muted">\+ 1 without a file<\/span>/);

    const form = await app.as('verifier').get(`/upload?described=${described.body.id}`).expect(200);
    expect(form.text).to.contain(`name="describedImage" value="${described.body.id}"`);
    expect(form.text).to.contain(`value="${ARTICLE.articleHeadline}"`);
    expect(form.text).to.match(/supplies the file for an image the archive had only as a record: “A soldier&#39;s notebook page/);
  });

  it('turns into an image record when its file is uploaded, keeping its place in the article; a second file is refused', async () => {
    const first = await app.as('verifier').post('/api/described-images').send({ ...ARTICLE, printedLine: 'A North Korean soldier fighting for Russia in Ukraine, according to a video shared by Zelensky (Office of the President of Ukraine)' }).expect(201);
    await app.as('verifier').post('/api/images').field({ ...ARTICLE, printedLine: 'A later image (AP)' }).attach('image', fixture('DSCN0010.jpg')).expect(201);

    const uploaded = await app.as('verifier').post('/api/images').field('describedImage', first.body.id).attach('image', fixture('Canon_40D.jpg')).expect(201);
    expect(uploaded.body.declared.caption).to.equal('A North Korean soldier fighting for Russia in Ukraine, according to a video shared by Zelensky');
    expect(uploaded.body.declared.credit).to.equal('Office of the President of Ukraine');
    const fulfilled = await app.as('verifier').get(`/api/described-images/${first.body.id}`).expect(200);
    expect(fulfilled.body.fulfilledBy).to.equal(uploaded.body.id);
    // The image's hash-chained history says it was first known only from the article.
    const history = await app.as('verifier').get(`/api/images/${uploaded.body.id}/history`).expect(200);
    expect(history.body.chainValid).to.equal(true);
    const entry = history.body.entries.find((e: { type: string }) => e.type === 'described_image_fulfilled');
    expect(entry.changes[0].to.printedLine).to.contain('according to a video shared by Zelensky');
    const imagePage = await app.as('verifier').get(`/images/${uploaded.body.id}`).expect(200);
    expect(imagePage.text).to.contain('File uploaded for an image recorded without one');

    const article = await ArticleModel.findOne({}).lean();
    const page = await app.as('verifier').get(`/articles/${article!._id}`).expect(200);
    expect(page.text).not.to.contain('The archive holds no file for this image');
    // Recorded first, so printed first, although its file came after the other image's.
    expect(page.text.indexOf('according to a video shared by Zelensky')).to.be.lessThan(page.text.indexOf('A later image (AP)'));

    // The same order through the API, held or not.
    const contents = await app.as('verifier').get(`/api/articles/${article!._id}`).expect(200);
    expect(contents.body.headline).to.equal(ARTICLE.articleHeadline);
    expect(contents.body.images.map((entry: { position: number; kind: string; imageId: string }) => [entry.position, entry.kind, entry.imageId])).to.deep.equal([
      [1, 'held', uploaded.body.id],
      [2, 'held', contents.body.images[1].imageId],
    ]);
    expect(contents.body.images[1].printedLine).to.equal('A later image (AP)');

    const filesBefore = await filesUnder(app.uploadDir);
    const again = await app.as('verifier').post('/api/images').field('describedImage', first.body.id).attach('image', fixture('Bush-dog.jpg')).expect(409);
    expect(again.body.error.message).to.contain(`/images/${uploaded.body.id}`);
    expect(await filesUnder(app.uploadDir)).to.deep.equal(filesBefore);
    expect(await ImageModel.countDocuments({})).to.equal(2);
  });

  it('takes one file of two sent for it at the same moment, and a file again after a refused one', async () => {
    const described = await app.as('verifier').post('/api/described-images').send({ ...ARTICLE, printedLine: 'A contested picture (Handout)' }).expect(201);
    const refused = await app.as('verifier').post('/api/images').field('describedImage', described.body.id).attach('image', Buffer.from('not an image'), 'notes.jpg');
    expect(refused.status).to.equal(415);

    const [a, b] = await Promise.all(
      ['Canon_40D.jpg', 'DSCN0010.jpg'].map((name) => app.as('verifier').post('/api/images').field('describedImage', described.body.id).attach('image', fixture(name))),
    );
    expect([a.status, b.status].sort()).to.deep.equal([201, 409]);
    const winner = a.status === 201 ? a : b;
    expect((await app.as('verifier').get(`/api/described-images/${described.body.id}`).expect(200)).body.fulfilledBy).to.equal(winner.body.id);
    expect(await ImageModel.countDocuments({})).to.equal(1);
  });

  it('records one from the article page without JavaScript, keeping what was typed when refused', async () => {
    await app.as('verifier').post('/api/images').field(ARTICLE).attach('image', fixture('Canon_40D.jpg')).expect(201);
    const article = await ArticleModel.findOne({}).lean();
    const refused = await app.as('verifier').post(`/articles/${article!._id}/described`).type('form').send({ description: NOTEBOOK, sourceUrl: 'not a link' }).expect(400);
    expect(refused.text).to.contain('must be a web address');
    expect(refused.text).to.contain('translated by The Wall Street Journal</textarea>');

    const saved = await app.as('verifier').post(`/articles/${article!._id}/described`).type('form').send({ description: NOTEBOOK }).expect(303);
    expect(saved.headers.location).to.equal(`/articles/${article!._id}?recorded=1#describe`);
    const page = await app.as('verifier').get(saved.headers.location).expect(200);
    expect(page.text).to.contain('The image was recorded without its file.');
    expect(page.text).to.contain(`by ${app.credentials.verifier.name}`);

    for (const unknown of ['64b7f0c2a1b2c3d4e5f60718', 'not-an-id']) {
      const missing = await app.as('verifier').post(`/articles/${unknown}/described`).set('Accept', 'text/html').type('form').send({ description: NOTEBOOK }).expect(404);
      expect(missing.text, unknown).to.contain('No article with this id.');
    }
  });
});
