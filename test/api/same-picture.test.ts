// Issue 14 through real HTTP: a held picture is found by POST /api/lookup mirrored, cropped to 60 %,
// inside a phone-screenshot-style composite, and in a collage with another held picture; an
// unrelated picture finds nothing.
import { expect } from 'chai';
import sharp from 'sharp';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';
import { collage, screenshot } from '../support/picture-variants';
import { seededRandom } from '../support/seeded-random';

interface MatchJson {
  imageId: string;
  kind: string;
  relation: string;
  distance: number;
  region?: { x: number; y: number; width: number; height: number };
}

describe('finding the same picture in other forms (lookup API)', () => {
  let app: TestApp;
  const oriented = (name: string) => sharp(fixture(name)).rotate();

  before(async () => {
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
  });
  beforeEach(async () => {
    await resetDatabase();
  });

  async function hold(name: string, credit: string): Promise<string> {
    return (await app.as('editor').post('/api/images').field('credit', credit).attach('image', fixture(name)).expect(201)).body.id as string;
  }

  async function lookup(bytes: Buffer): Promise<MatchJson[]> {
    return (await app.as('editor').post('/api/lookup').attach('image', bytes, 'query.jpg').expect(200)).body.matches as MatchJson[];
  }

  it('finds a mirrored copy, and says it is mirrored', async () => {
    const id = await hold('DSCN0010.jpg', 'Reuters');
    const matches = await lookup(await oriented('DSCN0010.jpg').flop().jpeg({ quality: 80 }).toBuffer());
    expect(matches.map((m) => [m.imageId, m.relation])).to.deep.equal([[id, 'mirrored']]);
  });

  it('finds a crop keeping 60 % of the area, off-centre, as a crop', async () => {
    const id = await hold('DSCN0010.jpg', 'Reuters');
    // 77.5 % of each side (640 × 480 → 496 × 372), near the top left. Near one of the stored crop
    // windows: a crop of this detailed picture halfway between two (e.g. from 72, 54) is 14 bits off
    // and missed, as README's figures for 60 % crops say.
    const crop = await oriented('DSCN0010.jpg').extract({ left: 29, top: 22, width: 496, height: 372 }).jpeg({ quality: 85 }).toBuffer();
    const matches = await lookup(crop);
    expect(matches.map((m) => [m.imageId, m.relation])).to.deep.equal([[id, 'crop']]);
  });

  it('finds the picture inside a screenshot of a channel post, with where it sits', async () => {
    const id = await hold('DSCN0010.jpg', 'Telegram/Volodymyr Zelensky');
    const shot = await screenshot(oriented('DSCN0010.jpg'), { width: 640, height: 480 }, seededRandom(3));
    const matches = await lookup(shot);
    expect(matches.map((m) => [m.imageId, m.relation])).to.deep.equal([[id, 'contains']]);
    const { width } = await sharp(shot).metadata();
    expect(matches[0].region!.width).to.be.within(width * 0.35, width * 0.75);
  });

  it('finds both pictures of a collage', async () => {
    const first = await hold('DSCN0010.jpg', 'Reuters');
    const second = await hold('Bush-dog.jpg', 'AP');
    const both = await collage([oriented('DSCN0010.jpg'), { width: 640, height: 480 }], [oriented('Bush-dog.jpg'), (await oriented('Bush-dog.jpg').toBuffer({ resolveWithObject: true })).info], 0);
    const matches = await lookup(both);
    expect(matches.map((m) => m.imageId).sort()).to.deep.equal([first, second].sort());
    expect(matches.every((m) => m.relation === 'contains')).to.equal(true);
  });

  it('finds nothing for an unrelated picture', async () => {
    await hold('DSCN0010.jpg', 'Reuters');
    await hold('Bush-dog.jpg', 'AP');
    expect(await lookup(await oriented('mars.webp').jpeg().toBuffer())).to.deep.equal([]);
  });
});
