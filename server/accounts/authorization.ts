// Who may do what, written once as data, and the one middleware that enforces it.
//
// ROUTE_ACCESS lists every route of the app (pages, JSON API, media) with the lowest role that may
// use it; roles are ordered (roles.ts), so a row is the route's whole line of the matrix:
//   'everyone' also anonymous visitors of a private archive (signing in, reset links, assets)
//   'public'   anonymous visitors when PUBLIC_GALLERY=true, and every signed-in role
//   a role     that role and every role above it
// CAPABILITIES are the finer rules inside a route (what an image's JSON or page shows, whether a
// patch may set a verification status), read by the routes through can().
import type { RequestHandler } from 'express';
import { ForbiddenError, UnauthorizedError } from '../shared/errors';
import { wantsJson } from '../shared/error-handler';
import { principalOf, type Principal } from './principal';
import { roleAtLeast, type Role } from './roles';

export type Access = 'everyone' | 'public' | Role;

export const ROUTE_ACCESS = {
  // Pages
  'GET /': 'public',
  'GET /images/:id': 'public',
  'POST /images/:id/edit': 'editor',
  'GET /upload': 'editor',
  'POST /upload': 'editor',
  'GET /check': 'public',
  'POST /check': 'public',
  'GET /articles': 'public',
  'GET /articles/:id': 'public',
  'GET /sources': 'public',
  'GET /sources/:prefix/:name': 'public',
  'POST /articles/:id/described': 'editor',
  'GET /login': 'everyone',
  'POST /login': 'everyone',
  'POST /logout': 'everyone',
  'GET /logout': 'everyone',
  'GET /reset/:secret': 'everyone',
  'POST /reset/:secret': 'everyone',
  'GET /account': 'viewer',
  'POST /account/password': 'viewer',
  'POST /account/tokens': 'viewer',
  'POST /account/tokens/:id/revoke': 'viewer',
  'GET /admin/accounts': 'admin',
  'POST /admin/accounts': 'admin',
  'POST /admin/accounts/:id': 'admin',
  'POST /admin/accounts/:id/reset': 'admin',
  // Files: derivatives carry no metadata; originals keep theirs (exact GPS among it).
  'GET /media/derivatives/:name': 'public',
  'GET /media/originals/:name': 'viewer',
  'GET /media/video-frames/:name': 'public',
  // JSON API
  'GET /api/openapi.json': 'public',
  'GET /api/images': 'public',
  'POST /api/images': 'editor',
  'GET /api/images/:id': 'public',
  'PATCH /api/images/:id': 'editor',
  'GET /api/images/:id/metadata': 'viewer',
  'GET /api/images/:id/provenance': 'public',
  'GET /api/images/:id/history': 'public',
  // Downloads of the file (as uploaded, or with the archive's credits written in): editors and above.
  'GET /api/images/:id/original': 'editor',
  'GET /api/images/:id/download': 'editor',
  'POST /api/images/known': 'viewer',
  'GET /api/images/:id/video-sources': 'public',
  'GET /api/videos/:id': 'public',
  'POST /api/lookup': 'public',
  'GET /api/images/:id/group': 'public',
  'POST /api/images/:id/group/removal': 'editor',
  'GET /api/articles': 'public',
  'GET /api/articles/:id': 'public',
  'POST /api/described-images': 'editor',
  'GET /api/described-images/:id': 'public',
  'GET /api/account': 'viewer',
  'GET /api/tokens': 'viewer',
  'POST /api/tokens': 'viewer',
  'DELETE /api/tokens/:id': 'viewer',
  'GET /api/admin/accounts': 'admin',
  'GET /api/admin/sign-ins': 'admin',
} as const satisfies Record<string, Access>;

export type RouteKey = keyof typeof ROUTE_ACCESS;

export const CAPABILITIES = {
  /** Set or clear a verification status (verified, disputed, unverified) with its note and evidence. */
  setVerificationStatus: 'verifier',
  /** The original file's address and exact GPS (anonymous visitors get 2 decimals, about 1 km). */
  seeOriginals: 'viewer',
  /** The file's whole metadata as read (the raw dump). */
  seeRawMetadata: 'viewer',
  /** Actors' email addresses in the history (anonymous visitors get display names). */
  seeActorEmails: 'viewer',
  /** Lookups without the per-client limit anonymous visitors have. */
  unlimitedLookups: 'editor',
  /** The edit form and the upload link on pages. */
  edit: 'editor',
} as const satisfies Record<string, Role>;

export type Capability = keyof typeof CAPABILITIES;

export function can(principal: Principal, capability: Capability): boolean {
  return principal.kind === 'account' && roleAtLeast(principal.role, CAPABILITIES[capability]);
}

export function allowedBy(access: Access, principal: Principal, publicGallery: boolean): boolean {
  if (principal.kind === 'invalid') return false;
  if (access === 'everyone') return true;
  if (principal.kind === 'anonymous') return access === 'public' && publicGallery;
  return access === 'public' || roleAtLeast(principal.role, access);
}

interface CompiledRoute {
  key: RouteKey;
  method: string;
  segments: string[];
  access: Access;
}

function compile(): CompiledRoute[] {
  return (Object.entries(ROUTE_ACCESS) as [RouteKey, Access][]).map(([key, access]) => {
    const [method, path] = key.split(' ') as [string, string];
    return { key, method, segments: path.split('/').slice(1), access };
  });
}

/** The matrix's row for a request, or undefined for an address the app does not serve (a 404). */
export function routeOf(routes: readonly CompiledRoute[], method: string, path: string): CompiledRoute | undefined {
  const wanted = method === 'HEAD' ? 'GET' : method;
  const segments = path.split('/').slice(1);
  return routes.find(
    (route) =>
      route.method === wanted &&
      route.segments.length === segments.length &&
      route.segments.every((segment, index) => segment.startsWith(':') ? segments[index] !== '' : segment === segments[index]),
  );
}

export const compiledRoutes = compile();

/**
 * Refuses a request its principal may not make: an unusable token is 401 everywhere; anonymous is
 * 401 on the API and media and a 303 to /login for pages; a signed-in role below the route's is 403.
 */
export function authorize(options: { publicGallery: boolean }): RequestHandler {
  return (req, res, next) => {
    const route = routeOf(compiledRoutes, req.method, req.path);
    if (!route) return next();
    const principal = principalOf(req);
    if (principal.kind === 'invalid') return next(new UnauthorizedError(principal.reason, { code: 'invalid_token' }));
    if (allowedBy(route.access, principal, options.publicGallery)) return next();
    if (principal.kind === 'anonymous') {
      if (!wantsJson(req) && !req.path.startsWith('/media/') && req.method === 'GET') {
        res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      return next(new UnauthorizedError('Sign in, or send an API token (Authorization: Bearer …), to use this.', { code: 'sign_in_required' }));
    }
    next(new ForbiddenError(`Your role (${principal.role}) may not do this; it needs ${route.access === 'public' || route.access === 'everyone' ? 'a signed-in account' : `the ${route.access} role or higher`}.`, { code: 'role_too_low' }));
  };
}

const CAPABILITY_REFUSALS: Record<Capability, string> = {
  setVerificationStatus: 'Only a verifier (or an admin) may set or clear a verification status: the person who supplied or captioned an image is not the one who verifies it.',
  seeOriginals: 'Sign in to see original files.',
  seeRawMetadata: 'Sign in to see the file’s whole metadata.',
  seeActorEmails: 'Sign in to see who made each change.',
  unlimitedLookups: 'Sign in as an editor for unlimited lookups.',
  edit: 'Only editors, verifiers and admins may change records.',
};

/** Throws 403 (401 for anonymous) when the principal lacks the capability. */
export function requireCapability(principal: Principal, capability: Capability): void {
  if (can(principal, capability)) return;
  if (principal.kind !== 'account') throw new UnauthorizedError(CAPABILITY_REFUSALS[capability], { code: 'sign_in_required' });
  throw new ForbiddenError(CAPABILITY_REFUSALS[capability], { code: 'role_too_low', details: { capability, needs: CAPABILITIES[capability] } });
}

/** A patch that touches the verification status needs the verifier role, whatever else it changes. */
export function touchesVerificationStatus(patch: { status?: unknown; statusNote?: unknown; evidenceUrl?: unknown }): boolean {
  return patch.status !== undefined || patch.statusNote !== undefined || patch.evidenceUrl !== undefined;
}
