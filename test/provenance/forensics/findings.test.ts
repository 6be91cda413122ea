// The forensic findings as pure functions: the cases the HTTP tests do not build a file for.
import { expect } from 'chai';
import { forensicFindings, type ForensicsInput } from '../../../server/provenance/forensics/findings';

const codes = (input: ForensicsInput) => forensicFindings(input).map((finding) => finding.code);

describe('forensic findings', () => {
  it('a file last saved before it was taken is a notice', () => {
    const input: ForensicsInput = {
      declared: {},
      embedded: { capturedAtLocal: '2024:05:01 10:00:00', sources: { capturedAt: 'ExifIFD:DateTimeOriginal' } },
      forensics: { modified: { local: '2023:01:01 00:00:00', tag: 'IFD0:ModifyDate' } },
    };
    const [finding] = forensicFindings(input);
    expect(finding).to.include({ code: 'capture.modified_before_capture', severity: 'notice' });
    expect(finding!.evidence.map((e) => e.tag)).to.deep.equal(['ExifIFD:DateTimeOriginal', 'IFD0:ModifyDate']);
  });

  it('a camera writing its modify date a second after capture is not "saved again"', () => {
    expect(codes({ declared: {}, embedded: { capturedAtLocal: '2024:05:01 10:00:00', sources: {} }, forensics: { modified: { local: '2024:05:01 10:00:01', tag: 'IFD0:ModifyDate' } } })).to.deep.equal([]);
  });

  it('Facebook’s FBMD marker is reported; a Facebook-sized file without it is not called Facebook’s copy', () => {
    const file = { width: 2048, height: 1536, format: 'jpeg' };
    const marker = { platform: 'facebook', tag: 'IPTC:SpecialInstructions', value: 'FBMD01000ac60300004a1d00002d4b0000' };
    expect(codes({ declared: { credit: 'Facebook/Some Page' }, embedded: { sources: {} }, file, forensics: { platformMarkers: [marker] } })).to.deep.equal(['platform.marker', 'platform.consistent']);
    expect(codes({ declared: { credit: 'Facebook/Some Page' }, embedded: { sources: {} }, file, forensics: {} })).to.deep.equal([]);
  });

  it('the source link decides the platform before the credit', () => {
    const input: ForensicsInput = { declared: { credit: 'Telegram/Someone', sourceUrl: 'https://x.com/someone/status/1' }, embedded: { sources: {} }, file: { width: 4096, height: 3072, format: 'jpeg' } };
    expect(forensicFindings(input)[0]!.message).to.contain('picture X serves');
  });

  it('a thumbnail against a 1 × 1 stub picture is not compared', () => {
    expect(codes({ declared: {}, file: { width: 1, height: 1, format: 'png' }, forensics: { thumbnail: { distance: 34, width: 160, height: 120 } } })).to.deep.equal([]);
  });
});
