// Picture groups through real HTTP: copies of a held picture (mirrored, a 60 % crop, inside a
// screenshot) join its group on upload; the group lists every copy with its relation and marks the
// earliest and the largest; different credits give one finding on every member; an editor takes a
// member out with a reason, recorded in the history of both images; the gallery shows one card
// per group unless group=0.
import { expect } from 'chai';
import sharp from 'sharp';
import mongoose from 'mongoose';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';
import { screenshot } from '../support/picture-variants';
import { seededRandom } from '../support/seeded-random';

interface GroupJson {
  groupId: string | null;
  members: Array<{ imageId: string; credit: string | null; relation: string; earliest: boolean; largest: boolean; width: number }>;
  differentCredits: string[];
}

describe('picture groups', () => {
  let app: TestApp;
  const oriented = () => sharp(fixture('DSCN0010.jpg')).rotate();

  before(async () => {
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
  });
  beforeEach(async () => {
    await resetDatabase();
  });

  async function upload(bytes: Buffer | string, credit: string, name = 'copy.jpg'): Promise<string> {
    const request = app.as('editor').post('/api/images').field('credit', credit);
    const response = await (typeof bytes === 'string' ? request.attach('image', bytes) : request.attach('image', bytes, name)).expect(201);
    return response.body.id as string;
  }
  const group = async (id: string) => (await app.as('viewer').get(`/api/images/${id}/group`).expect(200)).body as GroupJson;

  it('a mirrored copy, a 60 % crop and a screenshot containing it join the original’s group', async () => {
    const original = await upload(fixture('DSCN0010.jpg'), 'Reuters');
    const mirrored = await upload(await oriented().flop().jpeg({ quality: 80 }).toBuffer(), 'Reuters');
    const crop = await upload(await oriented().extract({ left: 29, top: 22, width: 496, height: 372 }).jpeg({ quality: 85 }).toBuffer(), 'Reuters');
    const shot = await upload(await screenshot(oriented(), { width: 640, height: 480 }, seededRandom(3)), 'Reuters');
    const unrelated = await upload(fixture('Bush-dog.jpg'), 'AP');

    const view = await group(original);
    expect(view.members.map((m) => m.imageId)).to.deep.equal([original, mirrored, crop, shot]);
    const relation = Object.fromEntries(view.members.map((m) => [m.imageId, m.relation]));
    expect(relation).to.deep.equal({ [original]: 'this image', [mirrored]: 'mirrored copy', [crop]: 'crop', [shot]: 'screenshot or composite containing it' });
    expect(view.members.filter((m) => m.earliest).map((m) => m.imageId)).to.deep.equal([original]);
    // The screenshot canvas (1080 px wide) is the largest file, not the largest copy of the picture.
    expect(view.members.filter((m) => m.largest).map((m) => m.imageId)).to.deep.equal([original]);
    // Seen from the crop, the original is what it was cut from.
    expect((await group(crop)).members.find((m) => m.imageId === original)!.relation).to.equal('uncropped picture');
    expect((await group(unrelated)).groupId).to.equal(null);
    expect(view.differentCredits).to.deep.equal([]);

    // The image page shows the group with the earliest-seen and the largest copy marked.
    const page = (await app.as('viewer').get(`/images/${crop}`).expect(200)).text;
    expect(page).to.include('The same picture: 4 copies held');
    expect(page).to.include('earliest seen');
    expect(page).to.include('largest');
    expect(page).to.include('uncropped picture');
    // The gallery's card for the group says how many copies it stands for.
    expect((await app.as('viewer').get('/').expect(200)).text).to.include('4 copies');
  });

  it('a held crop joins the group of its uncropped original when that arrives later', async () => {
    const crop = await upload(await oriented().extract({ left: 29, top: 22, width: 496, height: 372 }).jpeg({ quality: 85 }).toBuffer(), 'Reuters');
    const original = await upload(fixture('DSCN0010.jpg'), 'Reuters');
    expect((await group(original)).members.map((m) => [m.imageId, m.relation])).to.deep.equal([
      [crop, 'crop'],
      [original, 'this image'],
    ]);
  });

  it('different credits in one group give one finding on every member, naming the others, kept right after an edit', async () => {
    const original = await upload(fixture('DSCN0010.jpg'), 'Office of the President of Ukraine');
    const mirrored = await upload(await oriented().flop().jpeg({ quality: 80 }).toBuffer(), 'Telegram/Volodymyr Zelensky');
    const findingOn = async (id: string) =>
      ((await app.as('viewer').get(`/api/images/${id}/provenance`).expect(200)).body.findings as Array<{ code: string; message: string; evidence: Array<{ imageId?: string }> }>).filter(
        (f) => f.code === 'group.different_credits',
      );
    const onOriginal = await findingOn(original);
    expect(onOriginal).to.have.length(1);
    expect(onOriginal[0].message).to.include('Telegram/Volodymyr Zelensky');
    expect(onOriginal[0].evidence.map((e) => e.imageId)).to.deep.equal([mirrored]);
    const onMirrored = await findingOn(mirrored);
    expect(onMirrored[0].message).to.include('Office of the President of Ukraine');
    // The mirrored copy's credit corrected to the original's: the finding goes from both.
    await app.as('editor').patch(`/api/images/${mirrored}`).send({ credit: 'Office of the President of Ukraine', reason: 'Same handout' }).expect(200);
    expect(await findingOn(original)).to.deep.equal([]);
    expect(await findingOn(mirrored)).to.deep.equal([]);
  });

  it('an editor takes a member out of the group with a reason, in the history of both images', async () => {
    const original = await upload(fixture('DSCN0010.jpg'), 'Reuters');
    const mirrored = await upload(await oriented().flop().jpeg({ quality: 80 }).toBuffer(), 'AP');
    await app.as('viewer').post(`/api/images/${mirrored}/group/removal`).send({ reason: 'x' }).expect(403);
    await app.as('editor').post(`/api/images/${mirrored}/group/removal`).send({}).expect(400);
    const after = (await app.as('editor').post(`/api/images/${mirrored}/group/removal`).send({ reason: 'A staged look-alike, not the same photo' }).expect(200)).body as GroupJson;
    expect(after.groupId).to.equal(null);
    expect((await group(original)).groupId).to.equal(null);
    for (const id of [original, mirrored]) {
      const entries = (await app.as('viewer').get(`/api/images/${id}/history`).expect(200)).body.entries as Array<{ type: string; reason?: string }>;
      expect(entries.find((e) => e.type === 'group_member_removed')?.reason).to.equal('A staged look-alike, not the same photo');
    }
    // The finding about different credits goes with the group.
    const findings = (await app.as('viewer').get(`/api/images/${original}/provenance`).expect(200)).body.findings as Array<{ code: string }>;
    expect(findings.map((f) => f.code)).to.not.include('group.different_credits');
  });

  it('the gallery shows one card per group with the number of copies, and every file with group=0', async () => {
    const original = await upload(fixture('DSCN0010.jpg'), 'Reuters');
    const mirrored = await upload(await oriented().flop().jpeg({ quality: 80 }).toBuffer(), 'Reuters');
    const other = await upload(fixture('Bush-dog.jpg'), 'AP');
    const grouped = (await app.as('viewer').get('/api/images?group=1').expect(200)).body;
    expect(grouped.items.map((i: { id: string }) => i.id).sort()).to.deep.equal([original, other].sort());
    expect(grouped.items.find((i: { id: string }) => i.id === original).copies).to.equal(2);
    expect(grouped.total, 'the count of cards').to.equal(2);
    const every = (await app.as('viewer').get('/api/images?group=0').expect(200)).body;
    expect(every.items.map((i: { id: string }) => i.id).sort()).to.deep.equal([original, mirrored, other].sort());
    expect(every.total).to.equal(3);
    // The JSON API lists every file unless asked to fold (exports and scripts must not miss a copy);
    // the gallery page folds by default.
    expect((await app.as('viewer').get('/api/images').expect(200)).body.total).to.equal(3);
    const page = await app.as('viewer').get('/').expect(200);
    expect(page.text).to.match(/2 copies/);
  });

  it('records stored before picture groups (no foldedIntoGroup) are in the default gallery after the next start', async () => {
    const first = await upload(fixture('DSCN0010.jpg'), 'Reuters');
    const second = await upload(fixture('Bush-dog.jpg'), 'AP');
    await mongoose.connection.db!.collection('images').updateMany({}, { $unset: { foldedIntoGroup: 1 } });
    const restarted = await startTestApp();
    try {
      const gallery = (await restarted.as('viewer').get('/api/images?group=1').expect(200)).body;
      expect(gallery.items.map((i: { id: string }) => i.id).sort()).to.deep.equal([first, second].sort());
      expect(gallery.total).to.equal(2);
      expect(await mongoose.connection.db!.collection('images').countDocuments({ foldedIntoGroup: false })).to.equal(2);
    } finally {
      await restarted.close();
    }
  });
});
