import { expect } from 'chai';
import { computeFindings, overallBadge, compareCredits, compareSources, BADGE_RULES } from '../../server/provenance/findings';
import { FINDING_CODES, type Finding, type FindingCode, type ProvenanceInput } from '../../server/provenance/findings.types';
import type { NormalisedMetadata } from '../../server/images/image.types';

const PASSPORT_CREDIT = 'Telegram/Volodymyr Zelensky';
const TELEGRAM_URL = 'https://t.me/V_Zelenskiy_official/12345';
const FACEBOOK_URL = 'https://www.facebook.com/zelenskiy95/posts/1';

/** What a picture saved from a social platform carries: nothing. */
const STRIPPED: NormalisedMetadata = { sources: {} };

const CAMERA: NormalisedMetadata = {
  make: 'Canon',
  model: 'Canon EOS 40D',
  capturedAt: new Date('2008-05-30T15:56:01Z'),
  capturedAtLocal: '2008:05:30 15:56:01',
  sources: { make: 'IFD0:Make', model: 'IFD0:Model', capturedAt: 'ExifIFD:DateTimeOriginal' },
};

function run(input: Partial<ProvenanceInput> & { declared?: ProvenanceInput['declared'] }): Finding[] {
  return computeFindings({ declared: {}, embedded: STRIPPED, matches: [], ...input });
}

function only(findings: Finding[], code: FindingCode): Finding {
  const hits = findings.filter((f) => f.code === code);
  expect(hits, `${code} in ${findings.map((f) => f.code).join(', ')}`).to.have.length(1);
  return hits[0]!;
}

function codes(findings: Finding[]): string[] {
  return findings.map((f) => f.code);
}

describe('computeFindings: the seed case', () => {
  it('agrees when the passport photo credited Telegram/Volodymyr Zelensky links to t.me', () => {
    const findings = run({ declared: { credit: PASSPORT_CREDIT, sourceUrl: TELEGRAM_URL } });
    const agree = only(findings, 'source.host_matches_platform');
    expect(agree.severity).to.equal('info');
    expect(agree.message).to.equal('The credit names Telegram, and the source link is on t.me (Telegram).');
    expect(agree.evidence).to.deep.include({ tag: 'declared.sourceUrl', value: TELEGRAM_URL });
    expect(codes(findings)).to.not.include('source.host_differs_from_platform');
    // A display name cannot be compared with the channel in the URL: no account verdict either way.
    expect(codes(findings)).to.not.include('source.account_differs_from_credit');
  });

  it('warns when the same credit comes with a facebook.com source', () => {
    const findings = run({ declared: { credit: PASSPORT_CREDIT, sourceUrl: FACEBOOK_URL } });
    const differs = only(findings, 'source.host_differs_from_platform');
    expect(differs.severity).to.equal('warning');
    expect(differs.message).to.equal('The credit names Telegram, but the source link is on www.facebook.com (Facebook).');
    expect(codes(findings)).to.not.include('source.host_matches_platform');
    expect(overallBadge(findings)).to.equal('differs');
  });

  it('reports the stripped file of a platform post as carrying no camera metadata', () => {
    const findings = run({ declared: { credit: PASSPORT_CREDIT, sourceUrl: TELEGRAM_URL } });
    expect(only(findings, 'file.no_camera_metadata').severity).to.equal('notice');
    expect(only(findings, 'credit.not_comparable').severity).to.equal('info');
    expect(overallBadge(findings)).to.equal('no_metadata');
  });

  it('notices when the video still credited to the Office of the President links to Telegram', () => {
    const findings = run({ declared: { credit: 'Office of the President of Ukraine', sourceUrl: TELEGRAM_URL } });
    const notice = only(findings, 'source.platform_not_in_credit');
    expect(notice.severity).to.equal('notice');
    expect(notice.message).to.contain('t.me (Telegram)');
  });
});

describe('computeFindings: credit against the file metadata', () => {
  it('agrees: "Jane Doe/AFP via Getty Images" and XMP dc:creator "DOE, JANE"', () => {
    const embedded: NormalisedMetadata = { creator: ['DOE, JANE'], sources: { creator: 'XMP-dc:Creator' } };
    const findings = run({ declared: { credit: 'Jane Doe/AFP via Getty Images' }, embedded });
    const agree = only(findings, 'credit.matches_metadata');
    expect(agree.severity).to.equal('info');
    expect(agree.evidence).to.deep.equal([{ tag: 'XMP-dc:Creator', value: 'DOE, JANE' }]);
    expect(codes(findings)).to.not.include('credit.differs_from_metadata');
    expect(overallBadge(findings)).to.equal('confirmed');
  });

  it('agrees with a copyright notice despite the boilerplate', () => {
    const embedded: NormalisedMetadata = { copyright: '©2010 Big Newspaper, all rights reserved', sources: { copyright: 'IPTC:CopyrightNotice' } };
    expect(codes(run({ declared: { credit: 'Big Newspaper' }, embedded }))).to.include('credit.matches_metadata');
  });

  it('agrees on an agency spelled differently, with accents and case ignored', () => {
    const embedded: NormalisedMetadata = { creditLine: 'Associated Press', creator: ['José ÁLVAREZ'], sources: {} };
    const findings = run({ declared: { credit: 'AP Photo/Jose Alvarez' }, embedded });
    const agree = only(findings, 'credit.matches_metadata');
    expect(agree.evidence.map((e) => e.value)).to.deep.equal(['José ÁLVAREZ', 'Associated Press']);
    // Without a source tag the field's usual tags are named as evidence.
    expect(agree.evidence[1]!.tag).to.equal('IPTC Credit / XMP photoshop:Credit');
  });

  it('warns when the file names someone else', () => {
    const embedded: NormalisedMetadata = { creator: ['Phil Harvey'], copyright: 'Copyright 2004 Phil Harvey', sources: { creator: 'IPTC:By-line', copyright: 'IPTC:CopyrightNotice' } };
    const findings = run({ declared: { credit: PASSPORT_CREDIT }, embedded });
    const differs = only(findings, 'credit.differs_from_metadata');
    expect(differs.severity).to.equal('warning');
    expect(differs.evidence).to.deep.equal([
      { tag: 'IPTC:By-line', value: 'Phil Harvey' },
      { tag: 'IPTC:CopyrightNotice', value: 'Copyright 2004 Phil Harvey' },
    ]);
    expect(differs.message).to.contain('Phil Harvey');
    expect(overallBadge(findings)).to.equal('differs');
  });

  it('warns when the agency agrees but the named photographer is not the file creator', () => {
    const embedded: NormalisedMetadata = { creator: ['John Smith'], creditLine: 'Reuters', sources: {} };
    const findings = run({ declared: { credit: 'REUTERS/Gleb Garanich' }, embedded });
    expect(codes(findings)).to.include.members(['credit.matches_metadata', 'credit.differs_from_metadata']);
    expect(only(findings, 'credit.differs_from_metadata').message).to.contain('Gleb Garanich');
  });

  it('cannot compare when the file names nobody, or when there is no file', () => {
    expect(only(run({ declared: { credit: 'Reuters' } }), 'credit.not_comparable').message).to.contain('no creator, credit, source or copyright');
    const noFile = computeFindings({ declared: { credit: 'Reuters' }, matches: [] });
    expect(only(noFile, 'credit.not_comparable').message).to.contain('no file');
    expect(codes(noFile)).to.not.include('file.no_camera_metadata');
  });

  it('shows what the file says when no credit is recorded', () => {
    const embedded: NormalisedMetadata = { creator: ['Phil Harvey'], sources: {} };
    const finding = only(run({ embedded }), 'credit.not_comparable');
    expect(finding.evidence).to.deep.equal([{ tag: 'IPTC By-line / XMP dc:creator', value: 'Phil Harvey' }]);
  });
});

describe('computeFindings: source link', () => {
  it('compares handles with the account in the URL', () => {
    const same = run({ declared: { credit: 'Telegram / @rybar', sourceUrl: 'https://t.me/rybar/5000' } });
    expect(codes(same)).to.include.members(['source.host_matches_platform', 'source.account_matches_credit']);
    const other = run({ declared: { credit: 'X/@ZelenskyyUa', sourceUrl: 'https://twitter.com/someone_else/status/1' } });
    expect(only(other, 'source.account_differs_from_credit').severity).to.equal('notice');
    expect(codes(other)).to.include('source.host_matches_platform');
  });

  it('warns when the credited platform is not the link host', () => {
    const finding = only(run({ declared: { credit: PASSPORT_CREDIT, sourceUrl: 'https://www.president.gov.ua/news/1' } }), 'source.host_differs_from_platform');
    expect(finding.message).to.equal('The credit names Telegram, but the source link is on www.president.gov.ua, not a Telegram address.');
  });

  it('flags a source that is not a web address', () => {
    expect(only(run({ declared: { credit: PASSPORT_CREDIT, sourceUrl: 'from a friend' } }), 'source.invalid_url').severity).to.equal('notice');
  });

  it('says nothing about the host when neither credit nor link is a platform', () => {
    const findings = run({ declared: { credit: 'Reuters', sourceUrl: 'https://www.reuters.com/world/1' } });
    expect(codes(findings).filter((c) => c.startsWith('source.'))).to.deep.equal([]);
  });
});

describe('computeFindings: the file itself', () => {
  it('names the camera when the file has camera metadata', () => {
    const findings = run({ embedded: CAMERA });
    expect(only(findings, 'file.camera_metadata').message).to.equal('The file names the camera: Canon EOS 40D.');
    expect(codes(findings)).to.not.include('file.no_camera_metadata');
  });

  it('does not take a capture time alone for camera metadata', () => {
    const exported: NormalisedMetadata = { capturedAt: new Date('2005-05-13T00:00:00Z'), capturedAtLocal: '2005:05:13 00:00:00', software: 'Adobe Photoshop 21.1 (Macintosh)', sources: { capturedAt: 'ExifIFD:DateTimeOriginal' } };
    const finding = only(run({ embedded: exported }), 'file.no_camera_metadata');
    expect(finding.message).to.equal('The file names no camera (no make or model), only a capture time.');
    expect(finding.evidence).to.deep.equal([{ tag: 'ExifIFD:DateTimeOriginal', value: '2005:05:13 00:00:00' }]);
    expect(codes(run({ embedded: { lens: 'EF 50mm f/1.8', sources: {} } }))).to.include('file.camera_metadata');
  });

  it('notices editing software from EXIF and from extra tags, but not camera firmware', () => {
    const edited = run({ embedded: { ...CAMERA, software: 'Adobe Photoshop CC 2014 (Windows)', sources: { software: 'IFD0:Software' } } });
    expect(only(edited, 'file.editing_software').evidence).to.deep.equal([{ tag: 'IFD0:Software', value: 'Adobe Photoshop CC 2014 (Windows)' }]);
    const extra = run({ embedded: CAMERA, software: [{ tag: 'XMP-xmp:CreatorTool', value: 'GIMP 2.10' }] });
    expect(only(extra, 'file.editing_software').message).to.contain('GIMP 2.10');
    expect(codes(run({ embedded: { ...CAMERA, software: 'Firmware Version 1.0.3' } }))).to.not.include('file.editing_software');
  });

  it('warns when the file declares itself AI-generated', () => {
    const embedded: NormalisedMetadata = { digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia', sources: {} };
    expect(only(run({ embedded }), 'file.ai_generated').severity).to.equal('warning');
    const camera: NormalisedMetadata = { digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture', sources: {} };
    expect(codes(run({ embedded: camera }))).to.not.include('file.ai_generated');
  });

  it('gives a privacy notice when the original records a location', () => {
    const finding = only(run({ embedded: { ...CAMERA, gps: { latitude: 50.299603, longitude: 14.820294 }, sources: { gps: 'Composite:GPSPosition' } } }), 'privacy.gps_present');
    expect(finding.severity).to.equal('notice');
    expect(finding.evidence).to.deep.equal([{ tag: 'Composite:GPSPosition', value: '50.29960, 14.82029' }]);
  });
});

describe('computeFindings: capture date against the claimed date', () => {
  const taken = (iso: string, offset?: string): NormalisedMetadata => ({ capturedAt: new Date(iso), ...(offset ? { capturedAtOffset: offset } : {}), sources: {} });

  it('warns when the file was taken after the claimed event', () => {
    const finding = only(run({ declared: { claimedDate: new Date('2025-02-07T12:00:00Z') }, embedded: taken('2025-02-09T10:00:00Z') }), 'capture.date_after_claim');
    expect(finding.severity).to.equal('warning');
    expect(finding.evidence[1]).to.deep.equal({ tag: 'declared.claimedDate', value: '2025-02-07T12:00:00.000Z' });
  });

  it('allows for an unknown time zone, but not when the offset is stated', () => {
    const claim = { claimedDate: new Date('2025-02-07T12:00:00Z') };
    expect(codes(run({ declared: claim, embedded: taken('2025-02-07T22:00:00Z') }))).to.include('capture.date_consistent_with_claim');
    expect(codes(run({ declared: claim, embedded: taken('2025-02-07T22:00:00Z', '+00:00') }))).to.include('capture.date_after_claim');
  });

  it('notices a capture long before the claim', () => {
    const finding = only(run({ declared: { claimedDate: new Date('2025-02-07T12:00:00Z') }, embedded: taken('2023-06-01T12:00:00Z') }), 'capture.date_well_before_claim');
    expect(finding.message).to.contain('2023-06-01');
  });

  it('falls back to the IPTC date created, and stays silent without a claim', () => {
    const embedded: NormalisedMetadata = { dateCreated: '2025-03-01', sources: { dateCreated: 'IPTC:DateCreated' } };
    expect(only(run({ declared: { claimedDate: new Date('2025-02-07T00:00:00Z') }, embedded }), 'capture.date_after_claim').evidence[0]).to.deep.equal({ tag: 'IPTC:DateCreated', value: '2025-03-01' });
    expect(codes(run({ embedded: CAMERA })).filter((c) => c.startsWith('capture.'))).to.deep.equal([]);
  });
});

describe('computeFindings: Content Credentials', () => {
  it('shows generator, signer, actions and state', () => {
    const findings = run({ c2pa: { present: true, reader: 'c2pa-node', claimGenerator: 'make_test_images/0.33.1 c2pa-rs/0.33.1', signer: 'C2PA Test Signing Cert', actions: ['c2pa.opened', 'c2pa.color_adjustments'], validationState: 'untrusted', validationErrors: ['signingCredential.untrusted'] } });
    const present = only(findings, 'c2pa.present');
    expect(present.message).to.contain('make_test_images/0.33.1').and.contain('C2PA Test Signing Cert').and.contain('opened, color adjustments');
    expect(present.evidence).to.deep.include({ tag: 'C2PA validation state', value: 'untrusted' });
    expect(only(findings, 'c2pa.untrusted').severity).to.equal('notice');
  });

  it('warns when the credentials do not validate (XCA.jpg)', () => {
    const findings = run({ c2pa: { present: true, reader: 'c2pa-node', validationState: 'invalid', validationErrors: ['signingCredential.untrusted', 'assertion.dataHash.mismatch'] } });
    const invalid = only(findings, 'c2pa.invalid');
    expect(invalid.severity).to.equal('warning');
    expect(invalid.message).to.contain('changed after it was signed');
    expect(findings[0]!.code).to.equal('c2pa.invalid');
  });

  it('names the failing checks when the picture itself was not changed', () => {
    const invalid = only(run({ c2pa: { present: true, reader: 'c2pa-node', validationState: 'invalid', validationErrors: ['signingCredential.expired', 'signingCredential.untrusted'] } }), 'c2pa.invalid');
    expect(invalid.message).to.match(/^The Content Credentials do not validate: the signing certificate had expired/);
    expect(invalid.evidence.map((e) => e.value)).to.deep.equal(['signingCredential.expired', 'signingCredential.untrusted']);
  });

  it('reports presence found by the scan alone', () => {
    const present = only(run({ c2pa: { present: true, reader: 'jumbf-scan', validationState: 'unknown' } }), 'c2pa.present');
    expect(present.message).to.contain('not read');
  });

  it('reports a remote manifest from the scan or from the XMP', () => {
    const url = 'https://cai-manifests.adobe.com/manifests/adobe-urn-uuid-5f37e182';
    expect(only(run({ c2pa: { present: false, reader: 'jumbf-scan', remoteManifestUrl: url } }), 'c2pa.remote_manifest').evidence).to.deep.equal([{ tag: 'XMP dcterms:provenance', value: url }]);
    expect(codes(run({ embedded: { remoteManifestUrl: url, sources: {} } }))).to.include('c2pa.remote_manifest');
    expect(codes(run({ c2pa: { present: false, reader: 'jumbf-scan' } })).filter((c) => c.startsWith('c2pa.'))).to.deep.equal([]);
  });
});

describe('computeFindings: copies already held', () => {
  const held = (over: Partial<ProvenanceInput['matches'] extends Array<infer M> | undefined ? M : never>) => ({ imageId: 'img-1', kind: 'exact' as const, distance: 0, createdAt: new Date('2025-02-08T00:00:00Z'), ...over });

  it('warns when the same file is held under another credit', () => {
    const findings = run({ declared: { credit: PASSPORT_CREDIT }, matches: [held({ credit: 'Office of the President of Ukraine' })] });
    const finding = only(findings, 'duplicate.same_file_other_credit');
    expect(finding.severity).to.equal('warning');
    expect(finding.evidence).to.deep.equal([{ imageId: 'img-1', distance: 0, tag: 'credit', value: 'Office of the President of Ukraine' }]);
    expect(overallBadge(findings)).to.equal('held_elsewhere');
  });

  it('warns when a near-duplicate is held under another credit', () => {
    const finding = only(run({ declared: { credit: 'REUTERS/Gleb Garanich' }, matches: [held({ kind: 'near', distance: 4, credit: 'AFP/John Smith' })] }), 'duplicate.near_other_credit');
    expect(finding.evidence[0]).to.include({ imageId: 'img-1', distance: 4 });
  });

  it('treats the same supplier written differently as the same credit', () => {
    const findings = run({ declared: { credit: 'Jane Doe/AFP via Getty Images' }, matches: [held({ credit: 'JANE DOE/AFP' }), held({ imageId: 'img-2', kind: 'near', distance: 3, credit: 'Jane Doe, AFP' })] });
    expect(codes(findings)).to.include.members(['duplicate.same_file_same_credit', 'duplicate.near_same_credit']);
    expect(codes(findings)).to.not.include('duplicate.same_file_other_credit');
  });

  it('notices another source when credits agree', () => {
    const finding = only(run({ declared: { credit: PASSPORT_CREDIT, sourceUrl: TELEGRAM_URL }, matches: [held({ credit: PASSPORT_CREDIT, sourceUrl: 'https://t.me/another_channel/1' })] }), 'duplicate.same_file_other_source');
    expect(finding.severity).to.equal('notice');
  });

  it('warns when the archive held the picture before the date the source claims', () => {
    const findings = run({ declared: { credit: PASSPORT_CREDIT, claimedDate: new Date('2025-02-07T00:00:00Z') }, matches: [held({ credit: PASSPORT_CREDIT, createdAt: new Date('2024-12-01T00:00:00Z') }), held({ imageId: 'img-3', credit: PASSPORT_CREDIT, createdAt: new Date('2025-03-01T00:00:00Z') })] });
    const finding = only(findings, 'duplicate.held_earlier');
    expect(finding.message).to.contain('2024-12-01');
    expect(finding.evidence.map((e) => e.imageId)).to.deep.equal(['img-1']);
    expect(overallBadge(findings)).to.equal('held_elsewhere');
  });
});

describe('compareCredits and compareSources', () => {
  it('compares credits by their parts', () => {
    expect(compareCredits('Jane Doe/AFP', 'John Smith/AFP')).to.equal('different');
    expect(compareCredits('AP Photo/Jane Doe', 'Jane Doe/Associated Press')).to.equal('same');
    expect(compareCredits('Telegram/@rybar', 'Telegram / rybar')).to.equal('same');
    expect(compareCredits('Telegram/@rybar', 'X/@rybar')).to.equal('different');
    expect(compareCredits('Reuters', undefined)).to.equal('unknown');
    expect(compareCredits('Big Newspaper', '© Big Newspaper')).to.equal('same');
  });

  it('compares source links by host and path', () => {
    expect(compareSources('https://www.t.me/x/1/', 't.me/x/1?single')).to.equal('same');
    expect(compareSources('https://t.me/x/1', 'https://t.me/x/2')).to.equal('different');
    expect(compareSources(undefined, 'https://t.me/x/2')).to.equal('unknown');
  });
});

describe('overallBadge', () => {
  it('is neutral with nothing to say', () => {
    expect(overallBadge([])).to.equal('neutral');
    expect(overallBadge(run({ embedded: CAMERA }))).to.equal('neutral');
  });

  it('ranks differs above held elsewhere above confirmed above no metadata', () => {
    const f = (code: FindingCode) => ({ code });
    expect(overallBadge([f('file.no_camera_metadata'), f('credit.matches_metadata'), f('duplicate.held_earlier'), f('credit.differs_from_metadata')])).to.equal('differs');
    expect(overallBadge([f('file.no_camera_metadata'), f('credit.matches_metadata'), f('duplicate.near_other_credit')])).to.equal('held_elsewhere');
    expect(overallBadge([f('file.no_camera_metadata'), f('credit.matches_metadata')])).to.equal('confirmed');
    expect(overallBadge([f('file.no_camera_metadata')])).to.equal('no_metadata');
  });

  it('names only known codes in its rules', () => {
    for (const rule of BADGE_RULES) for (const code of rule.codes) expect(FINDING_CODES).to.include(code);
  });
});

describe('computeFindings: report shape', () => {
  it('orders warnings before notices before info, with a sentence for every finding', () => {
    const findings = run({
      declared: { credit: PASSPORT_CREDIT, sourceUrl: FACEBOOK_URL },
      embedded: { ...CAMERA, gps: { latitude: 1, longitude: 2 } },
      c2pa: { present: true, reader: 'jumbf-scan', validationState: 'unknown' },
    });
    const ranks = findings.map((f) => ({ warning: 0, notice: 1, info: 2 })[f.severity]);
    expect(ranks).to.deep.equal([...ranks].sort());
    for (const f of findings) {
      expect(FINDING_CODES).to.include(f.code);
      expect(f.message).to.match(/^[A-Z].*\.$/);
    }
  });
});
