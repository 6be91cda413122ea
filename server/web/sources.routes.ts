// Source pages: every supplier the archive knows from credits and source URLs, and one supplier's page.
// Both are aggregates over every record that change only on writes, so they are cached like the
// gallery (one copy per role: the pages differ by their navigation only).
import { Router } from 'express';
import { NotFoundError } from '../shared/errors';
import type { SourceImageRecord } from '../images/images.repository';
import type { SourcesService } from '../sources/sources.service';
import { renderView, sendPage, type PageCache } from './page-cache';
import { sourceListView, sourcePageView } from './sources.view';

export function createSourcesRouter({ sources, pages }: { sources: SourcesService<SourceImageRecord>; pages: PageCache }): Router {
  const router = Router();
  const roleOf = (locals: Record<string, unknown>) => (locals.viewer as { role: string }).role;

  router.get('/sources', async (req, res) => {
    const viewer = res.locals.viewer as object;
    const page = await pages.get(`${roleOf(res.locals)}|sources`, async () =>
      renderView(req.app, 'sources.njk', { nav: 'sources', title: 'Sources', viewer, sources: sourceListView(await sources.list()) }),
    );
    sendPage(req, res, page);
  });

  // Keys are "<kind or platform>/<name>": two path segments.
  router.get('/sources/:prefix/:name', async (req, res) => {
    const { prefix, name } = req.params;
    if (!/^[a-z0-9-]{1,40}$/.test(prefix) || !/^[\p{L}\p{N}_-]{1,80}$/u.test(name)) throw new NotFoundError('The archive holds no image from this source.');
    const key = `${prefix}/${name}`;
    const viewer = res.locals.viewer as object;
    // An unknown source throws NotFoundError in the render: nothing is cached for it.
    const page = await pages.get(`${roleOf(res.locals)}|source ${key}`, async () => {
      const source = sourcePageView(await sources.page(key));
      return renderView(req.app, 'source.njk', { nav: 'sources', title: source.label, viewer, source });
    });
    sendPage(req, res, page);
  });

  return router;
}
