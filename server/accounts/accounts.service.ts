// Accounts, passwords, API tokens and password-reset links. Data through the repository only.
import mongoose from 'mongoose';
import { BadRequestError, ConflictError, NotFoundError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { AccountRecord, AccountsRepository, ApiTokenRecord } from './accounts.repository';
import { newAccountSchema, newTokenSchema, parseInput } from './accounts.schemas';
import { createDummyVerifier, hashPassword, passwordProblem, verifyPassword } from './passwords';
import type { Principal } from './principal';
import { ROLES, rankOf, roleAtLeast, type Role } from './roles';
import { newResetSecret, newToken, sha256Hex, tokenPrefix } from './secrets';

/** A token's last-used time is written at most this often, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;
const RESET_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;

export type SignInResult =
  | { ok: true; account: AccountRecord }
  | { ok: false; reason: 'unknown_email' | 'wrong_password' | 'no_password' | 'disabled'; account?: AccountRecord };

export interface IssuedToken {
  /** Shown once; only its SHA-256 is stored. */
  token: string;
  record: ApiTokenRecord;
}

export interface AccountsServiceDeps {
  repository: AccountsRepository;
  logger: Logger;
  now?: () => Date;
}

function identity(account: AccountRecord) {
  return { id: String(account._id), email: account.email, name: account.name };
}

function passwordOrThrow(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new BadRequestError(problem, { code: 'weak_password', details: { field: 'password' } });
}

export function createAccountsService({ repository, logger, now = () => new Date() }: AccountsServiceDeps) {
  const dummyVerify = createDummyVerifier();

  async function accountOrThrow(id: string | mongoose.Types.ObjectId): Promise<AccountRecord> {
    const account = await repository.accountById(id);
    if (!account) throw new NotFoundError('No such account.');
    return account;
  }

  async function createAccount(input: { email: string; name?: string; role: Role; password?: string }): Promise<AccountRecord> {
    const parsed = parseInput(newAccountSchema, input);
    if (parsed.password !== undefined) passwordOrThrow(parsed.password);
    if (await repository.accountByEmail(parsed.email)) throw new ConflictError(`An account for ${parsed.email} already exists.`, { code: 'account_exists' });
    try {
      return await repository.insertAccount({
        email: parsed.email,
        name: parsed.name ?? parsed.email.split('@')[0]!,
        role: parsed.role,
        passwordHash: parsed.password !== undefined ? await hashPassword(parsed.password) : undefined,
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) throw new ConflictError(`An account for ${parsed.email} already exists.`, { code: 'account_exists' });
      throw error;
    }
  }

  /** Same work whether or not the email exists, so the answer's timing does not tell. */
  async function signIn(email: string, password: string): Promise<SignInResult> {
    const account = await repository.accountByEmail(email);
    if (!account?.passwordHash) {
      await dummyVerify(password);
      return account ? { ok: false, reason: 'no_password', account } : { ok: false, reason: 'unknown_email' };
    }
    if (!(await verifyPassword(account.passwordHash, password))) return { ok: false, reason: 'wrong_password', account };
    if (account.disabled) return { ok: false, reason: 'disabled', account };
    return { ok: true, account };
  }

  async function issueToken(accountId: string | mongoose.Types.ObjectId, input: { name: string; role?: Role; expiresInDays?: number }): Promise<IssuedToken> {
    const account = await accountOrThrow(accountId);
    const parsed = parseInput(newTokenSchema, input);
    const role = parsed.role ?? account.role;
    if (!roleAtLeast(account.role, role)) {
      throw new BadRequestError(`A token's role cannot be above its account's (${account.role}).`, { code: 'token_role_too_high', details: { field: 'role' } });
    }
    const token = newToken();
    const expiresAt = parsed.expiresInDays ? new Date(now().getTime() + parsed.expiresInDays * 86_400_000) : undefined;
    const record = await repository.insertToken({ account: account._id, name: parsed.name, role, hash: sha256Hex(token), prefix: tokenPrefix(token), expiresAt });
    return { token, record };
  }

  /** The principal a bearer token stands for; an unusable token is a principal of kind 'invalid'. */
  async function principalForToken(token: string): Promise<Principal> {
    const record = await repository.tokenByHash(sha256Hex(token));
    if (!record) return { kind: 'invalid', reason: 'This API token is not known to the archive.' };
    if (record.revokedAt) return { kind: 'invalid', reason: 'This API token was revoked.' };
    const at = now();
    if (record.expiresAt && record.expiresAt <= at) return { kind: 'invalid', reason: 'This API token has expired.' };
    const account = await repository.accountById(record.account);
    if (!account || account.disabled) return { kind: 'invalid', reason: 'The account of this API token is disabled.' };
    if (!record.lastUsedAt || at.getTime() - record.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      repository.touchToken(record._id, at).catch((error: unknown) => logger.warn('Could not record when an API token was last used', error));
    }
    // A role lowered since the token was made lowers the token too.
    const role = rankOf(record.role as Role) <= rankOf(account.role as Role) ? (record.role as Role) : (account.role as Role);
    return { kind: 'account', role, account: identity(account), via: 'token', token: { id: String(record._id), name: record.name } };
  }

  /** The principal of a signed-in session, or anonymous when the account is gone, disabled or changed its password since. */
  async function principalForSession(accountId: string, signedInAt: number): Promise<Principal | undefined> {
    const account = await repository.accountById(accountId);
    if (!account || account.disabled) return undefined;
    if (account.passwordChangedAt && account.passwordChangedAt.getTime() > signedInAt) return undefined;
    return { kind: 'account', role: account.role as Role, account: identity(account), via: 'session' };
  }

  async function revokeToken(tokenId: string, by: { accountId: string; admin: boolean }): Promise<ApiTokenRecord> {
    const record = await repository.tokenById(tokenId);
    if (!record || (!by.admin && String(record.account) !== by.accountId)) throw new NotFoundError('No such token.');
    await repository.revokeToken(record._id, now());
    return record;
  }

  /** For the CLI: the one token starting with this prefix (or this whole token). */
  async function revokeByPrefix(prefixOrToken: string): Promise<ApiTokenRecord> {
    const whole = await repository.tokenByHash(sha256Hex(prefixOrToken));
    const matches = whole ? [whole] : (await repository.tokensByPrefix(tokenPrefix(prefixOrToken))).filter((token) => prefixOrToken.length >= 6 && token.prefix.startsWith(prefixOrToken.slice(0, token.prefix.length)));
    if (matches.length === 0) throw new NotFoundError(`No token starts with ${prefixOrToken}.`);
    if (matches.length > 1) throw new ConflictError(`${matches.length} tokens start with ${prefixOrToken}: give the whole token.`);
    await repository.revokeToken(matches[0]!._id, now());
    return matches[0]!;
  }

  async function setPassword(accountId: string | mongoose.Types.ObjectId, password: string): Promise<void> {
    passwordOrThrow(password);
    await repository.updateAccount((await accountOrThrow(accountId))._id, { passwordHash: await hashPassword(password), passwordChangedAt: now() });
  }

  async function changePassword(accountId: string, currentPassword: string, newPassword: string): Promise<void> {
    const account = await accountOrThrow(accountId);
    if (!account.passwordHash || !(await verifyPassword(account.passwordHash, currentPassword))) {
      throw new BadRequestError('The current password is not right.', { code: 'wrong_password', details: { field: 'currentPassword' } });
    }
    await setPassword(account._id, newPassword);
  }

  async function setRole(accountId: string, role: Role): Promise<AccountRecord> {
    const account = await accountOrThrow(accountId);
    const updated = (await repository.updateAccount(account._id, { role }))!;
    await repository.lowerTokenRoles(account._id, ROLES.filter((candidate) => roleAtLeast(role, candidate)), role);
    return updated;
  }

  async function setDisabled(accountId: string, disabled: boolean): Promise<AccountRecord> {
    const account = await accountOrThrow(accountId);
    return (await repository.updateAccount(account._id, { disabled }))!;
  }

  async function disableByEmail(email: string): Promise<AccountRecord> {
    const account = await repository.accountByEmail(email);
    if (!account) throw new NotFoundError(`No account for ${email}.`);
    return (await repository.updateAccount(account._id, { disabled: true }))!;
  }

  /** A one-time secret for /reset/<secret>, valid for a day; only its hash is stored. */
  async function createResetLink(accountId: string): Promise<{ secret: string; account: AccountRecord; expiresAt: Date }> {
    const account = await accountOrThrow(accountId);
    const secret = newResetSecret();
    const expiresAt = new Date(now().getTime() + RESET_LINK_LIFETIME_MS);
    await repository.insertReset({ account: account._id, hash: sha256Hex(secret), expiresAt });
    return { secret, account, expiresAt };
  }

  async function resetAccountOf(secret: string): Promise<AccountRecord | undefined> {
    const reset = await repository.findUsableReset(sha256Hex(secret), now());
    return reset ? ((await repository.accountById(reset.account)) ?? undefined) : undefined;
  }

  async function resetPassword(secret: string, newPassword: string): Promise<AccountRecord> {
    passwordOrThrow(newPassword);
    const reset = await repository.consumeReset(sha256Hex(secret), now());
    if (!reset) throw new NotFoundError('This reset link was already used or has expired. Ask an admin for a new one.', { code: 'reset_link_invalid' });
    await setPassword(reset.account, newPassword);
    return accountOrThrow(reset.account);
  }

  return {
    createAccount,
    signIn,
    issueToken,
    principalForToken,
    principalForSession,
    revokeToken,
    revokeByPrefix,
    setPassword,
    changePassword,
    setRole,
    setDisabled,
    disableByEmail,
    createResetLink,
    resetAccountOf,
    resetPassword,
    hasAccounts: async () => (await repository.countAccounts()) > 0,
    list: () => repository.listAccounts(),
    byEmail: (email: string) => repository.accountByEmail(email),
    byId: (id: string) => repository.accountById(id),
    tokensOf: async (accountId: string) => repository.tokensOf((await accountOrThrow(accountId))._id),
    recordSignIn: (event: { email: string; account?: mongoose.Types.ObjectId; ip?: string; outcome: string }) => repository.recordSignIn({ ...event, at: now() }),
    recentSignIns: (limit = 50) => repository.recentSignIns(limit),
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
