// Article pages: the list, and one article's images in printed order with their printed lines.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { loadArticleList, loadArticlePage } from '../gallery/articles.page';

export function createArticlesRouter(_deps: AppDeps): Router {
  const router = Router();

  router.get('/articles', async (_req, res) => {
    res.render('articles.njk', { nav: 'articles', title: 'Articles', articles: await loadArticleList() });
  });

  router.get('/articles/:id', async (req, res) => {
    const page = await loadArticlePage(req.params.id);
    res.render('article.njk', { nav: 'articles', title: page.article.headline, ...page });
  });

  return router;
}
