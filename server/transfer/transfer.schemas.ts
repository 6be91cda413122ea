// The inputs of the transfer API, declared once: parsed with parseInput and described in the
// OpenAPI document with jsonSchemaOf (server/shared/input.ts).
import { z } from 'zod';

/** How many hashes one known-hashes request may ask about (the import tool sends batches of this size). */
export const MAX_KNOWN_HASHES = 1000;

const HASHES_MESSAGE = `The field "hashes" must list 1 to ${MAX_KNOWN_HASHES} SHA-256 hashes, each 64 hexadecimal characters.`;

export const knownHashesSchema = z.strictObject(
  {
    hashes: z
      .array(z.string({ error: HASHES_MESSAGE }).regex(/^[a-fA-F0-9]{64}$/, { error: HASHES_MESSAGE }), { error: HASHES_MESSAGE })
      .min(1, { error: HASHES_MESSAGE })
      .max(MAX_KNOWN_HASHES, { error: `At most ${MAX_KNOWN_HASHES} hashes per request: send the rest in another.` }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unknown field(s): ${issue.keys.join(', ')}. Send only "hashes".` : HASHES_MESSAGE) },
);

export const downloadQuerySchema = z.strictObject(
  {
    embed: z.enum(['0', '1'], { error: 'The parameter "embed" must be 1 (credits written into the file) or 0 (the original).' }).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unknown parameter(s): ${issue.keys.join(', ')}. The download takes only "embed".` : 'The download address is not valid.') },
);
