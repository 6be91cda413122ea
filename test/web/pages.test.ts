// The page routes over HTTP: error pages, the no-JavaScript upload post, the check page and the article pages.
import { expect } from 'chai';
import { emptyUploads, filesUnder, fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

describe('page routes', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
    await resetDatabase();
  });
  after(async () => {
    await resetDatabase();
    await emptyUploads(app);
    await app.close();
  });

  it('renders 404 in the layout, for unknown paths and malformed image ids alike', async () => {
    for (const path of ['/no-such-page', '/images/not-an-id', '/articles/123']) {
      const response = await app.as('verifier').get(path).set('Accept', 'text/html').expect(404);
      expect(response.text).to.contain('<a class="skip-link" href="#main">');
      expect(response.text).to.contain('Not found');
    }
  });

  it('renders 500 without the internal message or a stack trace', async () => {
    const original = app.services.images.list;
    app.services.images.list = async () => {
      throw new Error('secret internal detail at /srv/app/thing.ts:12');
    };
    try {
      const response = await app.as('verifier').get('/').set('Accept', 'text/html').expect(500);
      expect(response.text).to.contain('Something went wrong on our side');
      expect(response.text).not.to.contain('secret internal detail');
      expect(response.text).not.to.match(/at .*\.ts:\d+/);
    } finally {
      app.services.images.list = original;
    }
  });

  it('takes a multipart post without JavaScript: one result per file, a refused file named with its reason', async () => {
    const response = await app.as('verifier')
      .post('/upload')
      .field('printedLine', 'The passport belonging to a captured North Korean soldier (Telegram/Volodymyr Zelensky)')
      .field('articleHeadline', 'What happened to the North Korean troops fighting Ukraine on the frontline?')
      .attach('images', fixture('Canon_40D.jpg'))
      .attach('images', Buffer.from('not an image'), 'notes.jpg')
      .expect(200);
    expect(response.text).to.contain('Added to the archive');
    expect(response.text).to.contain('The passport belonging to a captured North Korean soldier');
    expect(response.text).to.contain('Telegram/Volodymyr Zelensky');
    expect(response.text).to.contain('notes.jpg');
    expect(response.text).to.contain('not an image the archive accepts');
    const leftovers = await filesUnder(app.uploadDir);
    expect(leftovers.filter((file) => file.startsWith('tmp'))).to.deep.equal([]);
  });

  it('keeps what was typed when the upload form is refused', async () => {
    const response = await app.as('verifier').post('/upload').field('caption', 'Kept caption').field('sourceUrl', 'not a url').attach('images', fixture('DSCN0010.jpg')).expect(400);
    expect(response.text).to.contain('Kept caption');
    expect(response.text).to.contain('web address');
    const empty = await app.as('verifier').post('/upload').field('caption', 'Only text').expect(400);
    expect(empty.text).to.contain('Choose at least one image file');
  });

  it('lists articles and shows an article’s images with their printed lines', async () => {
    const list = await app.as('verifier').get('/articles').expect(200);
    const href = /href="(\/articles\/[a-f0-9]{24})"/.exec(list.text)?.[1];
    expect(href).to.be.a('string');
    expect(list.text).to.match(/<td class="num num-col">1<\/td>/);
    const page = await app.as('verifier').get(href!).expect(200);
    expect(page.text).to.contain('The passport belonging to a captured North Korean soldier (Telegram/Volodymyr Zelensky)');
  });

  it('checks a file against the archive and refuses a post without a file', async () => {
    const response = await app.as('verifier').post('/check').attach('image', fixture('Canon_40D.jpg')).expect(200);
    expect(response.text).to.contain('1 copy of this exact file in the archive.');
    expect(response.text).to.contain('Telegram/Volodymyr Zelensky');
    await app.as('verifier').post('/check').field('x', 'y').expect(400);
  });
});
