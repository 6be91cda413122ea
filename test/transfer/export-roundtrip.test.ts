// Export, then import the export into an empty archive: every declared field, article use and
// printed order comes back (compared record by record), and verify-export checks hashes and chains.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../support/archive-process';
import { emptyUploads, fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';
import { runImportCli } from './import-cli';

const ARTICLE_A = { articleUrl: 'https://www.independent.co.uk/news/world/europe/north-korea-troops-ukraine-b2693386.html', articleHeadline: 'What happened to the North Korean troops fighting Ukraine on the frontline?', articlePublisher: 'The Independent', articlePublishedAt: '2025-02-07T14:37:00.000Z' };
const ARTICLE_B = { articleHeadline: 'Captured soldiers, in pictures', articlePublisher: 'Kyiv Weekly', articlePublishedAt: '2025-02-09T08:00:00.000Z' };

function npmRun(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '-s', script, '--', ...args], { cwd: projectRoot });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

interface ImageJson {
  id: string;
  declared: Record<string, unknown>;
  uses: Array<{ printedLine: string | null; caption: string | null; credit: string | null; article: { id: string; url: string | null; headline: string | null; publisher: string | null; publishedAt: string | null } | null }>;
}

/** Everything the round trip must keep, without ids and hashes (the files now carry their credits). */
async function snapshot(app: TestApp) {
  const list = (await app.as('editor').get('/api/images?limit=100').expect(200)).body as { items: Array<{ id: string }> };
  const records = [];
  const articleIds = new Set<string>();
  for (const { id } of list.items) {
    const image = (await app.as('editor').get(`/api/images/${id}`).expect(200)).body as ImageJson;
    const { creditParts: _parts, ...declared } = image.declared;
    records.push({
      declared,
      uses: image.uses.map((use) => {
        if (use.article) articleIds.add(use.article.id);
        return { printedLine: use.printedLine, caption: use.caption, credit: use.credit, article: use.article ? { url: use.article.url, headline: use.article.headline, publisher: use.article.publisher, publishedAt: use.article.publishedAt } : null };
      }),
    });
  }
  records.sort((a, b) => String(a.declared.caption).localeCompare(String(b.declared.caption)));
  const articles = [];
  for (const id of articleIds) {
    const article = (await app.as('editor').get(`/api/articles/${id}`).expect(200)).body as { url: string | null; headline: string; publisher: string; publishedAt: string; images: Array<{ kind: string; printedLine: string | null; caption: string | null; credit: string | null }> };
    articles.push({ url: article.url, headline: article.headline, publisher: article.publisher, publishedAt: article.publishedAt, printed: article.images.map(({ kind, printedLine, caption, credit }) => ({ kind, printedLine, caption, credit })) });
  }
  articles.sort((a, b) => a.headline.localeCompare(b.headline));
  return { records, articles };
}

describe('export, then import into an empty archive', function () {
  this.timeout(240_000);
  let app: TestApp;
  let folder: string;
  let original: Awaited<ReturnType<typeof snapshot>>;
  let exported: { code: number | null; stdout: string; stderr: string };

  before(async () => {
    app = await startTestApp();
    // The CLI tools read their API token from the environment, as a script would set it.
    process.env.ARCHIVE_TOKEN = app.credentials.editor.token;
    await resetDatabase();
    await emptyUploads(app);
    folder = await mkdtemp(path.join(os.tmpdir(), 'archive-export-'));
    const send = (file: string, fields: Record<string, string>) => {
      let req = app.as('editor').post('/api/images');
      for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
      return req.attach('image', fixture(file)).expect((res) => expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201]));
    };
    await send('DSCN0010.jpg', { ...ARTICLE_A, printedLine: 'A North Korean soldier fighting for Russia in Ukraine, according to a video shared by Zelensky (Office of the President of Ukraine)', sourceNote: 'Still from a video shared by Volodymyr Zelensky', claimedDate: '2025-02-05T00:00:00.000Z' });
    await send('Canon_40D.jpg', { ...ARTICLE_A, caption: 'The passport, belonging to a captured North Korean soldier', credit: 'Telegram/Volodymyr Zelensky', sourceUrl: 'https://t.me/V_Zelenskiy_official/13001', printedLine: 'The passport belonging to a captured North Korean soldier (Telegram/Volodymyr Zelensky)' });
    await send('libpng-test.png', { ...ARTICLE_A, caption: 'A map of the Kursk region', credit: 'Офіс Президента України', printedLine: 'A map of the Kursk region (Офіс Президента України)' });
    await send('C.jpg', { ...ARTICLE_A, caption: 'A signed picture', credit: 'Content Credentials Test', printedLine: 'A signed picture (Content Credentials Test)' });
    await send('iptc-staff-photographer-example.jpg', { ...ARTICLE_B, caption: 'Soldiers under guard', credit: 'Reuters', printedLine: 'Soldiers under guard (Reuters)' });
    // The passport again, printed later by another article: a second use.
    await send('Canon_40D.jpg', { ...ARTICLE_B, printedLine: 'The same passport, shown again (Telegram/Volodymyr Zelensky)', caption: 'The same passport, shown again', credit: 'Telegram/Volodymyr Zelensky' });
    const plain = await send('IMG_20180725_163423-1.png', { caption: 'A street, held but never printed', credit: 'Staff' });
    await app.as('editor').patch(`/api/images/${plain.body.id}`).send({ caption: 'A street, held but never printed (edited)', reason: 'Caption made clearer' }).expect(200);
    original = await snapshot(app);
    exported = await npmRun('export', [folder, '--server', app.url, '--token', app.credentials.editor.token]);
  });
  after(async () => {
    await app.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('writes every file, manifest.json with records, uses, articles, history and provenance, and manifest.csv', async () => {
    expect(exported.code, exported.stderr).to.equal(0);
    expect(exported.stdout).to.include('Exported 6 image(s) and 2 article(s)');
    const manifest = JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8'));
    expect(manifest.images).to.have.length(6);
    for (const image of manifest.images) {
      expect(image.history.chainValid).to.equal(true);
      expect(image.history.entries[0].type).to.equal('created');
      expect(image.provenance.findings).to.be.an('array');
      expect(image.record.declared).to.be.an('object');
    }
    const signed = manifest.images.find((image: { record: { declared: { caption: string } } }) => image.record.declared.caption === 'A signed picture');
    expect(signed.creditsEmbedded).to.equal(false);
    expect(signed.fileSha256).to.equal(signed.originalSha256);
    expect(manifest.articles.map((article: { headline: string }) => article.headline).sort()).to.deep.equal([ARTICLE_B.articleHeadline, ARTICLE_A.articleHeadline].sort());
    const csv = await readFile(path.join(folder, 'manifest.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).to.equal('file,caption,credit,sourceUrl,sourceNote,printedLine,claimedDate,articleUrl,articleHeadline,articlePublisher,articlePublishedAt');
    expect(csv).to.include('"The passport, belonging to a captured North Korean soldier"');
  });

  it('verify-export passes, and fails on a changed file', async () => {
    const ok = await npmRun('verify-export', [folder]);
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.include('OK: 6 file(s)');
    const manifest = JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8'));
    const victim = path.join(folder, manifest.images[0].file);
    const bytes = await readFile(victim);
    await writeFile(victim, Buffer.concat([bytes, Buffer.from([0])]));
    const bad = await npmRun('verify-export', [folder]);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.include(`FAILED  ${manifest.images[0].file}: SHA-256 is`);
    await writeFile(victim, bytes);
  });

  it('verify-export finds a history entry changed after the export', async () => {
    const manifestPath = path.join(folder, 'manifest.json');
    const text = await readFile(manifestPath, 'utf8');
    const manifest = JSON.parse(text);
    manifest.images[0].history.entries[0].actor = 'someone else';
    await writeFile(manifestPath, JSON.stringify(manifest));
    const bad = await npmRun('verify-export', [folder]);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.match(/history chain broken at entry 0/);
    await writeFile(manifestPath, text);
  });

  it('importing manifest.csv into an empty archive restores every declared field, use and printed order', async () => {
    await resetDatabase();
    await emptyUploads(app);
    const imported = await runImportCli([folder, '--server', app.url, '--manifest', path.join(folder, 'manifest.csv'), '--json']);
    expect(imported.code, imported.stdout + imported.stderr).to.equal(0);
    const summary = imported.events.find((event) => event.type === 'summary') as { imported: number; usesAdded: number };
    expect(summary).to.include({ imported: 6, usesAdded: 1 });
    const restored = await snapshot(app);
    expect(restored.records).to.have.length(original.records.length);
    for (let i = 0; i < original.records.length; i++) expect(restored.records[i], `record ${i}`).to.deep.equal(original.records[i]);
    expect(restored.articles).to.deep.equal(original.articles);
  });
});
