// In a real browser: the picture group on an image page (every copy, how it relates, the earliest
// seen and the largest marked, a warning when the credits differ) and a source page reached from
// the credit link, each saved as a screenshot in test/artifacts/.
import { expect } from 'chai';
import sharp from 'sharp';
import { fixture } from '../support/app';
import { screenshot as composite } from '../support/picture-variants';
import { seededRandom } from '../support/seeded-random';
import { e2eSuite, screenshot } from './browser';

describe('e2e: picture group and source page', function () {
  this.timeout(120_000);
  const suite = e2eSuite('archive-e2e-groups-');

  async function upload(bytes: Buffer | string, credit: string, sourceUrl?: string): Promise<string> {
    let request = suite.app.as('editor').post('/api/images').field('credit', credit);
    if (sourceUrl) request = request.field('sourceUrl', sourceUrl);
    const response = await (typeof bytes === 'string' ? request.attach('image', bytes) : request.attach('image', bytes, 'copy.jpg')).expect(201);
    return response.body.id as string;
  }

  it('shows the copies of one picture on its image page, and its supplier’s page from the credit link', async () => {
    const oriented = () => sharp(fixture('DSCN0010.jpg')).rotate();
    const original = await upload(fixture('DSCN0010.jpg'), 'Telegram/Volodymyr Zelensky', 'https://t.me/V_Zelenskiy_official/12345');
    await upload(await oriented().flop().jpeg({ quality: 80 }).toBuffer(), 'Office of the President of Ukraine');
    await upload(await composite(oriented(), { width: 640, height: 480 }, seededRandom(3)), 'Screengrab via Telegram');

    const { page } = suite.browser;
    await page.goto(`${suite.app.url}/images/${original}`);
    const group = page.locator('#picture-group');
    await expect(await group.locator('h2').textContent()).to.equal('The same picture: 3 copies held');
    const rows = group.locator('tbody tr');
    expect(await rows.count()).to.equal(3);
    expect(await rows.nth(0).textContent()).to.contain('this image').and.contain('earliest seen');
    expect(await group.locator('tbody').textContent()).to.contain('mirrored copy').and.contain('screenshot or composite containing it');
    expect(await group.locator('.chip--largest').count()).to.equal(1);
    expect(await group.locator('.alert--warn').textContent()).to.contain('Office of the President of Ukraine');
    await group.scrollIntoViewIfNeeded();
    await screenshot(page, 'picture-group');

    await Promise.all([page.waitForURL(/\/sources\/telegram\/volodymyr-zelensky$/), page.click('.declared__credit a')]);
    expect(await page.locator('h1').textContent()).to.equal('Volodymyr Zelensky (Telegram)');
    expect(await page.locator('#source-images').textContent()).to.equal('1');
    expect(await page.locator('.contradicting').textContent()).to.contain('group.different_credits');
    expect(await page.locator('.source-facts').textContent()).to.contain('V_Zelenskiy_official (Telegram)');
    await screenshot(page, 'source-page');
    expect(suite.browser.pageErrors).to.deep.equal([]);
  });
});
