// In a real browser: a video uploaded through the upload page, its page (player, contact sheet that
// seeks the player, facts, the stills taken from it), and a still's page naming its source video.
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { expect } from 'chai';
import sharp from 'sharp';
import { frameAt, makeVideo } from '../support/make-video';
import { e2eSuite, screenshot } from './browser';

describe('e2e: a video and the stills from it', function () {
  this.timeout(180_000);
  const suite = e2eSuite('archive-e2e-video-');

  async function uploadThroughPage(file: string, credit: string): Promise<string> {
    const { page } = suite.browser;
    await page.goto(`${suite.app.url}/upload`);
    await page.setInputFiles('#u-files', [file]);
    await page.fill('#u-credit', credit);
    await page.click('#apply-all');
    await page.click('#upload-submit');
    await page.waitForFunction(() => document.querySelectorAll('#file-items > li.is-done, #file-items > li.is-failed').length === 1, null, { timeout: 120_000 });
    expect(await page.locator('#file-items > li.is-done').count(), 'upload succeeded').to.equal(1);
    const href = await page.locator('#file-items > li.is-done a[href^="/images/"]').first().getAttribute('href');
    expect(href).to.match(/^\/images\/[a-f0-9]{24}$/);
    return href!;
  }

  it('shows the video page with a player, a contact sheet that seeks it, and the stills from it; a still names its source video', async () => {
    const { page } = suite.browser;
    const video = path.join(suite.scratch, 'clip.webm');
    await makeVideo(video, { seconds: 12, codec: 'vp9', seed: 7 });
    const videoHref = await uploadThroughPage(video, 'Office of the President of Ukraine');

    await page.goto(`${suite.app.url}${videoHref}`);
    const player = page.locator('video#player');
    await player.waitFor();
    await page.waitForFunction(() => (document.getElementById('player') as HTMLVideoElement).readyState >= 1, null, { timeout: 30_000 });
    expect(await player.evaluate((element: HTMLVideoElement) => element.duration)).to.be.closeTo(12, 0.2);
    const keyframes = page.locator('.contact-sheet__item');
    expect(await keyframes.count()).to.be.at.least(6);
    await expect(await page.locator('#meta-video + dl').innerText()).to.match(/vp9/).and.match(/25 frames\/s/).and.match(/640 × 360/);

    // Clicking a frame of the contact sheet seeks the player to its timecode.
    const fourth = keyframes.nth(3).locator('a');
    const target = Number(await fourth.getAttribute('data-seek'));
    expect(target).to.be.greaterThan(3);
    await fourth.click();
    await page.waitForFunction((t) => Math.abs((document.getElementById('player') as HTMLVideoElement).currentTime - t) < 0.05, target);
    expect(await page.locator('.video-stills').innerText()).to.include('no still');
    await screenshot(page, 'video-page');

    // A newsroom's still of the frame at 8.3 s, resized and recompressed, uploaded under another credit.
    const png = await frameAt(video, 8.3);
    const still = path.join(suite.scratch, 'still.jpg');
    await writeFile(still, await sharp(png).resize(480).jpeg({ quality: 75 }).toBuffer());
    const stillHref = await uploadThroughPage(still, 'Telegram/Volodymyr Zelensky');

    await page.goto(`${suite.app.url}${stillHref}`);
    const source = page.locator('.source-videos');
    const sourceText = await source.innerText();
    expect(sourceText).to.match(/Frame at 00:0[7-8]\.\d of video/);
    expect(sourceText).to.include('Office of the President of Ukraine');
    // The provenance chain starts with the video as the picture's origin.
    expect(await page.locator('.chain__step').first().innerText()).to.match(/Frame at 00:0[7-8]\.\d of a held video/);
    expect(await page.locator('.findings, .provenance').first().innerText()).to.match(/frame at 00:0[7-8]\.\d of a video the archive holds/);
    await screenshot(page, 'still-source-video');

    // Its link opens the video at that frame, and the video's page now lists the still.
    await source.locator('a[href*="?t="]').first().click();
    await page.waitForURL(/\?t=/);
    const t = Number(new URL(page.url()).searchParams.get('t'));
    expect(t).to.be.closeTo(8.3, 0.5);
    await page.waitForFunction((expected) => {
      const element = document.getElementById('player') as HTMLVideoElement;
      return element.readyState >= 1 && Math.abs(element.currentTime - expected) < 0.1;
    }, t);
    const stills = await page.locator('.video-stills').innerText();
    expect(stills).to.include('Telegram/Volodymyr Zelensky');
    expect(stills).to.match(/Frame at 00:0[7-8]\.\d/);
  });
});
