// Sources (issue 14): suppliers read from credits and source URLs get stable, readable keys and a
// page each (images, verified and disputed counts, contradicting findings, first and last seen,
// accounts); the credit on an image page links there; the usage-rights kind comes from the credit,
// an editor can change it, and the gallery filters by it.
import { expect } from 'chai';
import sharp from 'sharp';
import { sourceKeysOf, usageKindOf } from '../../server/credits/sources';
import { parseCredit } from '../../server/credits/credit-parser';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

describe('source keys and usage kinds', () => {
  it('reads "Telegram/Volodymyr Zelensky" as the Telegram account telegram/volodymyr-zelensky, social media', () => {
    const credit = parseCredit('Telegram/Volodymyr Zelensky');
    expect(sourceKeysOf(credit, undefined).map((s) => s.key)).to.deep.equal(['telegram/volodymyr-zelensky']);
    expect(usageKindOf(credit)).to.equal('social-media');
  });

  it('reads an office as an organisation, a handout', () => {
    const credit = parseCredit('Office of the President of Ukraine');
    expect(sourceKeysOf(credit, undefined).map((s) => s.key)).to.deep.equal(['org/office-of-the-president-of-ukraine']);
    expect(usageKindOf(credit)).to.equal('handout');
  });

  it('keys the agency and the photographer of "Jane Doe/AFP via Getty Images", and the site of a source URL', () => {
    const keys = sourceKeysOf(parseCredit('Jane Doe/AFP via Getty Images'), 'https://www.afp.com/photo/123').map((s) => s.key);
    expect(keys).to.include.members(['agency/afp', 'photographer/jane-doe', 'site/afp-com']);
    expect(usageKindOf(parseCredit('Screengrab from video'))).to.equal('screengrab');
  });
});

describe('source pages', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
  });
  beforeEach(async () => {
    await resetDatabase();
  });

  async function upload(bytes: Buffer | string, fields: Record<string, string>): Promise<string> {
    let request = app.as('editor').post('/api/images');
    for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
    return (await (typeof bytes === 'string' ? request.attach('image', bytes) : request.attach('image', bytes, 'copy.jpg')).expect(201)).body.id as string;
  }

  it('lists suppliers with counts and shows one supplier’s images, statuses, contradicting findings and accounts', async () => {
    const first = await upload(fixture('DSCN0010.jpg'), { credit: 'Telegram/Volodymyr Zelensky', sourceUrl: 'https://t.me/V_Zelenskiy_official/1234' });
    await upload(fixture('Bush-dog.jpg'), { credit: 'Telegram/Volodymyr Zelensky' });
    // The same picture, mirrored, held under another credit: a contradicting finding on both.
    await upload(await sharp(fixture('DSCN0010.jpg')).rotate().flop().jpeg().toBuffer(), { credit: 'Office of the President of Ukraine' });
    await app.as('verifier').patch(`/api/images/${first}`).send({ status: 'disputed', statusNote: 'Older than claimed', reason: 'Checked' }).expect(200);

    const list = (await app.as('viewer').get('/sources').expect(200)).text;
    expect(list).to.include('href="/sources/telegram/volodymyr-zelensky"');
    expect(list).to.include('href="/sources/org/office-of-the-president-of-ukraine"');

    const page = (await app.as('viewer').get('/sources/telegram/volodymyr-zelensky').expect(200)).text;
    expect(page).to.match(/id="source-images">2</);
    expect(page).to.match(/id="source-disputed">1</);
    expect(page).to.include('group.different_credits');
    expect(page).to.include('V_Zelenskiy_official (Telegram)');
    await app.as('viewer').get('/sources/telegram/nobody-here').expect(404);

    // The credit on the image page links to its source page.
    expect((await app.as('viewer').get(`/images/${first}`).expect(200)).text).to.include('href="/sources/telegram/volodymyr-zelensky"');
  });

  it('serves the source pages from the page cache until a write, which shows at once', async () => {
    const id = await upload(fixture('DSCN0010.jpg'), { credit: 'Telegram/Volodymyr Zelensky' });
    for (const path of ['/sources', '/sources/telegram/volodymyr-zelensky']) {
      expect((await app.as('viewer').get(path).expect(200)).headers['x-cache'], `${path} first`).to.equal('miss');
      expect((await app.as('viewer').get(path).expect(200)).headers['x-cache'], `${path} again`).to.equal('hit');
    }
    await app.as('editor').patch(`/api/images/${id}`).send({ credit: 'Office of the President of Ukraine', reason: 'Credit as printed' }).expect(200);
    const list = await app.as('viewer').get('/sources').expect(200);
    expect(list.headers['x-cache']).to.equal('miss');
    expect(list.text).to.include('href="/sources/org/office-of-the-president-of-ukraine"');
    expect(list.text).not.to.include('href="/sources/telegram/volodymyr-zelensky"');
    await app.as('viewer').get('/sources/telegram/volodymyr-zelensky').expect(404);
  });

  it('derives the usage kind from the credit, lets an editor change it, and filters the gallery by it', async () => {
    const handout = await upload(fixture('DSCN0010.jpg'), { credit: 'Office of the President of Ukraine' });
    const social = await upload(fixture('Bush-dog.jpg'), { credit: 'Telegram/Volodymyr Zelensky' });
    const ids = async (query: string) => ((await app.as('viewer').get(`/api/images?${query}`).expect(200)).body.items as Array<{ id: string }>).map((i) => i.id);
    expect(await ids('kind=handout')).to.deep.equal([handout]);
    expect(await ids('kind=social-media')).to.deep.equal([social]);
    await app.as('editor').patch(`/api/images/${social}`).send({ supplierKind: 'screengrab', reason: 'A frame of the channel’s video' }).expect(200);
    expect(await ids('kind=screengrab')).to.deep.equal([social]);
    expect(await ids('kind=social-media')).to.deep.equal([]);
    // Cleared, the credit decides again.
    await app.as('editor').patch(`/api/images/${social}`).send({ supplierKind: null, reason: 'Back to the credit' }).expect(200);
    expect(await ids('kind=social-media')).to.deep.equal([social]);
    await app.as('viewer').get('/api/images?kind=nonsense').expect(400);
  });
});
