// The transfer JSON API: the import tool's known-hashes check and the two downloads.
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import type { OutgoingFile, TransferService } from './transfer.service';
import { parseInput } from '../shared/input';
import { downloadQuerySchema, knownHashesSchema } from './transfer.schemas';

export const C2PA_WARNING =
  'Writing metadata changes the bytes that the embedded Content Credentials (C2PA) manifest hashes, so its hash binding no longer validates. Download the plain original to keep the manifest valid.';

export function createTransferApiRouter({ transfer }: { transfer: TransferService }): Router {
  const router = Router();

  router.post('/api/images/known', async (req, res) => {
    const { hashes } = parseInput(knownHashesSchema, req.body ?? {});
    res.json({ known: await transfer.known(hashes) });
  });

  router.get('/api/images/:id/original', async (req, res) => {
    await send(res, await transfer.original(String(req.params.id)));
  });

  router.get('/api/images/:id/download', async (req, res) => {
    const { embed } = parseInput(downloadQuerySchema, req.query);
    const id = String(req.params.id);
    const file = embed === '1' ? await transfer.withCredits(id, (recordId) => recordUrl(req, recordId)) : await transfer.original(id);
    if (file.c2paInvalidated) {
      res.setHeader('X-Archive-C2PA-Warning', C2PA_WARNING);
      res.setHeader('Link', `</api/images/${id}/original>; rel="alternate"; title="the plain original, Content Credentials intact"`);
    }
    await send(res, file);
  });

  return router;
}

/** The image page's address as the client reached the archive (behind a proxy, its forwarded host). */
function recordUrl(req: Request, id: string): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/images/${id}`;
}

async function send(res: Response, file: OutgoingFile): Promise<void> {
  res.setHeader('X-Archive-SHA256', file.sha256);
  res.setHeader('X-Archive-Original-SHA256', file.originalSha256);
  res.setHeader('Cache-Control', 'private, no-store');
  res.attachment(file.fileName);
  res.type(file.mimeType);
  const { body } = file;
  try {
    if ('path' in body) {
      await new Promise<void>((resolve, reject) => res.sendFile(body.path, { lastModified: false, etag: false }, (error) => (error ? reject(error) : resolve())));
    } else {
      res.setHeader('Content-Length', String(body.size));
      await pipeline(await body.open(), res);
    }
  } finally {
    await file.release();
  }
}
