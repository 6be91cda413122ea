// A state-changing request that a browser says came from another site is refused, whatever it
// carries. Browsers send Sec-Fetch-Site and Origin on every cross-origin POST, including a form on
// another site submitted by script; curl, scripts and API clients send neither, so they pass (they
// cannot ride on a victim's cookies). This stands beside the CSRF tokens of signed-in forms: it needs
// no state and also covers forms a token was forgotten on.
import type { Request, RequestHandler } from 'express';
import { AppError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** As the browser saw it: behind a trusted proxy, X-Forwarded-Proto and X-Forwarded-Host (Express 5's req.host keeps the port). */
function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.host}`;
}

/** Why the request is cross-site, or undefined when it is not (or the client is not a browser). */
export function crossSiteReason(req: Request): string | undefined {
  // The browser's own verdict, independent of proxies and Host headers, when it gives one.
  const site = req.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return `Sec-Fetch-Site: ${site}`;
  if (site === 'same-origin' || site === 'none') return undefined;
  const origin = req.get('origin');
  if (origin !== undefined && origin !== ownOrigin(req)) return `Origin: ${origin}`;
  return undefined;
}

export const refuseCrossSiteWrites: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  const reason = crossSiteReason(req);
  if (!reason) return next();
  next(
    new AppError(403, 'cross_site_request', 'This request came from another site, so it was refused: the archive only accepts changes sent from its own pages.', true, {
      details: { reason },
    }),
  );
};
