// Rendered pages kept in memory, keyed by their canonical URL and the write generation of the data
// they show. A write through this process changes the generation, so the next request renders
// afresh; the time limit bounds how stale a page can be when another process wrote (several app
// instances sharing one MongoDB). Concurrent requests for a page being rendered share the render.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Application, Request, Response } from 'express';
import { LRUCache } from 'lru-cache';

export interface RenderedPage {
  /** The HTML, kept gzipped: every browser accepts it, and a page takes a tenth of the memory. */
  gzipped: Buffer;
  /** Strong validator of the HTML; the gzipped form's differs, as a different representation. */
  etag: string;
}

export interface PageCacheOptions {
  /** The data's write generation; part of every key, so a write makes older entries unreachable. */
  generation: () => string;
  maxAgeMs: number;
  maxBytes: number;
}

type Render = () => Promise<string>;

/** A view rendered to a string, for the cache to keep. */
export function renderView(app: Application, view: string, locals: object): Promise<string> {
  return new Promise((resolve, reject) => app.render(view, locals, (error, html) => (error ? reject(error) : resolve(html))));
}

export function createPageCache(options: PageCacheOptions) {
  const cache = new LRUCache<string, RenderedPage, Render>({
    maxSize: options.maxBytes,
    sizeCalculation: (page) => page.gzipped.length + page.etag.length,
    ttl: options.maxAgeMs,
    // When many views are rendered at once, an entry can be evicted while its page is still being
    // rendered; the requests waiting for it still get the page (it is just not kept).
    ignoreFetchAbort: true,
    fetchMethod: async (_key, _stale, { context: render }) => {
      const body = Buffer.from(await render());
      return { gzipped: gzipSync(body), etag: createHash('sha1').update(body).digest('base64url') };
    },
  });

  return {
    /** The page for `url`, rendered by `render` unless a current rendering is cached. `cached` is
     *  false when this request waited for a render (its own or a concurrent one). */
    async get(url: string, render: Render): Promise<{ page: RenderedPage; cached: boolean }> {
      const status: LRUCache.Status<string, RenderedPage, Render> = {};
      const page = await cache.fetch(`${options.generation()} ${url}`, { context: render, status });
      // fetch() only resolves undefined when told to allow stale or aborted results; neither is set.
      if (!page) throw new Error(`The page cache returned nothing for ${url}`);
      return { page, cached: status.fetch === 'hit' };
    },
  };
}

export type PageCache = ReturnType<typeof createPageCache>;

/** Sends a cached page: browsers revalidate it each time and get 304 while it is unchanged.
 *  X-Cache says whether it was rendered for this request, for benchmarks and operators. */
export function sendPage(req: Request, res: Response, { page, cached }: { page: RenderedPage; cached: boolean }): void {
  const gzip = req.acceptsEncodings('gzip') === 'gzip';
  res.type('html');
  res.vary('Accept-Encoding');
  res.set({ ETag: gzip ? `"${page.etag}-gzip"` : `"${page.etag}"`, 'Cache-Control': 'no-cache', 'X-Cache': cached ? 'hit' : 'miss' });
  if (gzip) res.set('Content-Encoding', 'gzip');
  res.send(gzip ? page.gzipped : gunzipSync(page.gzipped));
}
