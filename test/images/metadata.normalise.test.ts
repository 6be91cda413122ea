// The precedence rules of metadata.normalise.ts and the helpers of metadata.raw.ts, on hand-made input.

import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { normaliseMetadata, parseDateTime } from '../../server/images/metadata.normalise';
import {
  type JsonObject,
  type RawMetadata,
  blocksFromExifTool,
  hasC2paManifestStore,
  iptcDigestsFromIrb,
  toJsonSafe,
} from '../../server/images/metadata.raw';

function raw(blocks: Partial<Record<'ifd0' | 'exif' | 'gps' | 'iptc' | 'xmp' | 'photoshop' | 'composite', JsonObject>>): RawMetadata {
  const out: RawMetadata = { readers: [], warnings: [] };
  for (const [name, tags] of Object.entries(blocks)) out[name as keyof typeof blocks] = { reader: 'exifr', tags };
  return out;
}

const staleDigest = { IPTCDigest: 'aa'.repeat(16), CurrentIPTCDigest: 'bb'.repeat(16) };
const currentDigest = { IPTCDigest: 'cc'.repeat(16), CurrentIPTCDigest: 'cc'.repeat(16) };

describe('images/metadata.normalise: precedence', () => {
  it('prefers non-blank EXIF, then XMP, then IIM for creator/description/copyright', () => {
    const n = normaliseMetadata(
      raw({
        ifd0: { Artist: 'Exif Person; Second Person', ImageDescription: '   ', Copyright: '' },
        xmp: { dc: { creator: ['Xmp Person'], description: { lang: 'x-default', value: 'xmp caption' } } },
        iptc: { Byline: 'Iptc Person', Caption: 'iptc caption', CopyrightNotice: 'iptc ©' },
        photoshop: currentDigest,
      }),
    );
    expect(n.creator).to.deep.equal(['Exif Person', 'Second Person']);
    expect(n.sources.creator).to.equal('IFD0:Artist');
    expect(n.description).to.equal('xmp caption');
    expect(n.sources.description).to.equal('XMP-dc:Description');
    // No XMP rights: IIM fills in rather than leaving the field empty.
    expect(n.copyright).to.equal('iptc ©');
    expect(n.sources.copyright).to.equal('IPTC:CopyrightNotice');
  });

  it('lets IIM win over XMP when the stored IPTC digest is stale', () => {
    const blocks = {
      xmp: { photoshop: { Credit: 'xmp credit' }, dc: { creator: ['xmp'] } },
      iptc: { Credit: 'iim credit', 'By-line': 'iim' },
    };
    expect(normaliseMetadata(raw({ ...blocks, photoshop: staleDigest })).creditLine).to.equal('iim credit');
    expect(normaliseMetadata(raw({ ...blocks, photoshop: currentDigest })).creditLine).to.equal('xmp credit');
    // No digest at all: nothing says the IIM was edited behind the XMP's back.
    expect(normaliseMetadata(raw(blocks)).creator).to.deep.equal(['xmp']);
  });

  it('recovers an IIM value cut at the dataset limit from XMP even when the digest is stale', () => {
    const full = '©1985 David Riecks: www.riecks.com';
    const cut = Buffer.from(full, 'utf8').subarray(0, 32).toString('utf8');
    const n = normaliseMetadata(raw({ xmp: { photoshop: { Credit: full } }, iptc: { Credit: cut }, photoshop: staleDigest }));
    expect(n.creditLine).to.equal(full);
    expect(n.sources.creditLine).to.equal('XMP-photoshop:Credit');
  });

  it('builds the location part by part: LocationShown, then legacy XMP, then IIM, then LocationCreated', () => {
    const n = normaliseMetadata(
      raw({
        xmp: {
          Iptc4xmpExt: { LocationShown: [{ City: 'Shown City' }], LocationCreated: [{ CountryCode: 'FR' }] },
          photoshop: { City: 'Legacy City', State: 'Legacy State' },
        },
        iptc: { City: 'Iim City', 'Sub-location': 'Iim Spot' },
      }),
    );
    expect(n.location).to.deep.equal({ sublocation: 'Iim Spot', city: 'Shown City', state: 'Legacy State', countryCode: 'FR' });
    expect(n.sources['location.countryCode']).to.equal('XMP-iptcExt:LocationCreatedCountryCode');
  });

  it('drops empty strings and collapses language alternatives to x-default', () => {
    const n = normaliseMetadata(
      raw({
        xmp: {
          dc: {
            rights: { lang: 'x-default', value: '' },
            title: [{ lang: 'de', value: 'Titel' }, { lang: 'x-default', value: 'Title' }],
          },
          photoshop: { Headline: ' \u0000 ' },
        },
      }),
    );
    expect(n.copyright).to.equal(undefined);
    expect(n.headline).to.equal(undefined);
    expect(n.title).to.equal('Title');
    expect(n.sources).to.not.have.property('copyright');
  });

  it('takes the capture date from EXIF with offset and sub-seconds before any XMP or IIM date', () => {
    const n = normaliseMetadata(
      raw({
        exif: { DateTimeOriginal: '2019:10:20 18:34:30', OffsetTimeOriginal: '+02:00', SubSecTimeOriginal: '13' },
        xmp: { photoshop: { DateCreated: '2001-01-01T00:00:00Z' } },
        iptc: { DateCreated: '19920101', TimeCreated: '021111+0100' },
      }),
    );
    expect(n.capturedAtLocal).to.equal('2019:10:20 18:34:30');
    expect(n.capturedAtOffset).to.equal('+02:00');
    expect(n.capturedAt?.toISOString()).to.equal('2019-10-20T16:34:30.130Z');
    expect(n.sources.capturedAt).to.equal('ExifIFD:DateTimeOriginal');
    expect(n.dateCreated).to.equal('2001-01-01T00:00:00Z');
  });

  it('reads a wall clock without offset as UTC and leaves the offset unset', () => {
    const n = normaliseMetadata(raw({ exif: { DateTimeOriginal: '2008:05:30 15:56:01' } }));
    expect(n.capturedAt?.toISOString()).to.equal('2008-05-30T15:56:01.000Z');
    expect(n).to.not.have.property('capturedAtOffset');
  });

  it('falls back to the IIM date and time, and ignores the all-zero EXIF date', () => {
    const n = normaliseMetadata(raw({ exif: { DateTimeOriginal: '0000:00:00 00:00:00' }, iptc: { DateCreated: '1992:01:01', TimeCreated: '02:11:11+01:00' } }));
    expect(n.capturedAt?.toISOString()).to.equal('1992-01-01T01:11:11.000Z');
    expect(n.capturedAtOffset).to.equal('+01:00');
    expect(n.sources.capturedAt).to.equal('IPTC:DateCreated+TimeCreated');
  });

  it('signs GPS by the Ref tags and makes altitude negative below sea level', () => {
    const n = normaliseMetadata(
      raw({
        gps: { GPSLatitude: [33, 51, 54], GPSLatitudeRef: 'S', GPSLongitude: 151.2, GPSLongitudeRef: 'W', GPSAltitude: 12.5, GPSAltitudeRef: [1] },
      }),
    );
    expect(n.gps?.latitude).to.be.closeTo(-33.865, 1e-9);
    expect(n.gps?.longitude).to.equal(-151.2);
    expect(n.gps?.altitude).to.equal(-12.5);
  });

  it('ignores a GPS IFD without coordinates and out-of-range values', () => {
    expect(normaliseMetadata(raw({ gps: { GPSVersionID: [2, 2, 0, 0] } })).gps).to.equal(undefined);
    expect(normaliseMetadata(raw({ gps: { GPSLatitude: 123, GPSLongitude: 10 } })).gps).to.equal(undefined);
  });

  it('rejects an orientation outside 1–8 and reads IPTC digital source type and remote manifest', () => {
    const n = normaliseMetadata(
      raw({
        ifd0: { Orientation: 9 },
        xmp: {
          Iptc4xmpExt: { DigitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia' },
          dcterms: { provenance: 'https://example.org/manifest' },
        },
      }),
    );
    expect(n.orientation).to.equal(undefined);
    expect(n.digitalSourceType).to.match(/trainedAlgorithmicMedia$/);
    expect(n.remoteManifestUrl).to.equal('https://example.org/manifest');
  });

  it('parses the date forms of both readers', () => {
    expect(parseDateTime('2013-07-07T17:20:59-07:00')?.date.toISOString()).to.equal('2013-07-08T00:20:59.000Z');
    expect(parseDateTime('2013:07:07 17:20:59-07:00')?.local).to.equal('2013:07:07 17:20:59');
    expect(parseDateTime('not a date')).to.equal(undefined);
  });
});

describe('images/metadata.raw: helpers', () => {
  it('makes reader output JSON-safe', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const safe = toJsonSafe({
      thumb: new Uint8Array(5000),
      ref: new Uint8Array([1]),
      when: new Date(Date.UTC(2020, 0, 1)),
      big: 12345678901234567890n,
      fn: () => 1,
      nan: Number.NaN,
      long: 'x'.repeat(100_000),
      bomb: Array.from({ length: 5000 }, () => 8),
      exiftoolBinary: '(Binary data 32 bytes, use -b option to extract)',
      circular,
    }) as JsonObject;
    expect(safe.thumb).to.deep.equal({ binary: true, bytes: 5000 });
    expect(safe.ref).to.deep.equal([1]);
    expect(safe.when).to.equal('2020-01-01T00:00:00.000Z');
    expect(safe.big).to.equal('12345678901234567890');
    expect(safe).to.not.have.property('fn');
    expect(safe.nan).to.equal('NaN');
    expect((safe.long as string).length).to.be.lessThan(20_000);
    expect((safe.bomb as unknown[]).length).to.be.lessThan(300);
    expect(safe.exiftoolBinary).to.deep.equal({ binary: true, bytes: 32 });
    expect((safe.circular as JsonObject).self).to.equal('[circular]');
    expect(JSON.parse(JSON.stringify(safe))).to.deep.equal(safe);
  });

  it('computes both IPTC digests from a Photoshop IRB', () => {
    const iptc = Buffer.from([0x1c, 0x02, 0x50, 0x00, 0x03, 0x41, 0x42, 0x43]); // 2:80 By-line "ABC"
    const md5 = createHash('md5').update(iptc).digest();
    const resource = (id: number, data: Buffer) => {
      const head = Buffer.alloc(12);
      head.write('8BIM', 0, 'latin1');
      head.writeUInt16BE(id, 4); // then an empty, padded Pascal name (2 bytes)
      head.writeUInt32BE(data.length, 8);
      return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
    };
    const irb = Buffer.concat([resource(0x0404, iptc), resource(0x0425, md5)]);
    expect(iptcDigestsFromIrb(irb)).to.deep.equal({ currentIptcDigest: md5.toString('hex'), storedIptcDigest: md5.toString('hex') });
    expect(iptcDigestsFromIrb(Buffer.from('garbage'))).to.deep.equal({});
  });

  it('maps ExifTool groups to blocks and keeps XMP namespaces under their standard prefixes', () => {
    const { blocks, warnings } = blocksFromExifTool({
      SourceFile: '/x.jpg',
      'System:FileSize': 1,
      'ExifTool:Warning': 'IPTCDigest is not current',
      'IFD0:Make': 'Canon',
      'XMP-iptcCore:Location': 'Spot',
      'XMP-dc:Creator': ['A'],
      'Canon:LensType': 1,
    });
    expect(blocks.ifd0?.tags).to.deep.equal({ Make: 'Canon' });
    expect(blocks.xmp?.tags).to.deep.equal({ Iptc4xmpCore: { Location: 'Spot' }, dc: { Creator: ['A'] } });
    expect(blocks.makerNotes?.tags).to.deep.equal({ 'Canon:LensType': 1 });
    expect(warnings).to.deep.equal(['exiftool: IPTCDigest is not current']);
    expect(blocks).to.not.have.property('container');
  });

  it('finds a C2PA JUMBF label and not a stray "c2pa" string', () => {
    const jumd = Buffer.concat([Buffer.from('jumd', 'latin1'), Buffer.alloc(16), Buffer.from([3]), Buffer.from('c2pa\u0000', 'latin1')]);
    expect(hasC2paManifestStore(jumd)).to.equal(true);
    expect(hasC2paManifestStore(Buffer.from('just some c2pa text jumd'))).to.equal(false);
  });
});
