// Who is making a change. The archive has no accounts yet, so the name is declared by the client
// (header X-Archive-User, or the form field "actor") and recorded as given; see README.
import type { Request } from 'express';

export function actorOf(req: Request): string {
  const declared = req.get('x-archive-user') ?? (typeof req.body?.actor === 'string' ? req.body.actor : undefined);
  const cleaned = declared?.replace(/[\u0000-\u001F\u007F]/g, '').trim().slice(0, 100);
  return cleaned || 'anonymous';
}
