// Loads what the gallery page shows: one list query (card projection) and the article choices.
import type { ArticlesService } from '../articles/articles.service';
import type { GalleryQuery } from '../images/gallery.query';
import type { ImageService } from '../images/images.service';
import { trimText } from './format';
import { cardView, CARD_SIZES, filterView, paginationView } from './gallery.view';

export async function loadGalleryPage(deps: { images: ImageService; articles: ArticlesService }, query: GalleryQuery) {
  const [{ items, total }, choices] = await Promise.all([deps.images.list(query), deps.articles.choices()]);
  return {
    query,
    total,
    cards: items.map((item) => cardView(item, query)),
    sizes: CARD_SIZES,
    pagination: paginationView(query, total),
    filters: filterView(query, choices.map((choice) => ({ id: choice.id, headline: trimText(choice.headline, 80) }))),
  };
}
