// Random secrets given out once (API tokens, password-reset links) and the hash stored instead.
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'pa_';
/** "pa_" and the first 8 characters: enough to tell a person's tokens apart, far too few to guess one. */
export const TOKEN_PREFIX_LENGTH = TOKEN_PREFIX.length + 8;

/** 32 random bytes, base64url, marked so a leaked token can be recognised by secret scanners. */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function newResetSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function tokenPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX_LENGTH);
}
