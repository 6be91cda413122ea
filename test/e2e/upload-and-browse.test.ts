// In a real browser against a real listening app: upload through the upload page with progress,
// read the image page, filter the gallery by credit, and browse and page with JavaScript off.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { fixture } from '../support/app';
import { e2eSuite, openBrowser, screenshot } from './browser';

describe('e2e: upload, image page, gallery', function () {
  this.timeout(120_000);
  const suite = e2eSuite('archive-e2e-files-');

  it('uploads two images with per-file fields, shows real progress to 100% and links each result', async () => {
    const { page } = suite.browser;
    await page.goto(`${suite.app.url}/upload`);
    // A file that is not an image goes with them: its error must be shown without losing the others.
    const notImage = path.join(suite.scratch, 'notes.jpg');
    await writeFile(notImage, 'this is a text file, not a picture\n');
    await page.setInputFiles('#u-files', [fixture('Canon_40D.jpg'), fixture('iptc-staff-photographer-example.jpg'), notImage]);
    await expect(await page.locator('#file-items > li').count()).to.equal(3);

    // Filled once for all, then one file's caption and credit changed by hand.
    await page.fill('#u-credit', 'Office of the President of Ukraine');
    await page.fill('#u-caption', 'A North Korean soldier fighting for Russia in Ukraine, according to a video shared by Zelensky');
    await page.click('#apply-all');
    const second = page.locator('#file-items > li').nth(1);
    await second.getByLabel('Caption').fill('The passport belonging to a captured North Korean soldier');
    await second.getByLabel('Credit').fill('Telegram/Volodymyr Zelensky');
    await second.getByLabel('Source URL').fill('https://t.me/V_Zelenskiy_official/12345');
    await page.fill('#u-headline', 'What happened to the North Korean troops fighting Ukraine on the frontline?');
    await page.fill('#u-publisher', 'The Independent');

    // Record every value each progress bar takes, to see real progress rather than a jump at the end.
    await page.evaluate(() => {
      const seen: Record<string, number[]> = {};
      (window as unknown as { __progress: typeof seen }).__progress = seen;
      document.querySelectorAll('#file-items > li').forEach((item) => {
        const name = (item as HTMLElement).dataset.fileName!;
        const bar = item.querySelector('progress')!;
        seen[name] = [];
        new MutationObserver(() => seen[name].push(Number(bar.value))).observe(bar, { attributes: true, attributeFilter: ['value'] });
      });
    });
    await page.click('#upload-submit');
    await page.waitForFunction(() => document.querySelectorAll('#file-items > li.is-done, #file-items > li.is-failed').length === 3, null, { timeout: 60_000 });
    await screenshot(page, 'upload-progress-results');

    const progress = await page.evaluate(() => (window as unknown as { __progress: Record<string, number[]> }).__progress);
    for (const name of ['Canon_40D.jpg', 'iptc-staff-photographer-example.jpg']) {
      expect(progress[name].length, `${name} progress updates`).to.be.greaterThan(0);
      expect(Math.max(...progress[name]), `${name} reached`).to.equal(100);
      const item = page.locator(`#file-items > li[data-file-name="${name}"]`);
      expect(await item.locator('progress').evaluate((bar) => (bar as HTMLProgressElement).value)).to.equal(100);
      expect(await item.locator('.progress-row label').textContent()).to.equal('Uploaded');
      expect(await item.locator('.file-item__result').textContent()).to.contain('Added to the archive');
    }
    const failed = page.locator('#file-items > li[data-file-name="notes.jpg"]');
    expect(await failed.getAttribute('class')).to.contain('is-failed');
    expect(await failed.locator('.file-item__error').textContent()).to.match(/not an image the archive accepts/);
    // What was typed for the failed file is still there.
    expect(await failed.getByLabel('Credit').inputValue()).to.equal('Office of the President of Ukraine');
    expect(await page.locator('#upload-summary').textContent()).to.contain('2 of 3 uploaded');

    await page.locator('#file-items > li[data-file-name="Canon_40D.jpg"] a', { hasText: 'Open the image page' }).click();
    await page.waitForURL(/\/images\/[a-f0-9]{24}$/);
    expect(await page.locator('h1').textContent()).to.equal('A North Korean soldier fighting for Russia in Ukraine, according to a video shared by Zelensky');
    expect(await page.locator('.declared__credit').textContent()).to.contain('Office of the President of Ukraine');
    const camera = page.locator('section[aria-labelledby="meta-camera"]');
    expect(await camera.locator('dd').first().textContent()).to.contain('Canon');
    expect(await camera.textContent()).to.contain('Canon EOS 40D');
    expect(await page.locator('section[aria-labelledby="meta-technical"]').textContent()).to.match(/\d+ × \d+ px/);
    // The article use is in the chain, with the article's headline.
    expect(await page.locator('.chain').textContent()).to.contain('What happened to the North Korean troops');
    expect(await page.locator('.display img').getAttribute('alt')).to.contain('A North Korean soldier');
    await screenshot(page, 'image-page');
    expect(suite.browser.pageErrors).to.deep.equal([]);
  });

  it('records an edit from the image page form and shows it in the chain; a refused edit keeps what was typed', async () => {
    const { page } = suite.browser;
    const imageUrl = page.url();
    await page.fill('#e-reason', '');
    await page.fill('#e-source', 'not a web address');
    // The browser's own checks would stop the post; the server's message is what is under test.
    await page.locator('form[action$="/edit"]').evaluate((form) => form.setAttribute('novalidate', ''));
    await page.click('text=Save changes');
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('#edit-error').textContent()).to.match(/reason|web address/);
    expect(await page.inputValue('#e-source')).to.equal('not a web address');

    await page.fill('#e-source', 'https://www.president.gov.ua/en/news/example');
    await page.selectOption('#e-status', 'verified');
    await page.fill('#e-reason', 'Checked against the Office of the President’s post');
    await page.click('text=Save changes');
    await page.waitForURL(/saved=1/);
    expect(page.url().startsWith(imageUrl.split('?')[0])).to.equal(true);
    expect(await page.locator('.alert--ok').textContent()).to.contain('Changes saved');
    const chain = await page.locator('.chain').textContent();
    expect(chain).to.contain('Verification status set');
    expect(chain).to.contain(suite.account.name);
    expect(await page.locator('.source-link').textContent()).to.equal('president.gov.ua');
    expect(await page.locator('.source-link').getAttribute('rel')).to.equal('noopener noreferrer nofollow');
  });

  it('filters the gallery by credit by clicking a card’s credit and shows only matching cards', async () => {
    const { page } = suite.browser;
    await page.goto(`${suite.app.url}/`);
    expect(await page.locator('.card').count()).to.equal(2);
    await page.locator('.card__credit a', { hasText: 'Telegram/Volodymyr Zelensky' }).click();
    await page.waitForURL(/credit=Telegram/);
    const credits = await page.locator('.card__credit').allTextContents();
    expect(credits.map((text) => text.trim())).to.deep.equal(['Telegram/Volodymyr Zelensky']);
    expect(await page.locator('#result-count').textContent()).to.match(/1–1 of 1\s+image\b/);
    expect(await page.inputValue('#f-credit')).to.equal('Telegram/Volodymyr Zelensky');
    const thumb = page.locator('.card img').first();
    expect(await thumb.getAttribute('loading')).to.equal('lazy');
    expect(await thumb.getAttribute('srcset')).to.match(/ 400w/);
    expect(await thumb.getAttribute('width')).to.match(/^\d+$/);
    await screenshot(page, 'gallery-filtered-by-credit');

    // The same filter typed into the form: a plain GET with a shareable URL.
    await page.goto(`${suite.app.url}/`);
    await page.fill('#f-credit', 'office of the president of ukraine');
    await page.click('.filters button[type=submit]');
    await page.waitForURL(/credit=office/);
    expect((await page.locator('.card__credit').allTextContents()).map((text) => text.trim())).to.deep.equal(['Office of the President of Ukraine']);
  });

  it('browses, filters and pages the gallery with JavaScript disabled', async () => {
    // More images, so that a page size of 2 gives three pages.
    for (const [name, credit] of [
      ['DSCN0010.jpg', 'Reuters'],
      ['landscape_1.jpg', 'AP Photo/Jane Doe'],
      ['Bush-dog.jpg', 'Reuters'],
    ]) {
      const form = new FormData();
      form.append('image', new Blob([await readFile(fixture(name))]), name);
      form.append('credit', credit);
      form.append('caption', `Fixture ${name}`);
      const response = await fetch(`${suite.app.url}/api/images`, { method: 'POST', body: form, headers: suite.app.credentials.editor.header });
      expect(response.status).to.equal(201);
    }
    const noJs = await openBrowser({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    try {
      const { page } = noJs;
      await page.goto(`${suite.app.url}/?limit=2`);
      expect(await page.locator('#result-count').textContent()).to.match(/1–2 of 5/);
      expect(await page.locator('.card').count()).to.equal(2);
      const firstPage = await page.locator('.card').evaluateAll((cards) => cards.map((card) => (card as HTMLElement).dataset.imageId));
      await screenshot(page, 'gallery-no-js-phone-page-1');

      await page.click('.pagination a[rel=next]');
      await page.waitForURL(/page=2/);
      expect(await page.locator('.pagination a[aria-current=page]').textContent()).to.equal('2');
      const secondPage = await page.locator('.card').evaluateAll((cards) => cards.map((card) => (card as HTMLElement).dataset.imageId));
      expect(secondPage).to.have.length(2);
      expect(secondPage.some((id) => firstPage.includes(id))).to.equal(false);

      await page.click('.pagination a[aria-label="Page 3"]');
      await page.waitForURL(/page=3/);
      expect(await page.locator('.card').count()).to.equal(1);
      expect(await page.locator('.pagination a[rel=next]').count()).to.equal(0);

      // The filter form works as a plain GET; paging keeps the filter.
      await page.fill('#f-credit', 'Reuters');
      await page.selectOption('#f-sort', 'oldest');
      await page.click('.filters button[type=submit]');
      await page.waitForURL(/credit=Reuters/);
      expect(page.url()).to.contain('sort=oldest');
      expect(page.url()).not.to.contain('page=');
      expect((await page.locator('.card__credit').allTextContents()).map((text) => text.trim())).to.deep.equal(['Reuters', 'Reuters']);
      expect(await page.locator('.card__caption').allTextContents()).to.deep.equal(['Fixture DSCN0010.jpg', 'Fixture Bush-dog.jpg']);

      // A card opens its image page, also without JavaScript.
      await page.locator('.card__image').first().click();
      await page.waitForURL(/\/images\/[a-f0-9]{24}$/);
      expect(await page.locator('h1').textContent()).to.equal('Fixture DSCN0010.jpg');
      expect(await page.locator('section[aria-labelledby="meta-location"] a').getAttribute('href')).to.match(/^https:\/\/www\.openstreetmap\.org\/\?mlat=/);
      await screenshot(page, 'image-page-no-js-phone');
    } finally {
      await noJs.close();
    }
  });
});
