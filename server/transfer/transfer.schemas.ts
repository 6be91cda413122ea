// The inputs of the transfer API, declared once: parsed here and described in the OpenAPI document.
import { z } from 'zod';
import { BadRequestError } from '../shared/errors';

/** How many hashes one known-hashes request may ask about (the import tool sends batches of this size). */
export const MAX_KNOWN_HASHES = 1000;

export const knownHashesBody = z
  .object({
    hashes: z
      .array(z.string().regex(/^[a-fA-F0-9]{64}$/, 'each hash must be 64 hexadecimal characters (a SHA-256)'))
      .min(1, 'send at least one hash')
      .max(MAX_KNOWN_HASHES, `at most ${MAX_KNOWN_HASHES} hashes per request`),
  })
  .strict();

export const downloadQuery = z
  .object({
    embed: z.enum(['0', '1'], { message: 'embed must be 1 (credits written into the file) or 0 (the original)' }).optional(),
  })
  .strict();

/** Parses with a schema; the first problem becomes a 400 a person can read. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  throw new BadRequestError(`The ${what} is not valid${where}: ${issue.message}.`, { code: 'invalid_input', details: { field: issue.path.join('.') || undefined } });
}
