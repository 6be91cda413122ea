// Who is asking: nobody, an account through its session, an account through one of its API tokens,
// or a bearer token that is not (or no longer) valid. Set on each request by authentication.ts.
import type { Request } from 'express';
import { UnauthorizedError } from '../shared/errors';
import type { Role } from './roles';

export interface AccountIdentity {
  id: string;
  email: string;
  /** Display name at the time of the request. */
  name: string;
}

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'account'; role: Role; account: AccountIdentity; via: 'session' }
  | { kind: 'account'; role: Role; account: AccountIdentity; via: 'token'; token: { id: string; name: string } }
  /** A bearer token was sent but cannot be used; `reason` says why (revoked, expired, unknown). */
  | { kind: 'invalid'; reason: string };

/**
 * The author of a change, as every history entry records it: an authenticated account (through a
 * session or a named token), or a script run on the server itself (no account: the demo seed).
 */
export type Actor =
  | { accountId: string; email: string; name: string; via: 'session' | 'token'; tokenName?: string }
  | { accountId?: undefined; email?: undefined; name: string; via: 'script'; tokenName?: undefined };

/** For a command run on the server (it has the data folder, so it is trusted as the archive itself). */
export function scriptActor(name: string): Actor {
  return { name, via: 'script' };
}

const ANONYMOUS: Principal = { kind: 'anonymous' };

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function principalOf(req: Request): Principal {
  return req.principal ?? ANONYMOUS;
}

export function actorOfPrincipal(principal: Principal): Actor | undefined {
  if (principal.kind !== 'account') return undefined;
  return {
    accountId: principal.account.id,
    email: principal.account.email,
    name: principal.account.name,
    via: principal.via,
    tokenName: principal.via === 'token' ? principal.token.name : undefined,
  };
}

/**
 * The account making a change. The authorization middleware has already refused anonymous writes,
 * so this throwing is a route missing from the matrix, not a user's mistake.
 */
export function actorOf(req: Request): Actor {
  const actor = actorOfPrincipal(principalOf(req));
  if (!actor) throw new UnauthorizedError('Sign in (or send an API token) to make changes.');
  return actor;
}

export function roleOf(principal: Principal): Role | 'anonymous' {
  return principal.kind === 'account' ? principal.role : 'anonymous';
}
