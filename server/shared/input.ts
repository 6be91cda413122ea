// Building blocks of the input schemas (zod): each field's shape, limit and message is written once
// and serves both to parse requests (parseInput) and to describe them in the OpenAPI document
// (jsonSchemaOf). Messages name the field, because they are shown to people as they are.
import { z } from 'zod';
import { BadRequestError } from './errors';

const MAX_TEXT = 4000;
const MAX_URL = 2048;

// Control characters other than tab/newline have no place in a caption and can hide text.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Text, cleaned of control characters and trimmed; blank becomes undefined. Not a list, not an object. */
export function text(name: string, maxLength = MAX_TEXT) {
  return z
    .string({ error: `The field "${name}" must be text.` })
    .overwrite((value) => value.replace(CONTROL_CHARACTERS, '').trim())
    .max(maxLength, { error: (issue) => `The field "${name}" is ${String(issue.input).length} characters long; the limit is ${maxLength}.` })
    .transform((value) => (value === '' ? undefined : value));
}

/** An absolute http(s) URL, normalised by the URL parser. */
export function webAddress(name: string) {
  const message = `The field "${name}" must be a web address starting with http:// or https://.`;
  return z
    .string({ error: `The field "${name}" must be text.` })
    .overwrite((value) => value.replace(CONTROL_CHARACTERS, '').trim())
    .max(MAX_URL, { error: `The field "${name}" is longer than ${MAX_URL} characters.` })
    .transform((value, context) => {
      if (value === '') return undefined;
      try {
        const url = new URL(value);
        if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
      } catch {
        // reported below
      }
      context.addIssue({ code: 'custom', message });
      return z.NEVER;
    })
    .meta({ format: 'uri' });
}

/** A date such as 2025-02-07 or 2025-02-07T14:37:00Z. */
export function dateText(name: string) {
  return z
    .string({ error: `The field "${name}" must be text.` })
    .overwrite((value) => value.trim())
    .max(64, { error: `The field "${name}" must be a date such as 2025-02-07 or 2025-02-07T14:37:00Z.` })
    .transform((value, context) => {
      if (value === '') return undefined;
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) {
        context.addIssue({ code: 'custom', message: `The field "${name}" must be a date such as 2025-02-07 or 2025-02-07T14:37:00Z.` });
        return z.NEVER;
      }
      return date;
    })
    .meta({ format: 'date-time' });
}

/** A 24-hex-digit record id. */
export function recordId(name: string, message = `The field "${name}" must be the id of a record (24 hexadecimal digits).`) {
  return z.string({ error: message }).regex(/^[0-9a-f]{24}$/i, { error: message });
}

/** Parses a request's input with its schema; the first problem becomes a 400 that names the field. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
  throw new BadRequestError(issue.message, field ? { details: { field } } : {});
}

/** The JSON Schema of what a client sends (the schema's input side), for the OpenAPI document. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return jsonSchema;
}
