import { BadRequestError } from '../shared/errors';
import type { Principal } from './principal';
import { roleAtLeast, type Role } from './roles';

/**
 * The role of a token made by this principal: the one asked for, else the principal's own. Made
 * through a token, it can be no higher than that token (the service checks it against the account).
 */
export function tokenRoleFor(principal: Extract<Principal, { kind: 'account' }>, asked: Role | undefined): Role {
  const role = asked ?? principal.role;
  if (!roleAtLeast(principal.role, role)) {
    throw new BadRequestError(`A token's role cannot be above yours (${principal.role}).`, { code: 'token_role_too_high', details: { field: 'role' } });
  }
  return role;
}
