// The accounts JSON API: who am I, my tokens (list, create, revoke), and the admin's lists.
import { Router } from 'express';
import type { ApiTokenRecord } from './accounts.repository';
import type { AccountsService } from './accounts.service';
import { newTokenSchema, parseInput } from './accounts.schemas';
import { principalOf, type Principal } from './principal';
import { tokenRoleFor } from './token-role';

function tokenJson(token: ApiTokenRecord) {
  return {
    id: String(token._id),
    name: token.name,
    prefix: token.prefix,
    role: token.role,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt ?? null,
    lastUsedAt: token.lastUsedAt ?? null,
    revokedAt: token.revokedAt ?? null,
  };
}

function accountOf(principal: Principal) {
  if (principal.kind !== 'account') throw new Error('the authorization matrix lets only accounts reach this route');
  return principal;
}

export function createAccountsApiRouter({ accounts }: { accounts: AccountsService }): Router {
  const router = Router();

  router.get('/api/account', (req, res) => {
    const principal = accountOf(principalOf(req));
    res.json({ ...principal.account, role: principal.role, via: principal.via, token: principal.via === 'token' ? principal.token : null });
  });

  router.get('/api/tokens', async (req, res) => {
    const principal = accountOf(principalOf(req));
    res.json({ items: (await accounts.tokensOf(principal.account.id)).map(tokenJson) });
  });

  router.post('/api/tokens', async (req, res) => {
    const principal = accountOf(principalOf(req));
    const input = parseInput(newTokenSchema, req.body);
    const issued = await accounts.issueToken(principal.account.id, { ...input, role: tokenRoleFor(principal, input.role) });
    res.status(201).json({ ...tokenJson(issued.record), token: issued.token });
  });

  router.delete('/api/tokens/:id', async (req, res) => {
    const principal = accountOf(principalOf(req));
    await accounts.revokeToken(req.params.id, { accountId: principal.account.id, admin: principal.role === 'admin' });
    res.status(204).end();
  });

  router.get('/api/admin/accounts', async (_req, res) => {
    const list = await accounts.list();
    res.json({ items: list.map((account) => ({ id: String(account._id), email: account.email, name: account.name, role: account.role, disabled: account.disabled, hasPassword: Boolean(account.passwordHash), createdAt: account.createdAt })) });
  });

  router.get('/api/admin/sign-ins', async (_req, res) => {
    const events = await accounts.recentSignIns(200);
    res.json({ items: events.map((event) => ({ at: event.at, email: event.email, accountId: event.account ? String(event.account) : null, ip: event.ip ?? null, outcome: event.outcome })) });
  });

  return router;
}
