// The roles, lowest first. Each role may do everything the roles before it may, so "at least
// editor" is one comparison; a token's role is never above its owner's.
import { z } from 'zod';

export const ROLES = ['viewer', 'editor', 'verifier', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

export function rankOf(role: Role): number {
  return ROLES.indexOf(role);
}

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return rankOf(role) >= rankOf(minimum);
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: 'reads everything: originals, exact GPS, the full history',
  editor: 'uploads, edits captions, credits and sources, records described images',
  verifier: 'what an editor may, plus setting the verification status',
  admin: 'manages accounts and tokens, sees the sign-in audit',
};
