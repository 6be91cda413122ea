// The transfer capability's pure parts: download names, credit tags, manifest rows, XMP sidecar fields.
import { expect } from 'chai';
import { declaredFromXmp, manifestFromRecords } from '../../cli/import/declared';
import { hasUse } from '../../cli/import/importer';
import { manifestRows, toCsv, type ExportedImage } from '../../cli/export/export-manifest';
import { creditTags } from '../../server/transfer/credit-tags';
import { downloadFileName } from '../../server/transfer/download-name';

describe('download file name', () => {
  it('keeps letters of any script and turns path characters, quotes and dots into hyphens', () => {
    expect(downloadFileName('../../etc/passwd "x".jpg', '0123456789abcdef01234567', 'jpg')).to.equal('etc-passwd-x-jpg-01234567.jpg');
    expect(downloadFileName('Офіс Президента: фото', '0123456789abcdef01234567', 'png', '-credited')).to.equal('Офіс-Президента-фото-01234567-credited.png');
  });
  it('falls back to "image" for a caption with nothing usable', () => {
    expect(downloadFileName('/// ...', 'ffffffffffffffffffffffff', 'tif')).to.equal('image-ffffffff.tif');
    expect(downloadFileName(undefined, 'ffffffffffffffffffffffff', 'tif')).to.equal('image-ffffffff.tif');
  });
});

describe('credit tags', () => {
  const credits = { caption: 'C', credit: 'Cr', source: 'S', creator: ['A'], copyright: 'R', archiveId: 'id1', archiveUrl: 'https://archive.example/images/id1' };
  it('names IIM, XMP and EXIF fields and declares UTF-8 for IIM', () => {
    const tags = creditTags(credits, 'jpeg');
    expect(tags).to.include({ 'IPTC:Caption-Abstract': 'C', 'XMP-dc:Description': 'C', 'IPTC:Credit': 'Cr', 'XMP-photoshop:Credit': 'Cr', 'IPTC:CodedCharacterSet': 'UTF8', 'XMP-dc:Identifier': 'https://archive.example/images/id1' });
    expect(tags['XMP-iptcExt:RegistryID']).to.deep.equal([{ RegItemId: 'id1', RegOrgId: 'https://archive.example', RegEntryRole: 'provenance archive record' }]);
  });
  it('writes no IIM into WebP and leaves unknown fields out', () => {
    const tags = creditTags({ ...credits, copyright: undefined }, 'webp');
    expect(Object.keys(tags).some((key) => key.startsWith('IPTC:'))).to.equal(false);
    expect(tags).to.not.have.property('XMP-dc:Rights');
  });
});

describe('import manifest', () => {
  it('keeps rows in order, several per file, and lists unknown columns and rows without a file', () => {
    const manifest = manifestFromRecords([{ file: 'a.jpg', caption: ' x ' }, { file: '' }, { file: './a.jpg', articleUrl: 'https://e.com/1' }, { file: 'b.jpg', extra: 'y' }], ['file', 'caption', 'articleUrl', 'extra']);
    expect(manifest.sequence).to.deep.equal([{ file: 'a.jpg', index: 0 }, { file: 'a.jpg', index: 1 }, { file: 'b.jpg', index: 0 }]);
    expect(manifest.rows.get('a.jpg')).to.deep.equal([{ caption: 'x' }, { articleUrl: 'https://e.com/1' }]);
    expect(manifest.unknownColumns).to.deep.equal(['extra']);
    expect(manifest.problems).to.deep.equal(['Manifest row 2 names no file.']);
  });
  it('maps an XMP sidecar as the IPTC standard does', () => {
    expect(declaredFromXmp({ dc: { description: { lang: 'x-default', value: 'Cap' }, source: 'dcsrc' }, photoshop: { Credit: 'AP Photo/Jane Doe', DateCreated: '2025-02-01' } })).to.deep.equal({ caption: 'Cap', credit: 'AP Photo/Jane Doe', sourceNote: 'dcsrc', claimedDate: '2025-02-01' });
  });
  it('recognises a use the record already has by article and printed line', () => {
    const image = { id: 'x', uses: [{ printedLine: 'P', article: { url: 'https://e.com/a', headline: 'H' } }] };
    expect(hasUse(image, { printedLine: 'P', articleUrl: 'https://e.com/a' })).to.equal(true);
    expect(hasUse(image, { printedLine: 'P', articleHeadline: 'H' })).to.equal(true);
    expect(hasUse(image, { printedLine: 'Q', articleUrl: 'https://e.com/a' })).to.equal(false);
  });
});

describe('export manifest rows', () => {
  const article = { id: 'a1', url: 'https://e.com/a', headline: 'H', publisher: 'P', publishedAt: '2025-02-07T00:00:00.000Z', images: [] };
  const image = (id: string, caption: string, uses: Array<[string, string]>): ExportedImage => ({
    id,
    file: `files/${id}.jpg`,
    declared: { caption, credit: 'C', sourceUrl: null, sourceNote: null, printedLine: uses[0]?.[1] ?? null, claimedDate: null },
    uses: uses.map(([at, printedLine]) => ({ article: { id: 'a1' }, addedAt: at, printedLine, caption, credit: 'C' })),
    createdAt: uses[0]?.[0] ?? '2025-01-01T00:00:00.000Z',
  });
  it('orders rows by when each use was recorded, a record row first with its first use', () => {
    const { rows } = manifestRows([image('y', 'Y, later', [['2025-02-07T10:00:02Z', 'y1'], ['2025-02-07T10:00:04Z', 'y2']]), image('x', 'X', [['2025-02-07T10:00:01Z', 'x1'], ['2025-02-07T10:00:03Z', 'x2']])], [article]);
    expect(rows.map((row) => `${row.file}:${row.printedLine}`)).to.deep.equal(['files/x.jpg:x1', 'files/y.jpg:y1', 'files/x.jpg:x2', 'files/y.jpg:y2']);
    expect(rows[0]).to.include({ caption: 'X', articleUrl: 'https://e.com/a', articleHeadline: 'H' });
    expect(toCsv(rows).split('\r\n')[2]).to.match(/^files\/y\.jpg,"Y, later",C,/);
  });
});
