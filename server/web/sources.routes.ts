// Source pages: every supplier the archive knows from credits and source URLs, and one supplier's page.
import { Router } from 'express';
import { NotFoundError } from '../shared/errors';
import type { SourceImageRecord } from '../images/images.repository';
import type { SourcesService } from '../sources/sources.service';
import { sourceListView, sourcePageView } from './sources.view';

export function createSourcesRouter({ sources }: { sources: SourcesService<SourceImageRecord> }): Router {
  const router = Router();

  router.get('/sources', async (_req, res) => {
    res.render('sources.njk', { nav: 'sources', title: 'Sources', sources: sourceListView(await sources.list()) });
  });

  // Keys are "<kind or platform>/<name>": two path segments.
  router.get('/sources/:prefix/:name', async (req, res) => {
    const { prefix, name } = req.params;
    if (!/^[a-z0-9-]{1,40}$/.test(prefix) || !/^[\p{L}\p{N}_-]{1,80}$/u.test(name)) throw new NotFoundError('The archive holds no image from this source.');
    const page = sourcePageView(await sources.page(`${prefix}/${name}`));
    res.render('source.njk', { nav: 'sources', title: page.label, source: page });
  });

  return router;
}
