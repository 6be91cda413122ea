// The gallery's page cache is right only if every write to image records changes the images'
// write generation: these tests go through the repository, which is the only writer.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { createArticlesRepository } from '../../server/articles/articles.repository';
import { createWriteGeneration, type WriteGeneration } from '../../server/db/write-generation';
import { createImagesRepository } from '../../server/images/images.repository';
import { parseGalleryQuery } from '../../server/images/gallery.query';
import { resetDatabase } from '../support/app';

function record(sha: string) {
  return {
    _id: new mongoose.Types.ObjectId(),
    sha256: sha.padEnd(64, '0'),
    phash: '0123456789abcdef',
    originalFile: `${sha.padEnd(64, '0')}.jpg`,
    file: { format: 'jpeg', mimeType: 'image/jpeg', bytes: 1, width: 1, height: 1, hasAlpha: false },
    derivatives: { thumbnail: { file: 't.webp', width: 1, height: 1, format: 'webp', bytes: 1 }, display: { file: 'd.webp', width: 1, height: 1, format: 'webp', bytes: 1 } },
    declared: {},
    embedded: {},
    hasGps: false,
    uses: [],
    keywords: [],
  };
}

describe('write generation', () => {
  beforeEach(resetDatabase);

  async function changes(generation: WriteGeneration, work: () => Promise<unknown>): Promise<boolean> {
    const before = generation.value();
    await work().catch(() => undefined);
    return generation.value() !== before;
  }

  it('changes after every write the images repository makes', async () => {
    const generation = createWriteGeneration();
    const images = createImagesRepository({ generation });
    const first = record('a');
    expect(await changes(generation, () => images.create(first as never))).to.equal(true);
    expect(await changes(generation, () => images.addUse(first._id, { addedAt: new Date(), caption: 'x' }))).to.equal(true);
    expect(await changes(generation, () => images.conditionalUpdate(first._id, 0, { set: { 'declared.caption': 'y' }, unset: [] }))).to.equal(true);
    expect(await changes(generation, () => images.saveProvenance(first._id, { findings: [], badge: 'neutral' }))).to.equal(true);
    expect(await changes(generation, () => images.setDerivatives(first._id, first.derivatives as never))).to.equal(true);
  });

  it('changes when a write fails, since a failed write may still have changed documents', async () => {
    const generation = createWriteGeneration();
    const images = createImagesRepository({ generation });
    await images.create(record('b') as never);
    let failed = false;
    const changed = await changes(generation, () =>
      images.create(record('b') as never).catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    );
    expect(failed).to.equal(true);
    expect(changed).to.equal(true);
  });

  it('does not change on reads', async () => {
    const generation = createWriteGeneration();
    const images = createImagesRepository({ generation });
    const stored = record('c');
    await images.create(stored as never);
    expect(await changes(generation, () => images.findById(stored._id))).to.equal(false);
    expect(await changes(generation, () => images.page(parseGalleryQuery({})))).to.equal(false);
  });

  it('keeps one counter per kind of data: an article write leaves the images generation alone', async () => {
    const imagesGeneration = createWriteGeneration();
    const articlesGeneration = createWriteGeneration();
    const articles = createArticlesRepository({ generation: articlesGeneration });
    expect(await changes(imagesGeneration, () => articles.findOrCreate({ headline: 'H' }))).to.equal(false);
    expect(await changes(articlesGeneration, () => articles.findOrCreate({ headline: 'H2' }))).to.equal(true);
  });
});
