// Who is making a change. The archive has no accounts yet, so the name is declared by the client
// (header X-Archive-User, or the form field "actor") and recorded as given; see README.
import type { Request } from 'express';
import { BadRequestError } from './errors';
import { normaliseText } from './text';

export function actorOf(req: Request): string {
  const declared = req.get('x-archive-user') ?? (typeof req.body?.actor === 'string' ? req.body.actor : undefined);
  if (declared === undefined) return 'anonymous';
  const normalised = normaliseText(declared, { singleLine: true });
  if (!normalised.ok) throw new BadRequestError(`The name of who makes the change ${normalised.reason}.`, { code: 'invalid_text', details: { field: 'actor' } });
  return normalised.text.trim().slice(0, 100) || 'anonymous';
}
