// Cross-site request forgery, as a victim's browser meets it: a page on another site (localhost, while
// the archive is 127.0.0.1, so another site and not only another origin) auto-submits each of the
// archive's forms, and posts to the API with fetch in no-cors mode. In real Chromium each is refused
// and nothing in the archive changes. The same forms sent from the archive's own pages still work.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { filesUnder, fixture } from '../support/app';
import { e2eSuite, openBrowser, signIn, type BrowserSession } from './browser';

interface Attack {
  name: string;
  /** The attacker's page: a form that submits itself, or a script that posts. */
  html(target: string, ids: { imageId: string; articleId: string; adminId: string }, jpegBase64: string): string;
  /** The browser navigates to the archive's answer (forms) or stays on the attacker's page (fetch). */
  navigates: boolean;
  /** Whose browser opens the attacker's page: the suite's verifier, or an admin (for the admin forms). */
  victim?: 'admin';
}

const autoSubmit = (form: string, script = '') => `<!doctype html><html><body>${form}<script>${script}document.forms[0].submit();</script></body></html>`;
const fileInto = (b64: string) =>
  `const bytes = Uint8Array.from(atob('${b64}'), (c) => c.charCodeAt(0)); const dt = new DataTransfer(); dt.items.add(new File([bytes], 'forged.jpg', { type: 'image/jpeg' })); document.querySelector('input[type=file]').files = dt.files;`;

const ATTACKS: Attack[] = [
  {
    name: 'the edit form (/images/:id/edit)',
    navigates: true,
    html: (target, { imageId }) =>
      autoSubmit(`<form method="post" action="${target}/images/${imageId}/edit"><input name="caption" value="FORGED caption"><input name="credit" value="Forged/Agency"><input name="reason" value="csrf"></form>`),
  },
  {
    name: 'the upload form (/upload)',
    navigates: true,
    html: (target, _ids, b64) =>
      autoSubmit(`<form method="post" enctype="multipart/form-data" action="${target}/upload"><input name="credit" value="Forged/Agency"><input type="file" name="images"></form>`, fileInto(b64)),
  },
  {
    name: 'the described-image form (/articles/:id/described)',
    navigates: true,
    html: (target, { articleId }) =>
      autoSubmit(`<form method="post" action="${target}/articles/${articleId}/described"><input name="printedLine" value="FORGED line (Photo: Forged)"><input name="description" value="forged"></form>`),
  },
  // The account forms: a forged sign-in (into the attacker's account), sign-out, a new API token, a
  // password change, and the admin's account forms, each opened by a browser that may use the form.
  {
    name: 'the sign-in form (/login)',
    navigates: true,
    html: (target) => autoSubmit(`<form method="post" action="${target}/login"><input name="email" value="attacker@example.org"><input name="password" value="attacker-password-123"></form>`),
  },
  {
    name: 'the sign-out form (/logout)',
    navigates: true,
    html: (target) => autoSubmit(`<form method="post" action="${target}/logout"></form>`),
  },
  {
    name: 'the new-token form (/account/tokens)',
    navigates: true,
    html: (target) => autoSubmit(`<form method="post" action="${target}/account/tokens"><input name="name" value="forged"><input name="role" value="verifier"></form>`),
  },
  {
    name: 'the password form (/account/password)',
    navigates: true,
    html: (target) => autoSubmit(`<form method="post" action="${target}/account/password"><input name="newPassword" value="attacker-chosen-password"></form>`),
  },
  {
    name: "the admin's new-account form (/admin/accounts)",
    navigates: true,
    victim: 'admin',
    html: (target) => autoSubmit(`<form method="post" action="${target}/admin/accounts"><input name="email" value="forged@example.org"><input name="role" value="admin"><input name="password" value="attacker-chosen-password"></form>`),
  },
  {
    name: "the admin's reset-link form (/admin/accounts/:id/reset)",
    navigates: true,
    victim: 'admin',
    html: (target, { adminId }) => autoSubmit(`<form method="post" action="${target}/admin/accounts/${adminId}/reset"></form>`),
  },
  {
    name: 'the upload API by fetch (no-cors multipart, a "simple" request)',
    navigates: false,
    html: (target, _ids, b64) =>
      `<!doctype html><html><body><input type="file"><script>${fileInto(b64)} const form = new FormData(); form.set('credit', 'Forged/Agency'); form.set('image', document.querySelector('input').files[0]); fetch('${target}/api/images', { method: 'POST', mode: 'no-cors', body: form, credentials: 'include' }).finally(() => { document.title = 'sent'; });</script></body></html>`,
  },
  {
    name: 'the described-image API by fetch (no-cors form-encoded)',
    navigates: false,
    html: (target, { articleId }) =>
      `<!doctype html><html><body><script>fetch('${target}/api/described-images', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'articleId=${articleId}&printedLine=FORGED' }).finally(() => { document.title = 'sent'; });</script></body></html>`,
  },
];

async function archiveState(uploadDir: string): Promise<{ counts: Record<string, number>; files: string[]; captions: unknown[] }> {
  const db = mongoose.connection.db!;
  const counts: Record<string, number> = {};
  for (const { name } of await db.listCollections().toArray()) counts[name] = await db.collection(name).countDocuments();
  const captions = await db.collection('images').find({}, { projection: { 'declared.caption': 1, 'declared.credit': 1 } }).sort({ _id: 1 }).toArray();
  return { counts, files: await filesUnder(uploadDir), captions };
}

describe('cross-site request forgery (Chromium)', function () {
  this.timeout(120_000);
  const suite = e2eSuite('archive-e2e-csrf-');
  let attacker: http.Server;
  let attackerUrl: string;
  let page = '';
  const ids = { imageId: '', articleId: '', adminId: '' };
  let admin: BrowserSession | undefined;
  let jpegBase64 = '';
  const posts: Array<{ url: string; status: number }> = [];

  before(async () => {
    attacker = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(page);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}`;
    suite.app.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.method === 'POST') res.on('finish', () => posts.push({ url: req.url ?? '', status: res.statusCode }));
    });
    const jpeg = await readFile(fixture('Bush-dog.jpg'));
    jpegBase64 = jpeg.toString('base64');
    const form = new FormData();
    form.set('credit', 'Genuine/Agency');
    form.set('caption', 'Genuine caption');
    form.set('articleUrl', 'https://news.example/story');
    form.set('articleHeadline', 'A story');
    form.set('image', new Blob([new Uint8Array(await readFile(fixture('Canon_40D.jpg')))]), 'genuine.jpg');
    const response = await fetch(`${suite.app.url}/api/images`, { method: 'POST', body: form, headers: suite.app.credentials.editor.header });
    expect(response.status).to.equal(201);
    const image = (await response.json()) as { id: string; uses: Array<{ article: { id: string } | null }> };
    ids.imageId = image.id;
    ids.articleId = image.uses[0].article!.id;
    const adminAccount = await suite.app.accountWithPassword('admin', 'Ada Admin');
    ids.adminId = adminAccount.accountId;
    admin = await openBrowser();
    await signIn(admin.page, suite.app.url, adminAccount.email, adminAccount.password);
  });
  after(async () => {
    await admin?.close();
    await new Promise<void>((resolve) => attacker?.close(() => resolve()));
  });

  for (const attack of ATTACKS) {
    it(`refuses ${attack.name} posted from another site, and nothing changes`, async () => {
      const before = await archiveState(suite.app.uploadDir);
      page = attack.html(suite.app.url, ids, jpegBase64);
      const { page: tab } = attack.victim === 'admin' ? admin! : suite.browser;
      const firstPost = posts.length;
      if (attack.navigates) {
        await Promise.all([tab.waitForURL((url) => url.href.startsWith(suite.app.url), { timeout: 20_000 }), tab.goto(`${attackerUrl}/attack`)]);
        await tab.waitForLoadState('load');
        expect(await tab.textContent('body')).to.match(/came from another site, so it was refused|security token/);
      } else {
        await tab.goto(`${attackerUrl}/attack`);
        await tab.waitForFunction(() => document.title === 'sent', undefined, { timeout: 20_000 });
      }
      // What the archive answered the forged POST, seen at the server: for a no-cors fetch the browser
      // does not even hand the answer to the page (Cross-Origin-Resource-Policy).
      const deadline = Date.now() + 20_000;
      while (posts.length === firstPost && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(posts.slice(firstPost), 'the forged POST reached the archive').to.have.length(1);
      expect(posts[firstPost].status).to.equal(403);
      expect(await archiveState(suite.app.uploadDir)).to.deep.equal(before);
    });
  }

  it('still takes the edit form sent from its own page', async () => {
    const { page: tab } = suite.browser;
    await tab.goto(`${suite.app.url}/images/${ids.imageId}`);
    await tab.fill('form[action$="/edit"] [name="caption"]', 'Edited on the archive itself');
    await tab.fill('form[action$="/edit"] [name="reason"]', 'own page');
    await Promise.all([tab.waitForURL(/saved=1/), tab.click('form[action$="/edit"] [type="submit"]')]);
    const image = (await (await fetch(`${suite.app.url}/api/images/${ids.imageId}`)).json()) as { declared: { caption: string } };
    expect(image.declared.caption).to.equal('Edited on the archive itself');
  });
});
