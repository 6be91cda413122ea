import { expect } from 'chai';
import { ArticleModel } from '../../server/articles/article.model';
import { findOrCreateArticle } from '../../server/articles/articles.service';
import { articleChoices } from '../../server/web/gallery.page';
import { resetDatabase } from '../support/app';

describe('gallery article filter choices', () => {
  beforeEach(resetDatabase);

  it('is cached between pages but follows every write to articles', async () => {
    expect(await articleChoices()).to.deep.equal([]);
    const article = await findOrCreateArticle({ headline: 'What happened to the North Korean troops?', publisher: 'The Independent' });
    expect((await articleChoices()).map((choice) => choice.id)).to.deep.equal([String(article._id)]);
    await ArticleModel.updateOne({ _id: article._id }, { $set: { headline: 'Renamed' } });
    expect((await articleChoices())[0].headline).to.equal('Renamed');
    await ArticleModel.deleteMany({});
    expect(await articleChoices()).to.deep.equal([]);
  });

  it('also follows articles written by another process, within two seconds', async () => {
    expect(await articleChoices()).to.deep.equal([]);
    // Straight through the driver: no mongoose middleware, as for a write from another app instance.
    await ArticleModel.collection.insertOne({ headline: 'Written elsewhere', createdAt: new Date(), updatedAt: new Date() });
    expect(await articleChoices()).to.deep.equal([]);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await articleChoices()).map((choice) => choice.headline)).to.deep.equal(['Written elsewhere']);
  });
});
