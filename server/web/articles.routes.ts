// Article pages: the list, one article's images in printed order with their printed lines, and the
// form that records an image the article printed or described without the archive holding its file.
import { Router } from 'express';
import { loadArticleList, loadArticlePage } from './articles.page';
import { actorOf } from '../accounts/principal';
import { toAppError } from '../shared/error-handler';
import type { ArticlesService } from '../articles/articles.service';
import { readDescribedImage, type DescribedImagesService } from '../articles/described-images.service';

function formValues(body: Record<string, unknown>): Record<string, string> {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  return { printedLine: text('printedLine'), description: text('description'), sourceUrl: text('sourceUrl') };
}

export function createArticlesRouter({ articles, describedImages }: { articles: ArticlesService; describedImages: DescribedImagesService }): Router {
  const router = Router();

  router.get('/articles', async (_req, res) => {
    res.render('articles.njk', { nav: 'articles', title: 'Articles', articles: await loadArticleList(articles) });
  });

  router.get('/articles/:id', async (req, res) => {
    const page = await loadArticlePage(articles, req.params.id);
    res.render('article.njk', { nav: 'articles', title: page.article.headline, saved: req.query.recorded === '1', form: formValues({}), ...page });
  });

  router.post('/articles/:id/described', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await describedImages.create(readDescribedImage(body, req.params.id), actorOf(req));
    } catch (rawError) {
      const error = toAppError(rawError);
      // A refused record is shown beside the form with what was typed; anything else (an unknown
      // article: 404) is a real failure.
      if (error.status !== 400 || !error.expose) throw rawError;
      const page = await loadArticlePage(articles, req.params.id);
      const field = typeof error.details?.field === 'string' ? error.details.field : undefined;
      res.status(400).render('article.njk', { nav: 'articles', title: page.article.headline, form: formValues(body), formError: { message: error.message, field }, ...page });
      return;
    }
    res.redirect(303, `/articles/${encodeURIComponent(req.params.id)}?recorded=1#describe`);
  });

  return router;
}
