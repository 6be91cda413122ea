// Builds the Express application from its dependencies. It neither listens nor connects:
// server/main.ts does that, and tests build the app with their own dependencies.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import nunjucks from 'nunjucks';
import { createAccountsApiRouter } from './accounts/accounts.api';
import { createAccountsMiddleware } from './accounts/accounts.middleware';
import { createArticlesApiRouter } from './articles/articles.api';
import { createDescribedImagesApiRouter } from './articles/described-images.api';
import { createAccountPagesRouter } from './web/accounts.routes';
import { createImagesApiRouter } from './images/images.api';
import { createLookupApiRouter } from './images/lookup.api';
import { createPicturesApiRouter } from './pictures/pictures.api';
import { createOpenApiRouter } from './openapi/openapi.api';
import type { Services } from './services';
import type { Config } from './shared/config';
import { createErrorHandler, notFoundHandler } from './shared/error-handler';
import { createRequestLogging } from './shared/http-logging';
import type { AppLogger } from './shared/logger';
import { refuseCrossSiteWrites } from './shared/same-origin';
import { securityHeaders } from './shared/security-headers';
import { createTransferApiRouter } from './transfer/transfer.api';
import { createMediaRouter } from './web/media.routes';
import { createWebRouter } from './web/web.routes';
import { createVideoApiRouter } from './video/video.api';

export type AppDeps = { config: Pick<Config, 'limits' | 'accounts'>; logger: AppLogger } & Pick<Services, 'accounts' | 'paths' | 'blobs' | 'generations' | 'cacheMaxAgeMs' | 'images' | 'articles' | 'describedImages' | 'history' | 'provenance' | 'lookup' | 'transfer' | 'video' | 'pictures' | 'sources'>;

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const viewsDir = path.join(projectRoot, 'views');

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxyValue(deps.config.accounts.trustProxy));

  // Auto-escaping is on: every metadata string shown in a page is untrusted text from a file.
  const env = nunjucks.configure(viewsDir, { autoescape: true, throwOnUndefined: false, noCache: process.env.NODE_ENV === 'development' });
  env.express(app);
  app.set('view engine', 'njk');

  app.use(createRequestLogging(deps.logger));
  app.use(securityHeaders);
  app.use(refuseCrossSiteWrites);
  app.use('/assets', express.static(path.join(viewsDir, 'assets'), { maxAge: '1h', fallthrough: false, index: false }));
  app.use(express.json({ limit: '100kb' }));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));

  // Who is asking and whether they may: before every route (server/accounts/authorization.ts).
  app.use(
    createAccountsMiddleware({
      accounts: deps.accounts.accounts,
      connection: deps.accounts.connection,
      options: { ...deps.config.accounts, sessionSecret: deps.accounts.sessionSecret },
    }),
  );
  app.use(createAccountPagesRouter({ accounts: deps.accounts.accounts, loginThrottle: deps.accounts.loginThrottle, logger: deps.logger }));
  app.use(createAccountsApiRouter({ accounts: deps.accounts.accounts }));

  const { limits } = deps.config;
  app.use(createMediaRouter(deps.blobs));
  app.use(createOpenApiRouter());
  app.use(createImagesApiRouter({ limits, paths: deps.paths, images: deps.images, video: deps.video }));
  app.use(createTransferApiRouter({ transfer: deps.transfer }));
  app.use(createVideoApiRouter({ video: deps.video, blobs: deps.blobs }));
  app.use(createLookupApiRouter({ limits, paths: deps.paths, lookup: deps.lookup }));
  app.use(createPicturesApiRouter({ pictures: deps.pictures }));
  app.use(createArticlesApiRouter({ articles: deps.articles }));
  app.use(createDescribedImagesApiRouter({ describedImages: deps.describedImages }));
  app.use(createWebRouter({ limits, ...deps }));

  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger));
  return app;
}

/** TRUST_PROXY as Express takes it: a hop count, true/false, or addresses and names (loopback, 10.0.0.0/8). */
function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
