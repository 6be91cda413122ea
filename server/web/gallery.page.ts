// Loads what the gallery page shows: one list query (card projection) and the article choices.
import { ArticleModel, articlesGeneration } from '../articles/article.model';
import type { ImageService } from '../images/images.service';
import { trimText } from './format';
import { cardView, CARD_SIZES, filterView, paginationView } from './gallery.view';
import type { GalleryQuery } from '../images/gallery.query';

/** The article filter lists the most recent articles; more would make the select unusable anyway. */
const ARTICLE_CHOICES = 200;

type ArticleChoice = { id: string; headline: string };

/** Articles written by another process (app instances sharing one MongoDB) show within this time. */
const ARTICLE_CHOICES_MAX_AGE_MS = 2_000;

// Every gallery page shows the article filter; the list only changes when an article is written.
let cachedChoices: { generation: number; loadedAt: number; choices: Promise<ArticleChoice[]> } | undefined;

export function articleChoices(): Promise<ArticleChoice[]> {
  const generation = articlesGeneration();
  if (cachedChoices?.generation !== generation || Date.now() - cachedChoices.loadedAt > ARTICLE_CHOICES_MAX_AGE_MS) {
    const choices = loadArticleChoices();
    cachedChoices = { generation, loadedAt: Date.now(), choices };
    choices.catch(() => (cachedChoices = undefined));
  }
  return cachedChoices.choices;
}

async function loadArticleChoices(): Promise<ArticleChoice[]> {
  const articles = await ArticleModel.find({}, { headline: 1, url: 1 }).sort({ createdAt: -1 }).limit(ARTICLE_CHOICES).lean();
  return articles.map((article) => ({ id: String(article._id), headline: trimText(article.headline ?? article.url ?? 'Untitled article', 80) }));
}

export async function loadGalleryPage(images: ImageService, query: GalleryQuery) {
  const [{ items, total }, articles] = await Promise.all([images.list(query), articleChoices()]);
  return {
    query,
    total,
    cards: items.map((item) => cardView(item, query)),
    sizes: CARD_SIZES,
    pagination: paginationView(query, total),
    filters: filterView(query, articles),
  };
}
