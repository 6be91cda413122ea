import { expect } from 'chai';
import mongoose from 'mongoose';
import type { ArticleRecord } from '../../server/articles/article.model';
import { editFormView, findingViews, imagePageView, metadataGroups, provenanceChain, rawMetadataJson } from '../../server/web/image-page.view';
import type { ImageRecord } from '../../server/images/image.model';
import type { HistoryEntryView } from '../../server/provenance/history.service';

const articleId = new mongoose.Types.ObjectId();

function image(overrides: Record<string, unknown> = {}): ImageRecord {
  return {
    _id: new mongoose.Types.ObjectId('6b08d0f12092ac152702e093'),
    sha256: 'f'.repeat(64),
    phash: '0123456789abcdef',
    originalFile: `${'f'.repeat(64)}.jpg`,
    uploadName: 'still.jpg',
    file: { format: 'jpeg', mimeType: 'image/jpeg', bytes: 7958, width: 100, height: 68, space: 'srgb', bitDepth: 'uchar', channels: 3, iccDescription: 'sRGB IEC61966-2.1' },
    derivatives: { thumbnail: { file: 'a.webp', width: 100, height: 68 }, display: { file: 'a.webp', width: 100, height: 68 } },
    declared: { caption: 'A soldier', credit: 'Office of the President of Ukraine', sourceUrl: 'https://www.president.gov.ua/news/1', platform: undefined },
    embedded: {
      make: 'Canon',
      model: 'Canon EOS 40D',
      capturedAt: new Date('2008-05-30T15:56:01Z'),
      capturedAtLocal: '2008:05:30 15:56:01',
      orientation: 6,
      gps: { latitude: 43.467157, longitude: -11.885395 },
      creator: ['<script>alert(1)</script>'],
      sources: { make: 'IFD0:Make', creator: 'IFD0:Artist' },
    },
    c2pa: { present: true, claimGenerator: 'Adobe Firefly', signer: 'Adobe', validationState: 'untrusted', reader: 'c2pa-node' },
    uses: [
      { _id: new mongoose.Types.ObjectId(), printedLine: 'Second line (B)', addedAt: new Date('2025-02-08T10:00:00Z') },
      { _id: new mongoose.Types.ObjectId(), article: articleId, printedLine: 'First line (A)', addedAt: new Date('2025-02-07T14:37:00Z'), addedBy: 'desk' },
    ],
    status: { value: 'disputed', note: 'Older picture', evidenceUrl: 'javascript:alert(1)' },
    provenance: { badge: 'differs', findings: [] },
    createdAt: new Date('2025-02-07T14:00:00Z'),
    ...overrides,
  } as unknown as ImageRecord;
}

const articles = new Map<string, ArticleRecord>([
  [String(articleId), { _id: articleId, headline: 'What happened to the North Korean troops fighting Ukraine on the frontline?', publisher: 'The Independent' } as ArticleRecord],
]);

describe('image page view-model', () => {
  it('groups metadata with tags as evidence, GPS with an OpenStreetMap link and no embedded map', () => {
    const groups = Object.fromEntries(metadataGroups(image()).map((group) => [group.id, group]));
    expect(groups.camera.rows.map((row) => [row.label, row.value, row.tag])).to.deep.equal([
      ['Make', 'Canon', 'IFD0:Make'],
      ['Model', 'Canon EOS 40D', undefined],
    ]);
    const gps = groups.location.rows[0];
    expect(gps.value).to.equal('43.46716° N, 11.88540° W');
    expect(gps.href).to.equal('https://www.openstreetmap.org/?mlat=43.467157&mlon=-11.885395#map=15/43.467157/-11.885395');
    expect(groups.capture.rows.find((row) => row.label === 'UTC offset')?.value).to.equal('not stated');
    expect(groups.capture.rows.find((row) => row.label === 'Orientation')?.value).to.equal('6 – Rotated 90° clockwise');
    expect(groups.rights.rows[0]).to.include({ label: 'Creator', value: '<script>alert(1)</script>', tag: 'IFD0:Artist' });
    expect(groups.technical.rows.map((row) => row.label)).to.include.members(['Dimensions', 'Format', 'Colour space', 'ICC profile', 'Bit depth', 'Size']);
    expect(groups.c2pa, 'Content Credentials have a section of their own (c2pa.view.ts)').to.equal(undefined);
  });

  it('says plainly what the file does not have', () => {
    const groups = metadataGroups(image({ embedded: { sources: {} }, c2pa: undefined }));
    expect(groups.find((group) => group.id === 'camera')?.rows).to.deep.equal([]);
    expect(groups.find((group) => group.id === 'location')?.empty).to.equal('The file carries no GPS position.');
  });

  it('orders the chain: capture, supplier, uses by date with printed lines, then each change by whom and when (a declared name marked as such)', () => {
    const history: HistoryEntryView[] = [
      { seq: 0, type: 'created', actor: 'anonymous', identity: 'declared', at: new Date('2025-02-07T14:00:00Z'), changes: [{ field: 'caption', from: null, to: 'A soldier' }], prevHash: null, hash: 'h0' },
      { seq: 1, type: 'status_set', actor: 'Fact desk', identity: 'account', account: { id: 'a1', email: 'desk@example.org', name: 'Fact desk', via: 'session' }, at: new Date('2025-02-09T09:00:00Z'), changes: [{ field: 'status', from: 'unverified', to: 'disputed' }], reason: 'Older picture', prevHash: 'h0', hash: 'h1' },
    ];
    const chain = provenanceChain(image(), articles, history);
    expect(chain.map((step) => step.kind)).to.deep.equal(['capture', 'supplier', 'use', 'use', 'change', 'change']);
    expect(chain[0].rows.find((row) => row.label === 'Camera')?.value).to.equal('Canon EOS 40D');
    expect(chain[1].rows.find((row) => row.label === 'Source')).to.deep.include({ value: 'president.gov.ua', href: 'https://www.president.gov.ua/news/1' });
    expect(chain[2].title).to.equal('Used in “What happened to the North Korean troops fighting Ukraine on the frontline?”');
    expect(chain[2].rows[0]).to.deep.include({ label: 'Printed line', value: 'First line (A)' });
    expect(chain[3].rows[0].value).to.equal('Second line (B)');
    expect(chain[4].changes).to.deep.equal([{ field: 'Caption', from: undefined, to: 'A soldier' }]);
    expect(chain[4].who).to.equal('anonymous (declared, not verified)');
    expect(chain[5]).to.deep.include({ title: 'Verification status set', who: 'Fact desk', note: 'Reason: Older picture', when: '9 Feb 2025, 09:00 UTC' });
    expect(chain[5].changes).to.deep.equal([{ field: 'Status', from: 'unverified', to: 'disputed' }]);
  });

  it('says when the file tells nothing about the capture', () => {
    const [capture] = provenanceChain(image({ embedded: { sources: {} } }), new Map(), []);
    expect(capture.rows).to.deep.equal([]);
    expect(capture.note).to.match(/does not say/);
  });

  it('never turns a non-http URL into a link', () => {
    const view = imagePageView(image({ declared: { caption: 'x', sourceUrl: 'javascript:alert(1)' } }));
    expect(view.source).to.deep.equal({ href: undefined, host: 'javascript:alert(1)', text: 'javascript:alert(1)' });
    expect(view.statusEvidence).to.equal(undefined);
    expect(view.status.label).to.equal('Disputed');
    expect(view.badge.label).to.equal('Credit differs');
  });

  it('shapes findings with severity words and links to the other image named as evidence', () => {
    const [finding] = findingViews([
      { code: 'duplicate.same_file_other_credit', severity: 'warning', message: 'Held under another credit.', evidence: [{ imageId: '6b08d0f52092ac152702e09c', distance: 0 }, { imageId: '../etc' }] },
    ]);
    expect(finding.severity).to.include({ label: 'Warning', symbol: '▲' });
    expect(finding.evidence.map((item) => item.imageHref)).to.deep.equal(['/images/6b08d0f52092ac152702e09c', undefined]);
  });

  it('fills the edit form from the record, or from what was typed when the edit was refused', () => {
    expect(editFormView(image())).to.include({ caption: 'A soldier', credit: 'Office of the President of Ukraine', reason: '' });
    const typed = editFormView(image(), { caption: 'New', reason: '', status: 'verified' });
    expect(typed.caption).to.equal('New');
    expect(typed.statuses.find((status) => status.selected)?.value).to.equal('verified');
  });

  it('pretty-prints raw metadata, cutting long strings and long number arrays', () => {
    const json = rawMetadataJson({ a: 'x'.repeat(3000), b: Array.from({ length: 300 }, (_, i) => i), c: '<b>' });
    expect(json).to.contain('… (3000 characters)');
    expect(json).to.contain('"(300 numbers)"');
    expect(json).to.contain('"<b>"');
    expect(rawMetadataJson({ ExifVersion: [48, 50, 50, 49], note: 'see [1,2]' })).to.contain('"ExifVersion": [48, 50, 50, 49]').and.contain('"see [1,2]"');
  });
});
