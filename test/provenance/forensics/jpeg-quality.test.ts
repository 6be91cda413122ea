// Quality estimates from the quantisation tables of JPEGs sharp encodes here, at known settings.
import { expect } from 'chai';
import sharp from 'sharp';
import { estimateJpegQuality, ijgTable, readQuantisationTables } from '../../../server/provenance/forensics/jpeg-quality';
import { hoursFromSolarTime, offsetMinutes, wallClock } from '../../../server/provenance/forensics/time-checks';

async function photoLike(): Promise<Buffer> {
  // Noise gives the encoder real detail to quantise; the tables do not depend on it, the file size does.
  const width = 320;
  const height = 240;
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let i = 0; i < pixels.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    pixels[i] = (i % (width * 3)) / 4 + (seed % 40);
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

describe('JPEG quality from the quantisation tables', () => {
  for (const quality of [50, 75, 90]) {
    it(`estimates ${quality} for a file sharp encoded at quality ${quality}, and names libjpeg's tables`, async () => {
      const jpeg = await sharp(await photoLike()).jpeg({ quality }).toBuffer();
      const estimate = estimateJpegQuality(readQuantisationTables(jpeg))!;
      expect(Math.abs(estimate.quality - quality)).to.be.at.most(3);
      expect(estimate).to.include({ exact: true, knownSource: `libjpeg (IJG standard tables) at quality ${quality}`, tables: 2 });
    });
  }

  it('estimates a table no known encoder wrote to the nearest IJG setting, without naming a source', () => {
    const almost = ijgTable([16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99], 80);
    almost[0] += 1;
    const estimate = estimateJpegQuality([{ id: 0, values: almost }, { id: 1, values: new Array(64).fill(9) }])!;
    expect(estimate).to.deep.equal({ quality: 80, exact: false, tables: 2 });
  });

  it('reads nothing from bytes that are not a JPEG, or a JPEG cut short', () => {
    expect(readQuantisationTables(Buffer.from('not a jpeg'))).to.deep.equal([]);
    expect(readQuantisationTables(Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43, 0x00, 1, 2]))).to.deep.equal([]);
    expect(estimateJpegQuality([])).to.equal(undefined);
  });
});

describe('clock arithmetic for the time findings', () => {
  it('reads EXIF wall-clock times and UTC offsets', () => {
    expect(wallClock('2024:05:01 10:00:00')?.toISOString()).to.equal('2024-05-01T10:00:00.000Z');
    expect(wallClock('0000:00:00 00:00:00')).to.equal(undefined);
    expect(offsetMinutes('+05:30')).to.equal(330);
    expect(offsetMinutes('-03:00')).to.equal(-180);
    expect(offsetMinutes('+25:00')).to.equal(undefined);
  });

  it('measures a stated offset against solar time, round the date line', () => {
    expect(hoursFromSolarTime(120, 30.5)).to.be.closeTo(0.03, 0.01); // Kyiv, summer
    expect(hoursFromSolarTime(8 * 60, 76)).to.be.closeTo(2.93, 0.01); // Kashgar on Beijing time: legitimate
    expect(hoursFromSolarTime(14 * 60, -157.4)).to.be.closeTo(0.49, 0.01); // Kiribati's Line Islands
    expect(hoursFromSolarTime(120, -74)).to.be.closeTo(6.93, 0.01); // +02:00 in New York
  });
});
