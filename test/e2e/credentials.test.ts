// In a real browser: a file with Content Credentials uploaded through the upload page, its image page
// showing the manifest chain and the forensic findings, and the check page doing the same for a file
// that is only looked up. Screenshots go to test/artifacts/.
import { expect } from 'chai';
import { fixture } from '../support/app';
import { e2eSuite, screenshot } from './browser';

describe('e2e: Content Credentials and forensic findings on the pages', function () {
  this.timeout(120_000);
  const suite = e2eSuite('archive-e2e-credentials-');

  it('uploads CA.jpg through the upload page; its image page shows the chain, its state in words and the JPEG quality', async () => {
    const { page } = suite.browser;
    await page.goto(`${suite.app.url}/upload`);
    await page.setInputFiles('#u-files', [fixture('CA.jpg')]);
    await page.click('#upload-submit');
    await page.waitForFunction(() => document.querySelectorAll('#file-items > li.is-done, #file-items > li.is-failed').length === 1, null, { timeout: 60_000 });
    const link = page.locator('#file-items > li.is-done a[href^="/images/"]').first();
    await page.goto(`${suite.app.url}${await link.getAttribute('href')}`);

    const credentials = page.locator('#content-credentials');
    await credentials.scrollIntoViewIfNeeded();
    expect(await credentials.locator('.c2pa-summary').innerText()).to.match(/^Valid, signer not on the trust list\s+The signature is intact, but the signer is unknown/);
    const manifest = credentials.locator('.c2pa-manifest[data-level="1"]');
    expect(await manifest.locator('.c2pa-manifest__title').innerText()).to.contain('CA.jpg');
    expect(await manifest.innerText()).to.contain('make_test_images/0.33.1 c2pa-rs/0.33.1');
    expect(await manifest.innerText()).to.contain('C2PA Signer (C2PA Test Signing Cert)');
    expect(await manifest.locator('.c2pa-actions').innerText()).to.contain('color adjustments');
    const ingredient = manifest.locator('.c2pa-ingredient').first();
    expect(await ingredient.innerText()).to.match(/Ingredient:\s*A\.jpg\s*image\/jpeg, made from it \(parent\)\s*No credentials of its own/);
    // No credit badge from a C2PA finding; the findings list has the C2PA and JPEG findings in words.
    const findings = page.locator('.findings');
    expect(await findings.innerText()).to.contain('not on the C2PA trust list');
    expect(await findings.innerText()).to.contain('last compressed at about quality 75');
    expect(await page.locator('.metadata').innerText()).to.match(/JPEG quality\s*75 – libjpeg \(IJG standard tables\) at quality 75/);
    expect(await page.content()).to.not.contain('Credit differs');
    await screenshot(page, 'image-page-content-credentials');
    expect(suite.browser.pageErrors).to.deep.equal([]);
  });

  it('checks XCA.jpg on the check page (not stored): the failed data hash in words, and the chain', async () => {
    const { page } = suite.browser;
    await page.goto(`${suite.app.url}/check`);
    await page.setInputFiles('#c-file', fixture('XCA.jpg'));
    await Promise.all([page.waitForURL('**/check'), page.click('.check-form button[type="submit"]')]);
    const credentials = page.locator('#content-credentials');
    await credentials.waitFor();
    expect(await credentials.locator('.c2pa-summary').innerText()).to.match(/^Invalid\s+The pixels were changed after signing\./);
    expect(await credentials.locator('.c2pa-manifest[data-level="1"] .c2pa-checks').first().innerText()).to.contain('the pixels were changed after signing');
    expect(await page.locator('.check-results').innerText()).to.contain('The Content Credentials do not validate: the picture was changed after it was signed');
    await screenshot(page, 'check-page-content-credentials');
    const stored = await fetch(`${suite.app.url}/api/images`).then((response) => response.json() as Promise<{ total: number }>);
    expect(stored.total, 'only the upload of the first test is stored').to.equal(1);
  });
});
