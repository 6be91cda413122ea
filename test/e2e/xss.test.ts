// Untrusted text (EXIF, XMP, caption, credit, headline, file name) carrying markup is shown inert on
// every page that shows it, checked in a real browser: no dialog, no injected element, text visible.
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { DescribedImageModel } from '../../server/articles/described-image.model';
import { e2eSuite, screenshot, type BrowserSession } from './browser';

const SCRIPT = '<script>alert(1)</script>';
const ATTRIBUTE = '"><img src=x onerror=alert(2)>';
const CAPTION = `Caption ${SCRIPT} and ${ATTRIBUTE.replace('alert(2)', 'alert(3)')}`;
const CREDIT = `Desk ${ATTRIBUTE.replace('alert(2)', 'alert(4)')}`;
const HEADLINE = `Headline <script>alert(5)</script>`;
const XMP_CREDIT = '<img src=x onerror=alert(6)> Agency';
const XMP_VISIBLE = XMP_CREDIT;
const FILE_NAME = '"><img src=x onerror=alert(7)>.jpg';

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

async function craftImage(file: string): Promise<void> {
  const xmp = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<photoshop:Credit>${xmlEscape(XMP_CREDIT)}</photoshop:Credit>
<photoshop:Headline>${xmlEscape(SCRIPT)}</photoshop:Headline>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
  await sharp({ create: { width: 480, height: 320, channels: 3, background: { r: 150, g: 70, b: 40 } } })
    .composite([{ input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320"><circle cx="240" cy="160" r="90" fill="#fff"/></svg>') }])
    .jpeg()
    .withExif({ IFD0: { Artist: SCRIPT, ImageDescription: ATTRIBUTE, Copyright: '<b>bold</b> Copyright' } })
    .withXmp(xmp)
    .toFile(file);
}

/** Asserts that nothing the payloads carry became markup or ran, and that the given texts are visible. */
async function expectInert(page: Page, session: BrowserSession, visible: string[]): Promise<void> {
  const injected = await page.evaluate(() => ({
    images: document.querySelectorAll('img[src="x"], [onerror], [onload]').length,
    inlineScripts: document.querySelectorAll('script:not([src])').length,
    foreignScripts: Array.from(document.querySelectorAll('script[src]')).map((s) => s.getAttribute('src')).filter((src) => !src?.startsWith('/assets/')),
    bold: document.querySelectorAll('main b').length,
  }));
  expect(injected, page.url()).to.deep.equal({ images: 0, inlineScripts: 0, foreignScripts: [], bold: 0 });
  const text = await page.locator('body').innerText();
  for (const value of visible) expect(text, `${page.url()} shows ${value}`).to.contain(value);
  expect(session.dialogs, page.url()).to.deep.equal([]);
}

describe('e2e: markup in metadata and declared fields stays text', function () {
  this.timeout(120_000);
  const suite = e2eSuite('archive-e2e-xss-');
  let file: string;
  let imagePath: string;

  before(async () => {
    file = path.join(suite.scratch, FILE_NAME);
    await craftImage(file);
  });

  it('upload result (form post, scripts of the page still on) shows the payloads as text', async () => {
    const { page } = suite.browser;
    // Blocking upload.js makes the form post to /upload as it does without JavaScript, while the
    // browser keeps JavaScript on so that an injected script would run and be caught.
    await page.route('**/assets/upload.js', (route) => route.abort());
    await page.goto(`${suite.app.url}/upload`);
    await page.setInputFiles('#u-files', file);
    await page.fill('#u-caption', CAPTION);
    await page.fill('#u-credit', CREDIT);
    await page.fill('#u-headline', HEADLINE);
    await page.click('#upload-submit');
    await page.waitForSelector('.upload-results');
    await page.unroute('**/assets/upload.js');
    expect(await page.locator('.upload-result__status').textContent()).to.contain('Added to the archive');
    await expectInert(page, suite.browser, [CAPTION, CREDIT, FILE_NAME]);
    await screenshot(page, 'xss-upload-result');
    imagePath = (await page.locator('.upload-result a', { hasText: 'Open the image page' }).getAttribute('href'))!;
  });

  it('upload page with JavaScript shows the file name and the API’s answer as text', async () => {
    const { page } = suite.browser;
    await page.goto(`${suite.app.url}/upload`);
    await page.setInputFiles('#u-files', file);
    await page.fill('#u-caption', CAPTION);
    await page.click('#apply-all');
    await page.click('#upload-submit');
    await page.waitForSelector('#file-items > li.is-done');
    expect(await page.locator('.file-item__result').textContent()).to.contain('Already in the archive');
    await expectInert(page, suite.browser, [FILE_NAME]);
  });

  it('gallery', async () => {
    const { page } = suite.browser;
    await page.goto(`${suite.app.url}/`);
    await expectInert(page, suite.browser, [CREDIT, 'Caption <script>alert(1)</script>']);
    expect(await page.locator('.card img').getAttribute('alt')).to.contain(SCRIPT);
    await screenshot(page, 'xss-gallery');
  });

  it('image page, raw metadata included', async () => {
    const { page } = suite.browser;
    await page.goto(`${suite.app.url}${imagePath}`);
    await page.click('.raw summary');
    await expectInert(page, suite.browser, [CAPTION, CREDIT, SCRIPT, ATTRIBUTE, '<b>bold</b> Copyright', FILE_NAME, HEADLINE, XMP_VISIBLE]);
    expect(await page.locator('.raw__json').innerText()).to.contain('onerror=alert(2)');
    await screenshot(page, 'xss-image-page');
  });

  it('article page', async () => {
    const { page } = suite.browser;
    await page.goto(`${suite.app.url}/articles`);
    await expectInert(page, suite.browser, [HEADLINE]);
    await page.locator('.table a').first().click();
    await page.waitForURL(/\/articles\/[a-f0-9]{24}$/);
    await expectInert(page, suite.browser, [HEADLINE, CAPTION]);
    await screenshot(page, 'xss-article-page');
  });

  it('image recorded without a file: the article page and the upload form it fills in', async () => {
    const { page } = suite.browser;
    const line = `Printed ${SCRIPT}`;
    const description = `Described ${ATTRIBUTE.replace('alert(2)', 'alert(8)')}`;
    await page.goto(`${suite.app.url}/articles`);
    await page.locator('.table a').first().click();
    await page.waitForURL(/\/articles\/[a-f0-9]{24}$/);
    await page.fill('#d-line', line);
    await page.fill('#d-description', description);
    await page.click('#describe button[type=submit]');
    await page.waitForURL(/recorded=1/);
    await expectInert(page, suite.browser, [line, description, 'The archive holds no file for this image']);
    await page.locator('.printed__item--missing a', { hasText: 'Upload its file' }).click();
    await page.waitForURL(/\/upload\?described=/);
    await expectInert(page, suite.browser, [line]);
    expect(await page.inputValue('#u-printed')).to.equal(line);
    await screenshot(page, 'xss-described-upload-form');

    // upload.js sends the described image's id with the file, which then fulfils the record.
    await page.setInputFiles('#u-files', file);
    await page.click('#upload-submit');
    await page.waitForSelector('#file-items > li.is-done');
    const described = await DescribedImageModel.findOne({ printedLine: line }).lean();
    expect(described?.fulfilledBy, 'the described image was fulfilled').to.not.equal(undefined);
  });

  it('check result', async () => {
    const { page } = suite.browser;
    await page.goto(`${suite.app.url}/check`);
    await page.setInputFiles('#c-file', file);
    await page.click('.check-form button[type=submit]');
    await page.waitForSelector('.check-results');
    await expectInert(page, suite.browser, [CREDIT, FILE_NAME, XMP_VISIBLE]);
    await screenshot(page, 'xss-check-result');
  });
});
