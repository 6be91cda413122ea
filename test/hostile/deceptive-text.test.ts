// A credit dressed up with invisible characters, sent as a user sends it: stored, parsed, matched and
// filtered as the credit it looks like, with the text as received kept in the history.
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { emptyUploads, fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

describe('text that cannot deceive (HTTP)', function () {
  this.timeout(60_000);
  let app: TestApp;
  before(async () => {
    await resetDatabase();
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
    await resetDatabase();
    await emptyUploads(app);
  });

  it('an upload credited "Reu\\u200Bters/\\u202Eenaj\\u202C Doe" is a Reuters credit, found by the credit filter, with the raw text in its history', async () => {
    const raw = 'Reu\u200Bters/\u202Eenaj\u202C Doe';
    const form = new FormData();
    form.set('credit', raw);
    form.set('caption', 'Cafe\u0301 in \u2066Kyiv\u2069');
    form.set('image', new Blob([new Uint8Array(await readFile(fixture('Bush-dog.jpg')))]), 'dog.jpg');
    const response = await fetch(`${app.url}/api/images`, { method: 'POST', body: form, headers: app.credentials.verifier.header });
    expect(response.status).to.equal(201);
    const image = (await response.json()) as { id: string; declared: { credit: string; caption: string; creditParts: { agency?: string } } };
    expect(image.declared.credit).to.equal('Reuters/enaj Doe');
    expect(image.declared.caption).to.equal('Caf\u00e9 in Kyiv');
    expect(image.declared.creditParts.agency).to.equal('Reuters');

    const filtered = (await (await fetch(`${app.url}/api/images?credit=${encodeURIComponent('Reuters/enaj Doe')}`)).json()) as { total: number };
    expect(filtered.total).to.equal(1);
    // Searching with the hidden characters finds it too.
    const hidden = (await (await fetch(`${app.url}/api/images?credit=${encodeURIComponent(raw)}`)).json()) as { total: number };
    expect(hidden.total).to.equal(1);

    const history = (await (await fetch(`${app.url}/api/images/${image.id}/history`)).json()) as { chainValid: boolean; entries: Array<{ changes: Array<{ field: string; to: unknown; received?: string }> }> };
    expect(history.chainValid).to.equal(true);
    const credit = history.entries[0].changes.find((change) => change.field === 'credit');
    expect(credit).to.deep.include({ to: 'Reuters/enaj Doe', received: raw });
  });

  it('an edit through the API keeps what was received beside what was stored; CR/LF in a credit is refused by name', async () => {
    const list = (await (await fetch(`${app.url}/api/images`)).json()) as { items: Array<{ id: string }> };
    const id = list.items[0].id;
    const edit = await fetch(`${app.url}/api/images/${id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', ...app.credentials.verifier.header },
      body: JSON.stringify({ credit: 'AP\u00A0Photo/\u202EJane', reason: 'credit as printed' }),
    });
    expect(edit.status).to.equal(200);
    expect(((await edit.json()) as { declared: { credit: string } }).declared.credit).to.equal('AP\u00A0Photo/Jane');
    const history = (await (await fetch(`${app.url}/api/images/${id}/history`)).json()) as { entries: Array<{ actor: string; changes: Array<{ field: string; received?: string }> }> };
    const last = history.entries.at(-1)!;
    expect(last.actor).to.equal(app.credentials.verifier.name);
    expect(last.changes.find((change) => change.field === 'credit')?.received).to.equal('AP\u00A0Photo/\u202EJane');

    const refused = await fetch(`${app.url}/api/images/${id}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json', ...app.credentials.verifier.header }, body: JSON.stringify({ credit: 'AP\r\nPhoto', reason: 'x' }) });
    expect(refused.status).to.equal(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).to.equal('The field "credit" must be one line: it contains U+000D CARRIAGE RETURN.');
  });
});
