// Sign-in, sign-out, password reset, one's own account and tokens, and the admin's accounts page.
// Forms post and then redirect (or re-render with the problem beside the form).
import { Router, type Request, type Response } from 'express';
import { endSession, startSession } from '../accounts/accounts.middleware';
import type { AccountsService } from '../accounts/accounts.service';
import { accountChangeSchema, changePasswordSchema, newAccountSchema, newTokenSchema, parseInput, resetPasswordSchema, signInSchema, withoutEmptyFields } from '../accounts/accounts.schemas';
import type { LoginThrottle } from '../accounts/login-throttle';
import { principalOf } from '../accounts/principal';
import { ROLE_DESCRIPTIONS, ROLES, roleAtLeast } from '../accounts/roles';
import { tokenRoleFor } from '../accounts/token-role';
import type { ApiTokenRecord } from '../accounts/accounts.repository';
import { toAppError } from '../shared/error-handler';
import { BadRequestError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { formatDateTime } from './format';

export interface AccountPagesDeps {
  accounts: AccountsService;
  loginThrottle: LoginThrottle;
  logger: Logger;
}

const GENERIC_SIGN_IN_FAILURE = 'The email or password is not right.';

/** Only a path on this site: an absolute or protocol-relative `next` would be an open redirect. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

function tokenState(token: ApiTokenRecord, now: Date): 'active' | 'revoked' | 'expired' {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && token.expiresAt <= now) return 'expired';
  return 'active';
}

export function tokenView(token: ApiTokenRecord, now = new Date()) {
  return {
    id: String(token._id),
    name: token.name,
    prefix: token.prefix,
    role: token.role,
    created: formatDateTime(token.createdAt),
    expires: token.expiresAt ? formatDateTime(token.expiresAt) : 'never',
    lastUsed: token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'never',
    state: tokenState(token, now),
  };
}

/** A refusal a person can act on (400, 404, 409) is shown on the page; anything else is a failure. */
function formProblem(rawError: unknown): string {
  const error = toAppError(rawError);
  if (error.status >= 500 || !error.expose) throw rawError;
  return error.message;
}

export function createAccountPagesRouter({ accounts, loginThrottle, logger }: AccountPagesDeps): Router {
  const router = Router();

  async function renderLogin(req: Request, res: Response, status: number, extra: Record<string, unknown>) {
    res.status(status).render('login.njk', { nav: 'login', title: 'Sign in', noAccounts: !(await accounts.hasAccounts()), next: safeNext(req.query.next ?? req.body?.next), ...extra });
  }

  router.get('/login', async (req, res) => {
    await renderLogin(req, res, 200, { reset: req.query.reset === '1', signedOut: req.query.signedOut === '1' });
  });

  router.post('/login', async (req, res) => {
    if (!req.session) throw new BadRequestError('This request already carries an API token; signing in is for browsers.', { code: 'signed_in_by_token' });
    const input = parseInput(signInSchema, req.body);
    const address = req.ip ?? 'unknown';
    // Refused before the password is even checked: a guesser learns nothing while throttled.
    try {
      await loginThrottle.check(input.email, address);
    } catch (error) {
      await accounts.recordSignIn({ email: input.email, ip: address, outcome: 'throttled' });
      throw error;
    }
    const result = await accounts.signIn(input.email, input.password);
    if (!result.ok) {
      await loginThrottle.failed(input.email, address);
      await accounts.recordSignIn({ email: input.email, account: result.account?._id, ip: address, outcome: result.reason });
      const message = result.reason === 'disabled' ? 'This account is disabled. Ask an admin.' : GENERIC_SIGN_IN_FAILURE;
      await renderLogin(req, res, 401, { formError: message, email: input.email });
      return;
    }
    await loginThrottle.succeeded(input.email);
    await accounts.recordSignIn({ email: input.email, account: result.account._id, ip: address, outcome: 'ok' });
    await startSession(req, String(result.account._id));
    res.redirect(303, safeNext(input.next));
  });

  router.get('/logout', (_req, res) => {
    res.render('logout.njk', { nav: 'logout', title: 'Sign out' });
  });

  router.post('/logout', async (req, res) => {
    await endSession(req);
    res.redirect(303, '/login?signedOut=1');
  });

  router.get('/reset/:secret', async (req, res) => {
    const account = await accounts.resetAccountOf(req.params.secret);
    res.status(account ? 200 : 404).render('reset.njk', { title: 'New password', invalid: !account, email: account?.email, secret: req.params.secret });
  });

  router.post('/reset/:secret', async (req, res) => {
    const { newPassword } = parseInput(resetPasswordSchema, req.body);
    try {
      await accounts.resetPassword(req.params.secret, newPassword);
    } catch (rawError) {
      const message = formProblem(rawError);
      const account = await accounts.resetAccountOf(req.params.secret);
      res.status(account ? 400 : 404).render('reset.njk', { title: 'New password', invalid: !account, email: account?.email, secret: req.params.secret, formError: message });
      return;
    }
    res.redirect(303, '/login?reset=1');
  });

  async function renderAccount(req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) {
    const principal = principalOf(req);
    if (principal.kind !== 'account') throw new Error('the authorization matrix lets only accounts reach /account');
    const tokens = await accounts.tokensOf(principal.account.id);
    const role = principal.role;
    res.status(status).render('account.njk', {
      nav: 'account',
      title: 'Your account',
      account: { ...principal.account, role, roleDescription: ROLE_DESCRIPTIONS[role] },
      tokens: tokens.map((token) => tokenView(token)),
      tokenRoles: ROLES.filter((candidate) => roleAtLeast(role, candidate)),
      ...extra,
    });
  }

  router.get('/account', async (req, res) => {
    await renderAccount(req, res, 200, { notice: req.query.notice === 'password' ? 'Your password was changed.' : req.query.notice === 'revoked' ? 'The token was revoked.' : undefined });
  });

  router.post('/account/tokens', async (req, res) => {
    const principal = principalOf(req);
    if (principal.kind !== 'account') throw new Error('unreachable: /account/tokens is for accounts');
    try {
      const input = parseInput(newTokenSchema, withoutEmptyFields(req.body));
      const issued = await accounts.issueToken(principal.account.id, { ...input, role: tokenRoleFor(principal, input.role) });
      // Rendered, not redirected: the token is shown this once and never stored.
      await renderAccount(req, res, 201, { newToken: { name: issued.record.name, token: issued.token } });
    } catch (rawError) {
      await renderAccount(req, res, 400, { tokenError: formProblem(rawError) });
    }
  });

  router.post('/account/tokens/:id/revoke', async (req, res) => {
    const principal = principalOf(req);
    if (principal.kind !== 'account') throw new Error('unreachable: /account/tokens is for accounts');
    await accounts.revokeToken(req.params.id, { accountId: principal.account.id, admin: false });
    res.redirect(303, '/account?notice=revoked#tokens');
  });

  router.post('/account/password', async (req, res) => {
    const principal = principalOf(req);
    if (principal.kind !== 'account') throw new Error('unreachable: /account is for accounts');
    try {
      const input = parseInput(changePasswordSchema, req.body);
      await accounts.changePassword(principal.account.id, input.currentPassword, input.newPassword);
    } catch (rawError) {
      await renderAccount(req, res, 400, { passwordError: formProblem(rawError) });
      return;
    }
    // The change ends every session of this account, this one too; sign this one in again.
    if (principal.via === 'session') await startSession(req, principal.account.id);
    res.redirect(303, '/account?notice=password');
  });

  async function renderAdmin(res: Response, status: number, extra: Record<string, unknown> = {}) {
    const [list, signIns] = await Promise.all([accounts.list(), accounts.recentSignIns(50)]);
    res.status(status).render('admin-accounts.njk', {
      nav: 'admin',
      title: 'Accounts',
      roles: ROLES,
      form: {},
      accounts: list.map((account) => ({ id: String(account._id), email: account.email, name: account.name, role: account.role, disabled: account.disabled, hasPassword: Boolean(account.passwordHash), created: formatDateTime(account.createdAt) })),
      signIns: signIns.map((event) => ({ at: formatDateTime(event.at), email: event.email, ip: event.ip ?? '', outcome: event.outcome })),
      ...extra,
    });
  }

  router.get('/admin/accounts', async (req, res) => {
    await renderAdmin(res, 200, { notice: typeof req.query.notice === 'string' ? ADMIN_NOTICES[req.query.notice] : undefined });
  });

  router.post('/admin/accounts', async (req, res) => {
    const body = withoutEmptyFields(req.body);
    try {
      const input = parseInput(newAccountSchema, body);
      await accounts.createAccount(input);
    } catch (rawError) {
      await renderAdmin(res, 400, { formError: formProblem(rawError), form: body });
      return;
    }
    res.redirect(303, '/admin/accounts?notice=created');
  });

  router.post('/admin/accounts/:id', async (req, res) => {
    const principal = principalOf(req);
    const change = parseInput(accountChangeSchema, withoutEmptyFields(req.body));
    if (principal.kind === 'account' && principal.account.id === req.params.id && (change.disabled || (change.role && change.role !== 'admin'))) {
      await renderAdmin(res, 400, { formError: 'You cannot disable your own account or lower your own role: another admin must.' });
      return;
    }
    if (change.role) await accounts.setRole(req.params.id, change.role);
    if (change.disabled !== undefined) await accounts.setDisabled(req.params.id, change.disabled);
    res.redirect(303, '/admin/accounts?notice=changed');
  });

  router.post('/admin/accounts/:id/reset', async (req, res) => {
    const { secret, account, expiresAt } = await accounts.createResetLink(req.params.id);
    // No mail is configured: the link goes to the server log, for the admin to pass on.
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    logger.info(`Password reset link for ${account.email} (valid until ${expiresAt.toISOString()}, works once): ${origin}/reset/${secret}`);
    res.redirect(303, '/admin/accounts?notice=reset');
  });

  return router;
}

const ADMIN_NOTICES: Record<string, string> = {
  created: 'The account was created.',
  changed: 'The account was changed.',
  reset: 'A one-time reset link was printed to the server log; pass it on to the account holder.',
};
