// The import tool as a user runs it: a child process (`npm run import -- …`) against a listening
// archive, reading a manifest CSV and an XMP sidecar, refusing a non-image, resuming after SIGKILL.
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { emptyUploads, filesUnder, fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';
import { archiveState, runImportCli } from './import-cli';

const ARTICLE_URL = 'https://www.independent.co.uk/news/world/europe/north-korea-troops-ukraine.html';
const CREDIT_UK = 'Офіс Президента України';

async function idOf(app: TestApp, sha256: string): Promise<string | undefined> {
  const response = await fetch(`${app.url}/api/images/known`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...app.credentials.editor.header }, body: JSON.stringify({ hashes: [sha256] }) });
  return ((await response.json()) as { known: Record<string, string> }).known[sha256];
}

async function image(app: TestApp, id: string) {
  return (await fetch(`${app.url}/api/images/${id}`)).json() as Promise<{ declared: Record<string, string | null>; uses: Array<{ printedLine: string | null; article: { url: string | null; headline: string | null } | null }>; embedded: Record<string, unknown> }>;
}

describe('npm run import', function () {
  this.timeout(180_000);
  let app: TestApp;
  let work: string;

  before(async () => {
    app = await startTestApp();
    // The CLI tools read their API token from the environment, as a script would set it.
    process.env.ARCHIVE_TOKEN = app.credentials.editor.token;
    work = await mkdtemp(path.join(os.tmpdir(), 'archive-import-'));
  });
  after(async () => {
    await app.close();
    await rm(work, { recursive: true, force: true });
  });

  describe('a folder with a manifest, a sidecar and a non-image', () => {
    let folder: string;
    let manifest: string;
    let first: Awaited<ReturnType<typeof runImportCli>>;

    before(async () => {
      await resetDatabase();
      await emptyUploads(app);
      folder = path.join(work, 'newsroom');
      await mkdir(path.join(folder, 'sub'), { recursive: true });
      await copyFile(fixture('DSCN0010.jpg'), path.join(folder, 'still.jpg'));
      await copyFile(fixture('Canon_40D.jpg'), path.join(folder, 'passport.jpg'));
      await copyFile(fixture('libpng-test.png'), path.join(folder, 'sub', 'chart.png'));
      await copyFile(fixture('iptc-staff-photographer-example.jpg'), path.join(folder, 'sub', 'street.jpg'));
      // A PDF saved with a picture's name: refused for its bytes.
      await writeFile(path.join(folder, 'scan.jpg'), '%PDF-1.4\n% not a picture\n');
      await writeFile(path.join(folder, 'sub', 'chart.png.xmp'), `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Chart of losses &amp; gains</rdf:li></rdf:Alt></dc:description>
<photoshop:Credit>Jane Doe/AFP via Getty Images</photoshop:Credit>
<photoshop:Source>Agency wire, 7 February</photoshop:Source>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`);
      manifest = path.join(work, 'manifest.csv');
      // With a BOM, as spreadsheets save UTF-8; a quoted comma in the caption; a column the tool does not know.
      await writeFile(
        manifest,
        '\uFEFFfile,caption,credit,printedLine,articleUrl,articleHeadline,photographer\n' +
          `still.jpg,"A North Korean soldier, according to a video shared by Zelensky",${CREDIT_UK},"A North Korean soldier fighting for Russia in Ukraine, according to a video shared by Zelensky (Office of the President of Ukraine)",${ARTICLE_URL},What happened to the North Korean troops?,Someone\n` +
          `passport.jpg,The passport belonging to a captured North Korean soldier,Telegram/Volodymyr Zelensky,,${ARTICLE_URL},What happened to the North Korean troops?,\n`,
      );
      first = await runImportCli([folder, '--server', app.url, '--manifest', manifest, '--json', '--token', app.credentials.editor.token]);
    });

    it('imports the images with the right counts and exits non-zero for the refused non-image', () => {
      const summary = first.events.find((event) => event.type === 'summary') as { imported: number; held: number; refused: Array<{ file: string; reason: string }> };
      expect(summary.imported, first.stderr).to.equal(4);
      expect(summary.held).to.equal(0);
      expect(summary.refused).to.deep.equal([{ file: 'scan.jpg', code: 'not_an_image', reason: 'Not an image: it is a PDF document.' }]);
      expect(first.code).to.equal(1);
      expect(first.events.filter((event) => event.type === 'imported').map((event) => event.file).sort()).to.deep.equal(['passport.jpg', 'still.jpg', 'sub/chart.png', 'sub/street.jpg']);
    });

    it('reports the unknown manifest column instead of ignoring it silently', () => {
      const warnings = first.events.filter((event) => event.type === 'warning').map((event) => String(event.message));
      expect(warnings.some((message) => message.includes('"photographer"'))).to.equal(true);
    });

    it('takes the fields from the manifest row, UTF-8 and quoted commas intact, with the article use', async () => {
      const stillId = first.events.find((event) => event.file === 'still.jpg')!.id as string;
      const still = await image(app, stillId);
      expect(still.declared.caption).to.equal('A North Korean soldier, according to a video shared by Zelensky');
      expect(still.declared.credit).to.equal(CREDIT_UK);
      expect(still.uses).to.have.length(1);
      expect(still.uses[0].article?.url).to.equal(ARTICLE_URL);
      expect(still.uses[0].printedLine).to.equal('A North Korean soldier fighting for Russia in Ukraine, according to a video shared by Zelensky (Office of the President of Ukraine)');
      const passport = await image(app, first.events.find((event) => event.file === 'passport.jpg')!.id as string);
      expect(passport.declared.credit).to.equal('Telegram/Volodymyr Zelensky');
      expect(passport.uses[0].article?.headline).to.equal('What happened to the North Korean troops?');
    });

    it('takes caption, credit and source note from the XMP sidecar when no manifest row names the file', async () => {
      const chart = await image(app, first.events.find((event) => event.file === 'sub/chart.png')!.id as string);
      expect(chart.declared.caption).to.equal('Chart of losses & gains');
      expect(chart.declared.credit).to.equal('Jane Doe/AFP via Getty Images');
      expect(chart.declared.sourceNote).to.equal('Agency wire, 7 February');
    });

    it('leaves a file with neither to what it says itself', async () => {
      const street = await image(app, first.events.find((event) => event.file === 'sub/street.jpg')!.id as string);
      expect(street.declared.caption).to.equal(null);
      expect(street.embedded.creditLine).to.be.a('string');
    });

    it('a second run imports nothing and changes nothing', async () => {
      const before = await archiveState(app);
      const second = await runImportCli([folder, '--server', app.url, '--manifest', manifest, '--json']);
      const summary = second.events.find((event) => event.type === 'summary') as { imported: number; held: number; usesAdded: number };
      expect(summary).to.include({ imported: 0, held: 4, usesAdded: 0 });
      expect(await archiveState(app)).to.deep.equal(before);
    });

    it('--dry-run says what would happen and uploads nothing', async () => {
      await writeFile(path.join(folder, 'new.png'), await sharp({ create: { width: 64, height: 48, channels: 3, background: '#36c' } }).png().toBuffer());
      const run = await runImportCli([folder, '--server', app.url, '--manifest', manifest, '--dry-run']);
      expect(run.stdout).to.include('would import  new.png');
      expect(run.stdout).to.include('Dry run: nothing was uploaded.');
      expect(await idOf(app, (await import('node:crypto')).createHash('sha256').update(await sharp({ create: { width: 64, height: 48, channels: 3, background: '#36c' } }).png().toBuffer()).digest('hex'))).to.equal(undefined);
      await rm(path.join(folder, 'new.png'));
    });

    it('prints one line per file and the summary when not on a terminal', async () => {
      const run = await runImportCli([folder, '--server', app.url, '--manifest', manifest]);
      expect(run.stdout).to.match(/^held {6}still\.jpg → http:\/\/127\.0\.0\.1:\d+\/images\/[a-f0-9]{24}$/m);
      expect(run.stdout).to.include('refused   scan.jpg: Not an image: it is a PDF document.');
      expect(run.stdout).to.match(/Imported: 0 {3}Already held: 4 .* Refused: 1/);
    });

    it('says clearly when the archive cannot be reached', async () => {
      const run = await runImportCli([folder, '--server', 'http://127.0.0.1:9', '--json'], { viaNode: true });
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include('Could not reach the archive at http://127.0.0.1:9');
    });
  });

  describe('killed with SIGKILL midway, then run again', () => {
    let folder: string;
    let manifest: string;
    const COUNT = 10;

    before(async () => {
      folder = path.join(work, 'many');
      await mkdir(folder, { recursive: true });
      const rows = ['file,caption,credit,articleUrl,articleHeadline'];
      for (let i = 0; i < COUNT; i++) {
        const name = `photo-${String(i).padStart(2, '0')}.jpg`;
        const noise = await sharp({ create: { width: 300, height: 225, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 90 + i * 8, sigma: 50 } } }).png().toBuffer();
        await sharp(noise).resize(1200, 900).modulate({ hue: i * 36 }).jpeg({ quality: 90 }).toFile(path.join(folder, name));
        rows.push(`${name},"Picture ${i}, as printed",Agency ${i % 3},${ARTICLE_URL.replace('.html', `-${i % 2}.html`)},Article ${i % 2}`);
      }
      manifest = path.join(work, 'many.csv');
      await writeFile(manifest, `${rows.join('\n')}\n`);
    });

    async function freshArchive(): Promise<void> {
      await resetDatabase();
      await emptyUploads(app);
    }

    async function stored(): Promise<{ originals: number; derivatives: number; tmp: string[] }> {
      const files = await filesUnder(app.uploadDir);
      return {
        originals: files.filter((file) => file.startsWith('originals')).length,
        derivatives: files.filter((file) => file.startsWith('derivatives')).length,
        tmp: await readdir(path.join(app.uploadDir, 'tmp')),
      };
    }

    it('ends with the same records as one uninterrupted run: no duplicates, no orphans', async () => {
      await freshArchive();
      const whole = await runImportCli([folder, '--server', app.url, '--manifest', manifest, '--json']);
      expect(whole.code, whole.stderr).to.equal(0);
      const expected = await archiveState(app);
      expect(expected.total).to.equal(COUNT);

      await freshArchive();
      let importedBeforeKill = 0;
      const killed = await runImportCli([folder, '--server', app.url, '--manifest', manifest, '--json'], {
        viaNode: true,
        onLine: (line, child) => {
          if (line.includes('"type":"imported"') && ++importedBeforeKill === 3) child.kill('SIGKILL');
        },
      });
      expect(killed.signal).to.equal('SIGKILL');
      const partial = await archiveState(app);
      expect(partial.total, 'the kill came midway').to.be.within(3, COUNT - 1);

      const resumed = await runImportCli([folder, '--server', app.url, '--manifest', manifest, '--json']);
      expect(resumed.code, resumed.stderr).to.equal(0);
      const summary = resumed.events.find((event) => event.type === 'summary') as { imported: number; held: number };
      expect(summary.imported + summary.held).to.equal(COUNT);
      // An upload in flight at the kill may still have been stored by the server after `partial` was read.
      expect(summary.held).to.be.at.least(partial.total);
      expect(summary.imported).to.be.at.least(1);

      const after = await archiveState(app);
      expect(after).to.deep.equal(expected);
      // Every record has its metadata and history; every stored file a record; nothing half-uploaded left.
      expect(after.metadataDocuments).to.equal(COUNT);
      expect(after.imagesWithHistory).to.equal(COUNT);
      expect(await stored()).to.deep.equal({ originals: COUNT, derivatives: 2 * COUNT, tmp: [] });
    });
  });
});
