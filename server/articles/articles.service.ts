// Articles: found or created from an upload's fields, listed, and read with what they ran in
// printed order (held images and described images without a file).
import mongoose from 'mongoose';
import type { ImagesRepository } from '../images/images.repository';
import { NotFoundError } from '../shared/errors';
import type { WriteGeneration } from '../db/write-generation';
import { printedOrder, type PrintedEntry } from './article-contents';
import type { ArticleRecord } from './article.model';
import type { ArticleFields, ArticlesRepository } from './articles.repository';

/** The article list shows this many, newest first; more would need paging. */
const ARTICLE_LIST_LIMIT = 500;
/** The gallery's article filter lists the most recent articles; more would make the select unusable anyway. */
const ARTICLE_CHOICES = 200;
/** Articles written behind the archive's back (straight into the database) show within this time; other app instances' writes arrive sooner through the shared write signal. */
const ARTICLE_CHOICES_MAX_AGE_MS = 2_000;

export interface ArticleChoice {
  id: string;
  headline: string;
}

export interface ArticlesServiceDeps {
  repository: ArticlesRepository;
  images: Pick<ImagesRepository, 'usedInArticle' | 'useCountsByArticle'>;
  /** The articles' write generation: the article choices are reloaded after every write. */
  generation: WriteGeneration;
  /** Age limit of the article choices, for writes no write generation hears of; default ARTICLE_CHOICES_MAX_AGE_MS. */
  choicesMaxAgeMs?: number;
}

export function createArticlesService({ repository, images, generation, choicesMaxAgeMs = ARTICLE_CHOICES_MAX_AGE_MS }: ArticlesServiceDeps) {
  // Every gallery page shows the article filter; the list only changes when an article is written.
  let cachedChoices: { generation: number; loadedAt: number; choices: Promise<ArticleChoice[]> } | undefined;

  async function loadChoices(): Promise<ArticleChoice[]> {
    const articles = await repository.latestRecorded(ARTICLE_CHOICES);
    return articles.map((article) => ({ id: String(article._id), headline: article.headline ?? article.url ?? 'Untitled article' }));
  }

  return {
    findOrCreate: (article: ArticleFields) => repository.findOrCreate(article),

    async byId(id: mongoose.Types.ObjectId): Promise<ArticleRecord | undefined> {
      return (await repository.findById(id)) ?? undefined;
    },

    /** The articles with these ids, by id. */
    async byIds(ids: mongoose.Types.ObjectId[]): Promise<Map<string, ArticleRecord>> {
      return new Map((await repository.findByIds(ids)).map((article) => [String(article._id), article]));
    },

    /** The most recent articles (id and title) for the gallery's filter. */
    choices(): Promise<ArticleChoice[]> {
      const current = generation.value();
      if (cachedChoices?.generation !== current || Date.now() - cachedChoices.loadedAt > choicesMaxAgeMs) {
        const choices = loadChoices();
        const entry = { generation: current, loadedAt: Date.now(), choices };
        cachedChoices = entry;
        choices.catch(() => {
          if (cachedChoices === entry) cachedChoices = undefined;
        });
      }
      return cachedChoices.choices;
    },

    /** The article and what it ran, in printed order; 404 for an unknown or malformed id. */
    async contents(id: string): Promise<{ article: ArticleRecord; entries: PrintedEntry[] }> {
      if (!/^[a-f0-9]{24}$/i.test(id)) throw new NotFoundError('No article with this id.');
      const article = await repository.findById(new mongoose.Types.ObjectId(id));
      if (!article) throw new NotFoundError('No article with this id.');
      const [held, described] = await Promise.all([images.usedInArticle(article._id), repository.openDescribedOf(article._id)]);
      return { article, entries: printedOrder(id, held, described) };
    },

    /** The most recent articles, each with how many images it ran that the archive holds, and how many it holds no file for. */
    async list(): Promise<Array<{ article: ArticleRecord; heldCount: number; withoutFileCount: number }>> {
      const articles = await repository.latestPublished(ARTICLE_LIST_LIMIT);
      if (articles.length === 0) return [];
      const ids = articles.map((article) => article._id);
      const [heldBy, missingBy] = await Promise.all([images.useCountsByArticle(ids), repository.openDescribedCounts(ids)]);
      return articles.map((article) => ({ article, heldCount: heldBy.get(String(article._id)) ?? 0, withoutFileCount: missingBy.get(String(article._id)) ?? 0 }));
    },
  };
}

export type ArticlesService = ReturnType<typeof createArticlesService>;
