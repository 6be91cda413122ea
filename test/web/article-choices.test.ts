import { expect } from 'chai';
import { ArticleModel } from '../../server/articles/article.model';
import { createArticlesRepository } from '../../server/articles/articles.repository';
import { createArticlesService } from '../../server/articles/articles.service';
import { createWriteGeneration } from '../../server/db/write-generation';
import { createImagesRepository } from '../../server/images/images.repository';
import { resetDatabase } from '../support/app';

function articlesService() {
  const generation = createWriteGeneration();
  return createArticlesService({ repository: createArticlesRepository({ generation }), images: createImagesRepository({ generation: createWriteGeneration() }), generation });
}

describe('gallery article filter choices', () => {
  beforeEach(resetDatabase);

  it('is cached between pages but follows every write to articles through the archive', async () => {
    const articles = articlesService();
    expect(await articles.choices()).to.deep.equal([]);
    const article = await articles.findOrCreate({ headline: 'What happened to the North Korean troops?', publisher: 'The Independent' });
    expect((await articles.choices()).map((choice) => choice.id)).to.deep.equal([String(article._id)]);
    await articles.findOrCreate({ headline: 'What happened to the North Korean troops?', publisher: 'The Independent', publishedAt: new Date('2025-02-07') });
    const second = await articles.findOrCreate({ headline: 'A second article', publisher: 'The Independent' });
    expect((await articles.choices()).map((choice) => choice.id)).to.deep.equal([String(second._id), String(article._id)]);
  });

  it('also follows articles written by another process, within two seconds', async () => {
    const articles = articlesService();
    expect(await articles.choices()).to.deep.equal([]);
    // Straight through the driver, as for a write from another app instance: this process's
    // write generation does not change.
    await ArticleModel.collection.insertOne({ headline: 'Written elsewhere', createdAt: new Date(), updatedAt: new Date() });
    expect(await articles.choices()).to.deep.equal([]);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await articles.choices()).map((choice) => choice.headline)).to.deep.equal(['Written elsewhere']);
  });
});
