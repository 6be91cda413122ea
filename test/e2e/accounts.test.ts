// In Chromium: who sees which controls, a verifier's name on the status they set, a form posted
// without its CSRF token refused with a page that says why, and signing out.
import { expect } from 'chai';
import { fixture } from '../support/app';
import { e2eSuite, openBrowser, screenshot, signIn, type BrowserSession } from './browser';

describe('e2e: accounts and roles', function () {
  this.timeout(180_000);
  const suite = e2eSuite('archive-e2e-accounts-');
  let imagePath: string;
  let editor: BrowserSession;

  before(async () => {
    const uploaded = await fetch(`${suite.app.url}/api/images`, {
      method: 'POST',
      headers: suite.app.credentials.editor.header,
      body: await (async () => {
        const form = new FormData();
        form.append('image', new Blob([await (await import('node:fs/promises')).readFile(fixture('Canon_40D.jpg'))]), 'Canon_40D.jpg');
        form.append('caption', 'A still from the video');
        return form;
      })(),
    });
    expect(uploaded.status).to.equal(201);
    imagePath = `/images/${((await uploaded.json()) as { id: string }).id}`;
    editor = await openBrowser();
  });
  after(async () => {
    await editor?.close();
  });

  it('shows an editor the edit form without any verification control, and refuses a status they post anyway', async () => {
    const account = await suite.app.accountWithPassword('editor', 'Ed Editor');
    await signIn(editor.page, suite.app.url, account.email, account.password);
    await editor.page.goto(`${suite.app.url}${imagePath}`);
    expect(await editor.page.locator('#e-caption').count()).to.equal(1);
    expect(await editor.page.locator('#e-status').count()).to.equal(0);
    expect(await editor.page.locator('#e-evidence').count()).to.equal(0);
    expect(await editor.page.locator('.site-nav').textContent()).to.contain('Upload');
    await screenshot(editor.page, 'accounts-editor-image-page');
    // Adding the field by hand does not get past the server.
    await editor.page.locator('form[action$="/edit"]').evaluate((form) => {
      const select = document.createElement('input');
      select.name = 'status';
      select.value = 'verified';
      form.appendChild(select);
    });
    await editor.page.fill('#e-reason', 'I want it verified');
    await editor.page.click('text=Save changes');
    await editor.page.waitForLoadState('domcontentloaded');
    expect(await editor.page.locator('main').textContent()).to.contain('Only a verifier');
  });

  it('lets a verifier mark the image verified, and the page shows their name, when, and the evidence link', async () => {
    const { page } = suite.browser;
    await page.goto(`${suite.app.url}${imagePath}`);
    await page.selectOption('#e-status', 'verified');
    await page.fill('#e-evidence', 'https://evidence.example/press-office');
    await page.fill('#e-reason', 'Confirmed with the press office');
    await page.click('text=Save changes');
    await page.waitForURL(/saved=1/);
    const verification = await page.locator('.status-by').textContent();
    expect(verification).to.contain(`by ${suite.account.name}`);
    expect(verification).to.not.contain('declared');
    expect(await page.locator('a', { hasText: 'Evidence' }).getAttribute('href')).to.equal('https://evidence.example/press-office');
    await screenshot(page, 'accounts-verified-by');
  });

  it('refuses a form posted without its CSRF token with a page that says why', async () => {
    const { page } = suite.browser;
    await page.goto(`${suite.app.url}${imagePath}`);
    await page.locator('form[action$="/edit"] input[name=_csrf]').evaluate((input) => input.remove());
    await page.fill('#e-caption', 'Changed without a token');
    await page.fill('#e-reason', 'forged');
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/edit')), page.click('text=Save changes')]);
    expect(response.status()).to.equal(403);
    expect(await page.locator('main').textContent()).to.contain('sent without its security token');
    await screenshot(page, 'accounts-csrf-refused');
    await page.goto(`${suite.app.url}${imagePath}`);
    expect(await page.locator('h1').first().textContent()).to.not.contain('Changed without a token');
  });

  it('signs out: the session ends and the edit form is gone', async () => {
    const { page } = editor;
    await page.goto(`${suite.app.url}/logout`);
    await Promise.all([page.waitForURL(/signedOut=1/), page.click('main button[type=submit]')]);
    expect(await page.locator('main').textContent()).to.contain('You are signed out');
    await page.goto(`${suite.app.url}${imagePath}`);
    expect(await page.locator('#e-caption').count()).to.equal(0);
    await page.goto(`${suite.app.url}/account`);
    expect(new URL(page.url()).pathname).to.equal('/login');
  });
});
