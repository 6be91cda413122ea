// Builds the Express application from its dependencies. It neither listens nor connects:
// server/main.ts does that, and tests build the app with their own dependencies.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import nunjucks from 'nunjucks';
import { createAccountsApiRouter } from './accounts/accounts.api';
import type { AccountsCapability } from './accounts/accounts.capability';
import { createAccountsMiddleware } from './accounts/accounts.middleware';
import { createArticlesApiRouter } from './articles/articles.api';
import { createDescribedImagesApiRouter } from './articles/described-images.api';
import { createAccountPagesRouter } from './web/accounts.routes';
import { createGalleryRouter } from './web/gallery.routes';
import { createImagesApiRouter } from './images/images.api';
import { createMediaRouter } from './web/media.routes';
import type { ImageService } from './images/images.service';
import type { UploadPaths } from './images/storage';
import { createOpenApiRouter } from './openapi/openapi.api';
import { createProvenanceApiRouter } from './images/provenance.api';
import type { HistoryService } from './provenance/history.service';
import type { LookupService } from './images/lookup.service';
import type { ProvenanceService } from './provenance/provenance.service';
import type { Config } from './shared/config';
import { createErrorHandler, notFoundHandler } from './shared/error-handler';
import type { Logger } from './shared/logger';
import { securityHeaders } from './shared/security-headers';

export interface AppDeps {
  config: Pick<Config, 'limits' | 'accounts'>;
  accounts: AccountsCapability;
  paths: UploadPaths;
  images: ImageService;
  provenance: ProvenanceService;
  history: HistoryService;
  lookup: LookupService;
  logger: Logger;
}

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

  app.use(securityHeaders);
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

  app.use(createMediaRouter(deps.paths));
  app.use(createOpenApiRouter());
  app.use(createImagesApiRouter(deps));
  app.use(createProvenanceApiRouter(deps));
  app.use(createArticlesApiRouter());
  app.use(createDescribedImagesApiRouter());
  app.use(createGalleryRouter(deps));

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
