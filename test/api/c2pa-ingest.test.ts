// Content Credentials as a user meets them: every C2PA fixture uploaded over HTTP (read from the
// upload's temporary file, whose name says nothing about its type), its stored `c2pa` summary, its
// image page and its gallery badge. Expected values are those of test/fixtures/README.md.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

interface Expected {
  state: 'valid' | 'untrusted' | 'invalid';
  /** Manifests in the chain, and files deep (CA.jpg was made from A.jpg, which carried none). */
  manifests: number;
  levels: number;
  subject: string;
  claimGenerator: string;
  signer: string;
  actions: string[];
  /** Failed checks named by the validator besides the untrusted signer. */
  failures?: string[];
}

const EMBEDDED: Record<string, Expected> = {
  'C.jpg': { manifests: 1, levels: 1, subject: 'C2PA Signer', state: 'untrusted', claimGenerator: 'make_test_images/0.33.1 c2pa-rs/0.33.1', signer: 'C2PA Test Signing Cert', actions: ['c2pa.created'] },
  'CA.jpg': { manifests: 1, levels: 2, subject: 'C2PA Signer', state: 'untrusted', claimGenerator: 'make_test_images/0.33.1 c2pa-rs/0.33.1', signer: 'C2PA Test Signing Cert', actions: ['c2pa.opened', 'c2pa.color_adjustments'] },
  'C_with_CAWG_data.jpg': { manifests: 1, levels: 1, subject: 'C2PA Signer', state: 'untrusted', claimGenerator: 'c2pa cawg test/0.58.0', signer: 'C2PA Test Signing Cert', actions: ['c2pa.created'] },
  'XCA.jpg': { manifests: 1, levels: 2, subject: 'C2PA Signer', state: 'invalid', claimGenerator: 'make_test_images/0.33.1 c2pa-rs/0.33.1', signer: 'C2PA Test Signing Cert', actions: ['c2pa.opened', 'c2pa.color_adjustments'], failures: ['assertion.dataHash.mismatch'] },
  // Signed with a production Adobe certificate that has since expired; its timestamp authority is not
  // on a trust list here, so the validator checks the certificate against today's date.
  'firefly_thirdparty_gemini.png': { manifests: 1, levels: 2, subject: 'Adobe Firefly C2PA', state: 'invalid', claimGenerator: 'Adobe_Firefly', signer: 'Adobe Inc.', actions: ['c2pa.opened'], failures: ['signingCredential.expired'] },
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
      const response = await app.as('editor').post('/api/images').field('caption', `C2PA fixture ${name}`).attach('image', fixture(name)).expect(201);
      ids.set(name, response.body.id);
    }
  });
  after(async () => {
    await app.close();
  });

  for (const [name, expected] of Object.entries(EMBEDDED)) {
    it(`${name}: the stored summary has the state, claim generator, signer and actions the fixture has`, async () => {
      const { body } = await app.as('editor').get(`/api/images/${ids.get(name)}`).expect(200);
      expect(body.c2pa).to.include({ present: true, reader: 'c2pa-node', validationState: expected.state, claimGenerator: expected.claimGenerator, signer: expected.signer });
      expect(body.c2pa.actions).to.deep.equal(expected.actions);
      const errors: string[] = body.c2pa.validationErrors ?? [];
      expect(errors.filter((code) => code.startsWith('unreadable')), 'read by the library').to.deep.equal([]);
      for (const code of expected.failures ?? []) expect(errors).to.include(code);
      if (expected.state === 'untrusted') expect(errors).to.deep.equal(['signingCredential.untrusted']);
      expect(body.c2pa).to.include({ manifestCount: expected.manifests, chainLevels: expected.levels });
      expect(body.c2pa.chain.signer).to.include({ subject: expected.subject, organisation: expected.signer });
      expect(body.c2pa.chain.actions.map((action: { action: string }) => action.action)).to.deep.equal(expected.actions);
      expect(body.c2pa.chain.validationState).to.equal(expected.state);
      // The test certificates' and Adobe's timestamps verify, by authorities not on a trust list here.
      expect(body.c2pa.chain.timestamp).to.equal('untrusted');
    });
  }

  it('no C2PA fixture gets a credit badge from a C2PA finding; the broken ones get a badge of their own', async () => {
    for (const name of ids.keys()) {
      const { body } = await app.as('editor').get(`/api/images/${ids.get(name)}/provenance`).expect(200);
      const expectedBadge = EMBEDDED[name]?.state === 'invalid' ? 'credentials_invalid' : undefined;
      if (expectedBadge) expect(body.badge, name).to.equal(expectedBadge);
      else expect(body.badge, name).to.not.be.oneOf(['differs', 'credentials_invalid']);
    }
    // Every file: by default the gallery shows one card per picture group, and XCA.jpg is CA.jpg's picture.
    const gallery = await app.as('editor').get('/?group=0').expect(200);
    expect(gallery.text).to.not.contain('Credit differs');
    expect((gallery.text.match(/Credentials broken/g) ?? []).length).to.be.at.least(2);
  });

  it('CA.jpg: the chain shows its parent ingredient A.jpg with its relationship and its own state, on the image page too', async () => {
    const { body } = await app.as('editor').get(`/api/images/${ids.get('CA.jpg')}`).expect(200);
    expect(body.c2pa.chain.ingredients).to.have.length(1);
    expect(body.c2pa.chain.ingredients[0]).to.include({ title: 'A.jpg', format: 'image/jpeg', relationship: 'parentOf', validationState: 'no_credentials' });
    const page = await app.as('editor').get(`/images/${ids.get('CA.jpg')}`).expect(200);
    expect(page.text).to.contain('Valid, signer not on the trust list');
    expect(page.text).to.contain('The signature is intact, but the signer is unknown');
    expect(page.text).to.match(/Ingredient:<\/span> <strong>A\.jpg<\/strong>.*made from it \(parent\).*No credentials of its own/s);
    expect(page.text).to.contain('color adjustments');
    expect(page.text).to.contain('C2PA Signer (C2PA Test Signing Cert)');
    expect(page.text).to.contain('Timestamped by DigiCert Timestamp 2023; the authority is not on the trust list.');
  });

  it('C_with_CAWG_data.jpg: the CAWG identity assertion with its signature type and whether it verified', async () => {
    const { body } = await app.as('editor').get(`/api/images/${ids.get('C_with_CAWG_data.jpg')}`).expect(200);
    expect(body.c2pa.chain.identities).to.deep.equal([
      { signatureType: 'cawg.x509.cose', name: 'C2PA Test Signing Cert', validationState: 'untrusted', failedChecks: [{ code: 'signingCredential.untrusted', words: 'the signer is not on the trust list' }] },
    ]);
    expect(body.c2pa.chain.actions[0]).to.include({ digitalSourceLabel: 'Digital capture (photographed from real life)' });
    const page = await app.as('editor').get(`/images/${ids.get('C_with_CAWG_data.jpg')}`).expect(200);
    expect(page.text).to.contain('Identity (CAWG)');
    expect(page.text).to.contain('cawg.x509.cose');
  });

  it('firefly_thirdparty_gemini.png: the generative-AI source type with its IPTC label, from C2PA and from XMP', async () => {
    const { body } = await app.as('editor').get(`/api/images/${ids.get('firefly_thirdparty_gemini.png')}`).expect(200);
    expect(body.c2pa.chain.actions[0]).to.include({ digitalSourceLabel: 'Created by generative AI' });
    const page = await app.as('editor').get(`/images/${ids.get('firefly_thirdparty_gemini.png')}`).expect(200);
    expect(page.text).to.match(/Created by generative AI<\/span> <span class="muted">\(C2PA action, XMP Iptc4xmpExt:DigitalSourceType\)/);
    expect(page.text).to.contain('the signing certificate had expired');
  });

  it('XCA.jpg: the data-hash failure is named in words on the image page', async () => {
    const page = await app.as('editor').get(`/images/${ids.get('XCA.jpg')}`).expect(200);
    expect(page.text).to.contain('the picture was changed after it was signed');
    expect(page.text).to.match(/Invalid<\/span> The pixels were changed after signing\./);
    expect(page.text).to.not.contain('unreadable manifest store');
  });

  it('CA.jpg: the image page shows the generator and signer, not an unreadable store', async () => {
    const page = await app.as('editor').get(`/images/${ids.get('CA.jpg')}`).expect(200);
    expect(page.text).to.contain('make_test_images/0.33.1 c2pa-rs/0.33.1');
    expect(page.text).to.contain('C2PA Test Signing Cert');
    expect(page.text).to.contain('not on the C2PA trust list');
    expect(page.text).to.not.contain('type is unsupported');
  });

  it('cloud.jpg: reported as a remote manifest with its URL, not fetched', async () => {
    const { body } = await app.as('editor').get(`/api/images/${ids.get('cloud.jpg')}`).expect(200);
    expect(body.c2pa.present).to.equal(false);
    expect(body.c2pa.remoteManifestUrl).to.match(/^https:\/\/cai-manifests\.adobe\.com\/manifests\/adobe-urn-uuid-5f37e182-/);
    expect(body.c2pa.remoteFetched).to.equal(false);
    const provenance = await app.as('editor').get(`/api/images/${ids.get('cloud.jpg')}/provenance`).expect(200);
    expect(provenance.body.findings.map((finding: { code: string }) => finding.code)).to.include('c2pa.remote_manifest');
    const page = await app.as('editor').get(`/images/${ids.get('cloud.jpg')}`).expect(200);
    expect(page.text).to.contain('Remote manifest');
    expect(page.text).to.contain('not fetched: set C2PA_FETCH_REMOTE=true to allow');
  });

  it('through the upload page (no JavaScript), CA.jpg is read the same way', async () => {
    await resetDatabase();
    const response = await app.as('editor').post('/upload').field('credit', 'Jane Doe/Reuters').attach('images', fixture('CA.jpg')).expect(200);
    const href = /href="(\/images\/[a-f0-9]{24})"/.exec(response.text)?.[1];
    expect(href, 'a link to the new record').to.be.a('string');
    const { body } = await app.as('editor').get(`/api${href}`).expect(200);
    expect(body.c2pa).to.include({ validationState: 'untrusted', claimGenerator: 'make_test_images/0.33.1 c2pa-rs/0.33.1' });
  });
});

/** A certificate the file itself carries (the manifest's x5chain), found by its subject: the test builds its trust list from it. */
async function certificateInFile(file: string, subject: string): Promise<string> {
  const bytes = await readFile(file);
  for (let i = 0; i + 8 < bytes.length; i++) {
    // A DER certificate: SEQUENCE (long form, 2 length bytes) holding a SEQUENCE (the TBSCertificate).
    if (bytes[i] !== 0x30 || bytes[i + 1] !== 0x82 || bytes[i + 4] !== 0x30 || bytes[i + 5] !== 0x82) continue;
    try {
      const certificate = new X509Certificate(bytes.subarray(i, i + 4 + bytes.readUInt16BE(i + 2)));
      if (certificate.subject.includes(subject)) return certificate.toString();
    } catch {
      // not a certificate after all
    }
  }
  throw new Error(`no certificate with subject ${subject} in ${file}`);
}

describe('Content Credentials with a configured trust list (C2PA_TRUST_ANCHORS)', function () {
  this.timeout(60_000);
  let app: TestApp;

  before(async () => {
    await resetDatabase();
    // The C2PA test chain's intermediate CA, as the trust anchor: its signers become trusted.
    app = await startTestApp({ c2pa: { trustAnchorsPem: await certificateInFile(fixture('CA.jpg'), 'CN=Intermediate CA'), fetchRemote: false } });
  });
  after(async () => {
    await app.close();
  });

  it('CA.jpg is valid and trusted; XCA.jpg stays invalid; the Adobe-signed PNG is not trusted by that list', async () => {
    const trusted = await app.as('editor').post('/api/images').attach('image', fixture('CA.jpg')).expect(201);
    expect(trusted.body.c2pa).to.include({ validationState: 'valid', trustList: 'configured' });
    expect(trusted.body.c2pa.validationErrors).to.equal(undefined);
    const page = await app.as('editor').get(`/images/${trusted.body.id}`).expect(200);
    expect(page.text).to.match(/Valid and trusted<\/span> The signature is intact and the signer is on the trust list\./);
    expect(trusted.body.c2pa.validationText).to.equal('Valid and trusted: the signature is intact and the signer is on the trust list.');
    const provenance = await app.as('editor').get(`/api/images/${trusted.body.id}/provenance`).expect(200);
    expect(provenance.body.findings.map((finding: { code: string }) => finding.code)).to.include('c2pa.present').and.not.include('c2pa.untrusted');

    const tampered = await app.as('editor').post('/api/images').attach('image', fixture('XCA.jpg')).expect(201);
    expect(tampered.body.c2pa.validationState).to.equal('invalid');
    expect(tampered.body.c2pa.validationErrors).to.deep.equal(['assertion.dataHash.mismatch']);

    const adobe = await app.as('editor').post('/api/images').attach('image', fixture('firefly_thirdparty_gemini.png')).expect(201);
    expect(adobe.body.c2pa.validationErrors).to.include('signingCredential.untrusted');
  });
});

describe('Content Credentials of a file looked up, not stored', function () {
  this.timeout(60_000);
  let app: TestApp;
  before(async () => {
    await resetDatabase();
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
  });

  it('POST /api/lookup and the check page show the chain of CA.jpg, and nothing is stored', async () => {
    const api = await app.as('editor').post('/api/lookup').attach('image', fixture('CA.jpg')).expect(200);
    expect(api.body.c2pa).to.include({ validationState: 'untrusted', manifestCount: 1, chainLevels: 2 });
    const page = await app.as('editor').post('/check').attach('image', fixture('CA.jpg')).expect(200);
    expect(page.text).to.contain('Valid, signer not on the trust list');
    expect(page.text).to.match(/Ingredient:<\/span> <strong>A\.jpg<\/strong>/);
    const xca = await app.as('editor').post('/check').attach('image', fixture('XCA.jpg')).expect(200);
    expect(xca.text).to.match(/Invalid<\/span> The pixels were changed after signing\./);
    const list = await app.as('editor').get('/api/images').expect(200);
    expect(list.body.items ?? list.body).to.have.length(0);
  });
});
