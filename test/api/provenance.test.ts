// Checking an image's credited source through real HTTP: lookup of a changed copy, conflicting credits
// on near-duplicates, the seed case's platform check, and a history chain that shows tampering.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import request from 'supertest';
import { HistoryEntryModel } from '../../server/provenance/history.model';
import { NEAR_DUPLICATE_MAX_DISTANCE } from '../../server/provenance/phash';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

interface FindingJson {
  code: string;
  severity: string;
  message: string;
  evidence: Array<{ imageId?: string; tag?: string; value?: string }>;
}

describe('provenance API', () => {
  let app: TestApp;
  let scratch: string;

  before(async () => {
    app = await startTestApp();
    scratch = await mkdtemp(path.join(os.tmpdir(), 'provenance-api-'));
  });
  after(async () => {
    await app.close();
  });
  beforeEach(async () => {
    await resetDatabase();
  });

  /** A resized, recompressed copy of a fixture: the same picture, different bytes. */
  async function changedCopy(name: string, scale: number, quality: number): Promise<string> {
    const source = sharp(fixture(name)).rotate();
    const { width } = await source.metadata();
    const target = path.join(scratch, `copy-${scale}-${quality}-${name}.jpg`);
    await writeFile(target, await sharp(fixture(name)).rotate().resize(Math.round((width ?? 640) * scale)).jpeg({ quality }).toBuffer());
    return target;
  }

  it('finds a resized, recompressed copy of an archived image, with its credit', async () => {
    const original = await app.as('verifier')
      .post('/api/images')
      .field('credit', 'Jane Doe/AFP via Getty Images')
      .field('sourceUrl', 'https://www.afp.com/photo/123')
      .attach('image', fixture('DSCN0010.jpg'))
      .expect(201);
    const response = await app.as('verifier').post('/api/lookup').attach('image', await changedCopy('DSCN0010.jpg', 0.5, 60)).expect(200);
    expect(response.body.matches).to.have.length.greaterThan(0);
    const [best] = response.body.matches;
    expect(best.imageId).to.equal(original.body.id);
    expect(best.kind).to.equal('near');
    expect(best.credit).to.equal('Jane Doe/AFP via Getty Images');
    expect(best.distance).to.be.at.most(NEAR_DUPLICATE_MAX_DISTANCE);
    expect(response.body.findings).to.be.an('array');
  });

  it('after a restart, still finds near copies of what was stored before (the start-up scan fills the hash index)', async () => {
    const original = await app.as('verifier').post('/api/images').field('credit', 'Reuters').attach('image', fixture('DSCN0010.jpg')).expect(201);
    const restarted = await startTestApp();
    try {
      expect(restarted.services.provenance.indexSize).to.equal(1);
      const response = await request(restarted.url).post('/api/lookup').attach('image', await changedCopy('DSCN0010.jpg', 0.5, 60)).expect(200);
      expect(response.body.matches.map((match: { imageId: string; kind: string }) => [match.imageId, match.kind])).to.deep.equal([[original.body.id, 'near']]);
    } finally {
      await restarted.close();
    }
  });

  it('reports an exact match for the very same file, and nothing for an unrelated picture', async () => {
    const original = await app.as('verifier').post('/api/images').field('credit', 'Reuters').attach('image', fixture('Canon_40D.jpg')).expect(201);
    const same = await app.as('verifier').post('/api/lookup').attach('image', fixture('Canon_40D.jpg')).expect(200);
    expect(same.body.matches[0]).to.include({ imageId: original.body.id, kind: 'exact', distance: 0 });
    const unrelated = await app.as('verifier').post('/api/lookup').attach('image', fixture('DSCN0010.jpg')).expect(200);
    expect(unrelated.body.matches).to.deep.equal([]);
  });

  it('does not store the looked-up file', async () => {
    await app.as('verifier').post('/api/lookup').attach('image', fixture('Canon_40D.jpg')).expect(200);
    expect((await app.as('verifier').get('/api/images')).body.total).to.equal(0);
  });

  it('flags a near-duplicate held under a different credit on both images', async () => {
    const first = await app.as('verifier').post('/api/images').field('credit', 'Reuters').attach('image', fixture('DSCN0010.jpg')).expect(201);
    const second = await app.as('verifier')
      .post('/api/images')
      .field('credit', 'Telegram/Volodymyr Zelensky')
      .attach('image', await changedCopy('DSCN0010.jpg', 0.25, 30))
      .expect(201);
    const conflictOn = async (id: string, otherId: string) => {
      const report = (await app.as('verifier').get(`/api/images/${id}/provenance`).expect(200)).body;
      const conflict = (report.findings as FindingJson[]).find((finding) => finding.code.startsWith('duplicate.') && finding.evidence.some((item) => item.imageId === otherId));
      expect(conflict, `conflict finding on ${id}: ${JSON.stringify(report.findings)}`).to.not.equal(undefined);
      expect(conflict!.severity).to.equal('warning');
    };
    await conflictOn(second.body.id, first.body.id);
    await conflictOn(first.body.id, second.body.id);
  });

  it('compares the capture date in the file with the date the source claims', async () => {
    // Canon_40D.jpg was taken on 2008-05-30; a source claiming the picture shows an event of 2005 cannot be right.
    const uploaded = await app.as('verifier')
      .post('/api/images')
      .field('credit', 'Supplied')
      .field('claimedDate', '2005-01-01')
      .attach('image', fixture('Canon_40D.jpg'))
      .expect(201);
    expect(uploaded.body.declared.claimedDate).to.equal('2005-01-01T00:00:00.000Z');
    const findings: FindingJson[] = (await app.as('verifier').get(`/api/images/${uploaded.body.id}/provenance`)).body.findings;
    expect(findings.find((finding) => finding.code === 'capture.date_after_claim')?.severity).to.equal('warning');
    // Correcting the claim through the API refreshes the report.
    await app.as('verifier').patch(`/api/images/${uploaded.body.id}`).send({ claimedDate: '2008-06-01', reason: 'Source corrected the date' }).expect(200);
    const after: FindingJson[] = (await app.as('verifier').get(`/api/images/${uploaded.body.id}/provenance`)).body.findings;
    expect(after.map((finding) => finding.code)).to.not.include('capture.date_after_claim');
  });

  describe('the seed case: the passport photo credited Telegram/Volodymyr Zelensky', () => {
    const credit = 'Telegram/Volodymyr Zelensky';

    async function findingsFor(sourceUrl: string, name: string): Promise<FindingJson[]> {
      const uploaded = await app.as('verifier').post('/api/images').field('credit', credit).field('sourceUrl', sourceUrl).attach('image', fixture(name)).expect(201);
      return (await app.as('verifier').get(`/api/images/${uploaded.body.id}/provenance`).expect(200)).body.findings;
    }

    it('agrees with a t.me source', async () => {
      const findings = await findingsFor('https://t.me/V_Zelenskiy_official/12345', 'noexif.jpg');
      expect(findings.map((finding) => finding.code)).to.include('source.host_matches_platform');
      expect(findings.map((finding) => finding.code)).to.not.include('source.host_differs_from_platform');
    });

    it('flags a facebook.com source', async () => {
      const findings = await findingsFor('https://www.facebook.com/zelenskiy95/posts/1', 'libpng-test.png');
      const flagged = findings.find((finding) => finding.code === 'source.host_differs_from_platform');
      expect(flagged?.severity).to.equal('warning');
    });
  });

  describe('history', () => {
    it('records an edit with who, when, old and new value, and verifies the chain', async () => {
      const uploaded = await app.as('verifier').post('/api/images').field('credit', 'Handout').field('caption', 'First caption').attach('image', fixture('IPTC.jpg')).expect(201);
      const id = uploaded.body.id;
      const patched = await app.as('verifier')
        .patch(`/api/images/${id}`)
        .send({ caption: 'Corrected caption', credit: 'Office of the President of Ukraine', reason: 'Matched to the official post' })
        .expect(200);
      expect(patched.body.declared.caption).to.equal('Corrected caption');
      expect(patched.body.declared.creditParts.kind).to.equal('official_handout');
      await app.as('verifier').patch(`/api/images/${id}`).send({ status: 'verified', statusNote: 'Confirmed with the press office', reason: 'Phone call' }).expect(200);

      const history = (await app.as('verifier').get(`/api/images/${id}/history`).expect(200)).body;
      expect(history.chainValid).to.equal(true);
      expect(history.entries.map((entry: { type: string }) => entry.type)).to.deep.equal(['created', 'edited', 'status_set']);
      const edit = history.entries[1];
      // The signed change names the token's account, not a name the client declares.
      const verifier = app.credentials.verifier;
      expect(edit.actor).to.equal(verifier.name);
      expect(edit.account).to.deep.equal({ id: verifier.accountId, email: verifier.email, name: verifier.name, via: 'token', tokenName: 'test' });
      expect(edit.identity).to.equal('account');
      expect(edit.reason).to.equal('Matched to the official post');
      expect(edit.changes).to.deep.include({ field: 'caption', from: 'First caption', to: 'Corrected caption' });
      expect(edit.prevHash).to.equal(history.entries[0].hash);
    });

    it('reports the chain broken when a stored entry is altered in the database', async () => {
      const uploaded = await app.as('verifier').post('/api/images').field('credit', 'Handout').field('caption', 'Before').attach('image', fixture('IPTC.jpg')).expect(201);
      const id = uploaded.body.id;
      await app.as('verifier').patch(`/api/images/${id}`).send({ caption: 'After', reason: 'Typo' }).expect(200);
      // Someone with database access quietly rewrites what the caption used to say.
      const result = await HistoryEntryModel.updateOne({ image: id, seq: 1 }, { $set: { 'changes.0.from': 'Something else entirely' } });
      expect(result.modifiedCount).to.equal(1);
      const history = (await app.as('verifier').get(`/api/images/${id}/history`).expect(200)).body;
      expect(history.chainValid).to.equal(false);
    });

    it('clears a field sent as null and records who set the status', async () => {
      const uploaded = await app.as('verifier').post('/api/images').attach('image', fixture('IPTC.jpg')).expect(201);
      const id = uploaded.body.id;
      await app.as('verifier').patch(`/api/images/${id}`).send({ status: 'disputed', statusNote: 'Same picture seen in 2019', reason: 'Reverse search' }).expect(200);
      const cleared = await app.as('verifier').patch(`/api/images/${id}`).send({ statusNote: null, reason: 'Note was about another picture' }).expect(200);
      expect(cleared.body.status.value).to.equal('disputed');
      expect(cleared.body.status.setBy).to.equal(app.credentials.verifier.name);
      expect(cleared.body.status.setById).to.equal(app.credentials.verifier.accountId);
      expect(cleared.body.status).to.not.have.property('note');
      const history = (await app.as('verifier').get(`/api/images/${id}/history`)).body;
      expect(history.entries.at(-1).changes).to.deep.equal([{ field: 'statusNote', from: 'Same picture seen in 2019', to: null }]);
    });

    it('requires a reason for an edit and refuses unknown fields', async () => {
      const uploaded = await app.as('verifier').post('/api/images').attach('image', fixture('IPTC.jpg')).expect(201);
      const missing = await app.as('verifier').patch(`/api/images/${uploaded.body.id}`).send({ caption: 'x' }).expect(400);
      expect(missing.body.error.message).to.include('reason');
      await app.as('verifier').patch(`/api/images/${uploaded.body.id}`).send({ sha256: 'x', reason: 'y' }).expect(400);
      await app.as('verifier').patch(`/api/images/${uploaded.body.id}`).send({ status: 'maybe', reason: 'y' }).expect(400);
      await app.as('verifier').patch('/api/images/0123456789abcdef01234567').send({ caption: 'x', reason: 'y' }).expect(404);
    });
  });
});
