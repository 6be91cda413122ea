// One schema per input of the accounts capability, for parsing and for the API document.
import { z } from 'zod';
import { BadRequestError } from '../shared/errors';
import { roleSchema } from './roles';

const email = z
  .string({ error: 'is required' })
  .trim()
  .toLowerCase()
  .max(254, 'is too long')
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');

const displayName = z
  .string()
  .transform((value) => value.replace(/[\u0000-\u001F\u007F]/g, '').trim())
  .pipe(z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'));

export const signInSchema = z.object({
  email: z.string({ error: 'is required' }).trim().toLowerCase().max(254, 'is too long'),
  password: z.string({ error: 'is required' }).max(1024, 'is too long'),
  next: z.string().optional(),
});

export const newAccountSchema = z.object({
  email,
  name: displayName.optional(),
  role: roleSchema,
  password: z.string().optional(),
});

export const newTokenSchema = z.object({
  name: displayName,
  role: roleSchema.optional(),
  /** Days until the token stops working; none: until revoked. */
  expiresInDays: z.coerce.number({ error: 'must be a number of days' }).int('must be a whole number of days').min(1, 'must be at least 1').max(3650, 'must be at most 3650').optional(),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string({ error: 'is required' }).max(1024),
  newPassword: z.string({ error: 'is required' }).max(1024),
});

export const resetPasswordSchema = z.object({
  newPassword: z.string({ error: 'is required' }).max(1024),
});

export const accountChangeSchema = z.object({
  role: roleSchema.optional(),
  disabled: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
});

/** Parses an input, turning the first problem into a 400 naming the field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  throw new BadRequestError(field ? `${field} ${issue.message}.` : `${issue.message}.`, { code: 'invalid_input', details: { field } });
}

/** Empty form fields mean "not given". */
export function withoutEmptyFields(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([, value]) => value !== ''));
}
