// Password hashing (argon2id through @node-rs/argon2) and the password policy.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 256;
/** Algorithm.Argon2id; the package declares it as a const enum, which isolated modules cannot read. */
const ARGON2ID = 2;

/**
 * Passwords long enough to pass the length rule that are still among the first tried by anyone
 * guessing (from published breach top lists), compared case-insensitively.
 */
const COMMON_PASSWORDS = new Set([
  '123456789012', '1234567890123', '12345678901234', 'qwertyuiopasdf', 'qwertyuiop123', '1q2w3e4r5t6y',
  'password1234', 'password12345', 'passwordpassword', 'iloveyou1234', 'letmein12345', 'welcome12345',
  'administrator', 'adminadmin123', 'changeme1234', 'football1234', 'baseball1234', 'sunshine1234',
  'princess1234', 'trustno1trustno1', 'abcdefghijkl', 'abc123abc123', 'qazwsxedcrfv', '1qaz2wsx3edc',
  'correcthorsebatterystaple', 'newspassword', 'journalist123', 'editor123456', 'verifier1234',
  'aaaaaaaaaaaa', '111111111111', '000000000000', 'passw0rd1234', 'p@ssw0rd1234', 'superman1234',
]);

/** Why a new password is refused, or undefined when it may be used. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  const folded = password.toLowerCase();
  if (COMMON_PASSWORDS.has(folded) || /^(.)\1+$/.test(password)) return 'This password is one of the first an attacker would try: choose another.';
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * Verifies against a hash of a random password, so a sign-in for an unknown email costs as long as
 * one for a known email and timing does not tell which accounts exist. Made once per service.
 */
export function createDummyVerifier(): (password: string) => Promise<void> {
  let dummy: Promise<string> | undefined;
  return async (password: string) => {
    dummy ??= hashPassword(randomBytes(18).toString('base64'));
    await verifyPassword(await dummy, password);
  };
}
