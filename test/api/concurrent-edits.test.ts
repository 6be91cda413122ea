// Two editors changing one record at the same moment: nothing is lost without anyone knowing.
// Edits of different fields both land; edits of the same field give one winner and one 409.
import { expect } from 'chai';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

describe('concurrent edits of one image', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
  });
  beforeEach(resetDatabase);

  async function stored(): Promise<string> {
    const response = await app.as('verifier').post('/api/images').field('caption', 'First caption').field('credit', 'Office of the President of Ukraine').attach('image', fixture('DSCN0010.jpg')).expect(201);
    return response.body.id as string;
  }

  const patch = (id: string, body: object) => app.as('verifier').patch(`/api/images/${id}`).send(body);

  it('applies both when they change different fields, each in the history', async () => {
    const id = await stored();
    for (let round = 0; round < 5; round++) {
      const [caption, credit] = await Promise.all([
        patch(id, { caption: `Caption ${round}`, reason: 'caption fixed' }),
        patch(id, { credit: `Credit ${round}`, reason: 'credit fixed' }),
      ]);
      expect([caption.status, credit.status]).to.deep.equal([200, 200]);
      const image = await app.as('verifier').get(`/api/images/${id}`).expect(200);
      expect(image.body.declared.caption).to.equal(`Caption ${round}`);
      expect(image.body.declared.credit).to.equal(`Credit ${round}`);
    }
    const history = await app.as('verifier').get(`/api/images/${id}/history`).expect(200);
    expect(history.body.chainValid).to.equal(true);
    expect(history.body.entries.filter((entry: { type: string }) => entry.type === 'edited')).to.have.length(10);
  });

  it('gives one winner and one 409 when they change the same field, and the loser changed nothing', async () => {
    const id = await stored();
    let conflicts = 0;
    for (let round = 0; round < 5; round++) {
      const responses = await Promise.all([patch(id, { caption: `A ${round}`, reason: 'a' }), patch(id, { caption: `B ${round}`, reason: 'b' })]);
      const statuses = responses.map((response) => response.status).sort();
      // Run one after the other, the second sees the first's caption and is a plain edit: both 200.
      // Met in the middle, the second must not overwrite unseen: 409, with a message saying what to do.
      expect([[200, 200], [200, 409]].map((pair) => pair.join())).to.include(statuses.join());
      const loser = responses.find((response) => response.status === 409);
      if (loser) {
        conflicts++;
        expect(loser.body.error.message).to.match(/caption.*at the same moment/);
        const winner = responses.find((response) => response.status === 200)!;
        const image = await app.as('verifier').get(`/api/images/${id}`).expect(200);
        expect(image.body.declared.caption).to.equal(winner.body.declared.caption);
      }
    }
    const history = await app.as('verifier').get(`/api/images/${id}/history`).expect(200);
    const edits = history.body.entries.filter((entry: { type: string }) => entry.type === 'edited');
    // Every 200 is one history entry; every 409 is none.
    expect(edits).to.have.length(10 - conflicts);
    expect(history.body.chainValid).to.equal(true);
  });
});
