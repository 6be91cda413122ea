// Building blocks of the input schemas (zod): each field's shape, limit and message is written once
// and serves both to parse requests (parseInput) and to describe them in the OpenAPI document
// (jsonSchemaOf). Messages name the field, because they are shown to people as they are.
import { z } from 'zod';
import { BadRequestError } from './errors';
import { normaliseText } from './text';

const MAX_TEXT = 4000;
const MAX_URL = 2048;

// Control characters other than tab/newline have no place in a caption and can hide text.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export interface TextOptions {
  /** Captions, notes and reasons may have several lines; everything else is one line (line breaks refused). */
  multiLine?: boolean;
  /** The message when the field is left out (for a required field). */
  missing?: string;
}

/**
 * Text as it looks (server/shared/text.ts: NFC, no bidirectional controls or invisible characters,
 * line breaks refused in one-line fields), trimmed; blank becomes undefined. Not a list, not an object.
 */
export function text(name: string, maxLength = MAX_TEXT, options: TextOptions = {}) {
  return z
    .string({ error: (issue) => (issue.input === undefined && options.missing ? options.missing : `The field "${name}" must be text.`) })
    .transform((value, context) => {
      const normalised = normaliseText(value, { singleLine: !options.multiLine });
      if (!normalised.ok) {
        context.addIssue({ code: 'custom', message: `The field "${name}" ${normalised.reason}.` });
        return z.NEVER;
      }
      return normalised.text.trim();
    })
    .pipe(z.string().max(maxLength, { error: (issue) => `The field "${name}" is ${String(issue.input).length} characters long; the limit is ${maxLength}.` }))
    .transform((value) => (value === '' ? undefined : value))
    .meta({ maxLength });
}

/**
 * The text as received of each field whose parsed form differs from it (normalised, not just
 * trimmed): the history keeps it, so what was typed or pasted can always be seen.
 */
export function receivedTexts(raw: unknown, parsed: Record<string, unknown>, fields: readonly string[]): Record<string, string> | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const received: Record<string, string> = {};
  for (const field of fields) {
    const value = (raw as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.trim() !== (parsed[field] ?? '')) received[field] = value;
  }
  return Object.keys(received).length > 0 ? received : undefined;
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
