// Everything a request passes through before any route: its session (from the database), who it
// is (session or bearer token), whether that principal may use the route (authorization.ts), the
// CSRF check for state-changing requests made with a cookie, and the anonymous lookup limit
// (counted in the database, like sessions, so any instance can serve any request).
import MongoStore from 'connect-mongo';
import { csrfSync } from 'csrf-sync';
import { Router, type Request, type RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import session from 'express-session';
import type mongoose from 'mongoose';
import { ForbiddenError, TooManyRequestsError } from '../shared/errors';
import type { AccountsService } from './accounts.service';
import { authorize, can } from './authorization';
import { createDatabaseRateLimitStore } from './database-rate-limit-store';
import { principalOf } from './principal';

export interface AccountsHttpOptions {
  publicGallery: boolean;
  /** A session unused this long ends. */
  sessionIdleMinutes: number;
  /** Signs the session cookie (from SESSION_SECRET or the archive's stored secret). */
  sessionSecret: string;
  /** Lookups (and upload attempts) an anonymous client may make per minute. */
  anonymousRequestsPerMinute: number;
}

declare module 'express-session' {
  interface SessionData {
    accountId?: string;
    /** When the account signed in (ms): a password changed after that ends the session. */
    signedInAt?: number;
  }
}

export const SESSION_COOKIE = 'archive.sid';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerOf(req: Request): string | undefined {
  const header = req.get('authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : '';
}

export function createAccountsMiddleware(deps: { accounts: AccountsService; connection: mongoose.Connection; options: AccountsHttpOptions }): Router {
  const { accounts, connection, options } = deps;
  const router = Router();
  const idleSeconds = options.sessionIdleMinutes * 60;

  const sessions = session({
    name: SESSION_COOKIE,
    secret: options.sessionSecret,
    store: MongoStore.create({ client: connection.getClient(), dbName: connection.name, collectionName: 'sessions', ttl: idleSeconds, autoRemove: 'interval', autoRemoveInterval: 10 }),
    resave: false,
    // No session (and no cookie) until something is stored in it: a sign-in or a form's CSRF token.
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: idleSeconds * 1000 },
  });
  const { generateToken, isRequestValid } = csrfSync({
    getTokenFromRequest: (req) => {
      const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
      if (typeof fromBody === 'string') return fromBody;
      const fromHeader = req.get('x-csrf-token');
      if (fromHeader) return fromHeader;
      // Multipart forms put it in their action's query: the body is read by multer only later.
      return typeof req.query._csrf === 'string' ? req.query._csrf : undefined;
    },
  });

  // Requests with a bearer token have no session: they carry their credentials themselves. Nor
  // does a safe request for JSON or a file that brings no session cookie: it has no session to
  // load, and it never renders a form that would need one for its CSRF token, so none is made
  // (express-session would make a session id for every thumbnail a gallery page loads).
  const wantsSession = (req: Request) =>
    bearerOf(req) === undefined &&
    (!SAFE_METHODS.has(req.method) || !(req.path.startsWith('/media/') || req.path.startsWith('/api/')) || (req.headers.cookie ?? '').includes(`${SESSION_COOKIE}=`));
  router.use((req, res, next) => (wantsSession(req) ? sessions(req, res, next) : next()));

  router.use(async (req, _res, next) => {
    const bearer = bearerOf(req);
    if (bearer !== undefined) {
      req.principal = bearer ? await accounts.principalForToken(bearer) : { kind: 'invalid', reason: 'The Authorization header must be "Bearer <token>".' };
      return next();
    }
    const { accountId, signedInAt } = req.session ?? {};
    if (accountId) {
      const principal = await accounts.principalForSession(accountId, signedInAt ?? 0);
      if (principal) req.principal = principal;
      else {
        delete req.session.accountId;
        delete req.session.signedInAt;
      }
    }
    next();
  });

  router.use(authorize({ publicGallery: options.publicGallery }));

  router.use((req, res, next) => {
    const principal = principalOf(req);
    // Templates call csrfToken() only in forms that post, so a page without one makes no session.
    res.locals.csrfToken = () => (req.session ? generateToken(req) : '');
    res.locals.viewer = {
      signedIn: principal.kind === 'account',
      name: principal.kind === 'account' ? principal.account.name : undefined,
      role: principal.kind === 'account' ? principal.role : 'anonymous',
      canEdit: can(principal, 'edit'),
      canVerify: can(principal, 'setVerificationStatus'),
      canSeeOriginals: can(principal, 'seeOriginals'),
      isAdmin: principal.kind === 'account' && principal.role === 'admin',
    };
    if (SAFE_METHODS.has(req.method)) return next();
    const via = principal.kind === 'account' ? principal.via : undefined;
    // A bearer token is not sent by browsers on their own, so it needs no CSRF token; nor does an
    // anonymous API call without a session (it carries no credentials a forged request could use).
    if (via === 'token') return next();
    if (principal.kind === 'anonymous' && req.path.startsWith('/api/') && !req.session?.csrfToken) return next();
    if (!isRequestValid(req)) {
      return next(
        new ForbiddenError('This form was sent without its security token (or with an old one), so it was refused to protect your account from forged requests. Go back, reload the page and send it again.', { code: 'csrf_failed' }),
      );
    }
    next();
  });

  const anonymousLimit = rateLimit({
    windowMs: 60_000,
    limit: options.anonymousRequestsPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // In the database, so the limit holds for a client whose requests reach several instances.
    store: createDatabaseRateLimitStore(connection, { name: 'anonymous', windowSeconds: 60 }),
    skip: (req) => principalOf(req).kind === 'account',
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
    handler: (_req, _res, next, limitOptions) => {
      next(new TooManyRequestsError(`Anonymous visitors may check ${limitOptions.limit} images a minute. Sign in to check more, or wait a minute.`, 60, { code: 'anonymous_limit' }));
    },
  });
  const limited: RequestHandler = (req, res, next) => anonymousLimit(req, res, next);
  router.post(['/check', '/api/lookup', '/upload', '/api/images'], limited);

  return router;
}

/** Puts a fresh session id on a sign-in (no fixation) and records who signed in. */
export function startSession(req: Request, accountId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((error) => {
      if (error) return reject(error);
      req.session.accountId = accountId;
      req.session.signedInAt = Date.now();
      req.session.save((saveError) => (saveError ? reject(saveError) : resolve()));
    });
  });
}

export function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!req.session) return resolve();
    req.session.destroy((error) => (error ? reject(error) : resolve()));
  });
}
