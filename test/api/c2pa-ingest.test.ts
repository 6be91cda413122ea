// Content Credentials as a user meets them: every C2PA fixture uploaded over HTTP (read from the
// upload's temporary file, whose name says nothing about its type), its stored `c2pa` summary, its
// image page and its gallery badge. Expected values are those of test/fixtures/README.md.
import { expect } from 'chai';
import request from 'supertest';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

interface Expected {
  state: 'valid' | 'untrusted' | 'invalid';
  claimGenerator: string;
  signer: string;
  actions: string[];
  /** Failed checks named by the validator besides the untrusted signer. */
  failures?: string[];
}

const EMBEDDED: Record<string, Expected> = {
  'C.jpg': { state: 'untrusted', claimGenerator: 'make_test_images/0.33.1 c2pa-rs/0.33.1', signer: 'C2PA Test Signing Cert', actions: ['c2pa.created'] },
  'CA.jpg': { state: 'untrusted', claimGenerator: 'make_test_images/0.33.1 c2pa-rs/0.33.1', signer: 'C2PA Test Signing Cert', actions: ['c2pa.opened', 'c2pa.color_adjustments'] },
  'C_with_CAWG_data.jpg': { state: 'untrusted', claimGenerator: 'c2pa cawg test/0.58.0', signer: 'C2PA Test Signing Cert', actions: ['c2pa.created'] },
  'XCA.jpg': { state: 'invalid', claimGenerator: 'make_test_images/0.33.1 c2pa-rs/0.33.1', signer: 'C2PA Test Signing Cert', actions: ['c2pa.opened', 'c2pa.color_adjustments'], failures: ['assertion.dataHash.mismatch'] },
  // Signed with a production Adobe certificate that has since expired; its timestamp authority is not
  // on a trust list here, so the validator checks the certificate against today's date.
  'firefly_thirdparty_gemini.png': { state: 'invalid', claimGenerator: 'Adobe_Firefly', signer: 'Adobe Inc.', actions: ['c2pa.opened'], failures: ['signingCredential.expired'] },
};

describe('Content Credentials of every C2PA fixture, uploaded over HTTP', function () {
  this.timeout(120_000);
  let app: TestApp;
  const ids = new Map<string, string>();

  before(async () => {
    await resetDatabase();
    app = await startTestApp();
    for (const name of [...Object.keys(EMBEDDED), 'cloud.jpg']) {
      // No credit: the firefly PNG's own IPTC credit would rightly differ from any credit given here,
      // and this test is about what the Content Credentials alone do to the badge.
      const response = await request(app.url).post('/api/images').field('caption', `C2PA fixture ${name}`).attach('image', fixture(name)).expect(201);
      ids.set(name, response.body.id);
    }
  });
  after(async () => {
    await app.close();
  });

  for (const [name, expected] of Object.entries(EMBEDDED)) {
    it(`${name}: the stored summary has the state, claim generator, signer and actions the fixture has`, async () => {
      const { body } = await request(app.url).get(`/api/images/${ids.get(name)}`).expect(200);
      expect(body.c2pa).to.include({ present: true, reader: 'c2pa-node', validationState: expected.state, claimGenerator: expected.claimGenerator, signer: expected.signer });
      expect(body.c2pa.actions).to.deep.equal(expected.actions);
      const errors: string[] = body.c2pa.validationErrors ?? [];
      expect(errors.filter((code) => code.startsWith('unreadable')), 'read by the library').to.deep.equal([]);
      for (const code of expected.failures ?? []) expect(errors).to.include(code);
      if (expected.state === 'untrusted') expect(errors).to.deep.equal(['signingCredential.untrusted']);
    });
  }

  it('no C2PA fixture gets a credit badge from a C2PA finding; the broken ones get a badge of their own', async () => {
    for (const name of ids.keys()) {
      const { body } = await request(app.url).get(`/api/images/${ids.get(name)}/provenance`).expect(200);
      const expectedBadge = EMBEDDED[name]?.state === 'invalid' ? 'credentials_invalid' : undefined;
      if (expectedBadge) expect(body.badge, name).to.equal(expectedBadge);
      else expect(body.badge, name).to.not.be.oneOf(['differs', 'credentials_invalid']);
    }
    const gallery = await request(app.url).get('/').expect(200);
    expect(gallery.text).to.not.contain('Credit differs');
    expect((gallery.text.match(/Credentials broken/g) ?? []).length).to.be.at.least(2);
  });

  it('XCA.jpg: the data-hash failure is named in words on the image page', async () => {
    const page = await request(app.url).get(`/images/${ids.get('XCA.jpg')}`).expect(200);
    expect(page.text).to.contain('the picture was changed after it was signed');
    expect(page.text).to.not.contain('unreadable manifest store');
  });

  it('CA.jpg: the image page shows the generator and signer, not an unreadable store', async () => {
    const page = await request(app.url).get(`/images/${ids.get('CA.jpg')}`).expect(200);
    expect(page.text).to.contain('make_test_images/0.33.1 c2pa-rs/0.33.1');
    expect(page.text).to.contain('C2PA Test Signing Cert');
    expect(page.text).to.contain('not on the C2PA trust list');
    expect(page.text).to.not.contain('type is unsupported');
  });

  it('cloud.jpg: reported as a remote manifest with its URL, not fetched', async () => {
    const { body } = await request(app.url).get(`/api/images/${ids.get('cloud.jpg')}`).expect(200);
    expect(body.c2pa.present).to.equal(false);
    expect(body.c2pa.remoteManifestUrl).to.match(/^https:\/\/cai-manifests\.adobe\.com\/manifests\/adobe-urn-uuid-5f37e182-/);
    const provenance = await request(app.url).get(`/api/images/${ids.get('cloud.jpg')}/provenance`).expect(200);
    expect(provenance.body.findings.map((finding: { code: string }) => finding.code)).to.include('c2pa.remote_manifest');
  });

  it('through the upload page (no JavaScript), CA.jpg is read the same way', async () => {
    await resetDatabase();
    const response = await request(app.url).post('/upload').field('credit', 'Jane Doe/Reuters').attach('images', fixture('CA.jpg')).expect(200);
    const href = /href="(\/images\/[a-f0-9]{24})"/.exec(response.text)?.[1];
    expect(href, 'a link to the new record').to.be.a('string');
    const { body } = await request(app.url).get(`/api${href}`).expect(200);
    expect(body.c2pa).to.include({ validationState: 'untrusted', claimGenerator: 'make_test_images/0.33.1 c2pa-rs/0.33.1' });
  });
});
