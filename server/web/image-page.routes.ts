// The image page and its edit form (POST, then redirect back: a reload never re-submits).
import { Router } from 'express';
import { requireCapability, touchesVerificationStatus } from '../accounts/authorization';
import { actorOf, principalOf } from '../accounts/principal';
import { NotFoundError } from '../shared/errors';
import { toAppError } from '../shared/error-handler';
import { readImagePatch } from '../images/images.service';
import { loadImagePage, type ImagePageDeps } from './image-page.page';

const FORM_FIELDS = ['caption', 'credit', 'supplierKind', 'sourceUrl', 'status', 'statusNote', 'evidenceUrl', 'reason'] as const;

/** The edit form's fields only: the actor and anything else a browser adds are not part of the patch. */
export function patchBodyOf(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(FORM_FIELDS.filter((name) => name in body).map((name) => [name, body[name]]));
}

export function createImagePageRouter(deps: ImagePageDeps): Router {
  const router = Router();

  // A malformed id in a page address is a page that does not exist, not a bad request.
  router.param('id', (_req, _res, next, id: string) => {
    next(/^[a-f0-9]{24}$/i.test(id) ? undefined : new NotFoundError('No image with this id is in the archive.'));
  });

  router.get('/images/:id', async (req, res) => {
    // ?t= opens a video at a frame (the links from a still's page and from lookups).
    const startAt = typeof req.query.t === 'string' && /^\d{1,5}(\.\d{1,3})?$/.test(req.query.t) ? Number(req.query.t) : undefined;
    const page = await loadImagePage(deps, req.params.id, principalOf(req), undefined, startAt);
    res.render('image.njk', { nav: 'gallery', title: page.image.caption || 'Image', saved: req.query.saved === '1', ...page });
  });

  router.post('/images/:id/edit', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const patch = readImagePatch(patchBodyOf(body));
      if (touchesVerificationStatus(patch)) requireCapability(principalOf(req), 'setVerificationStatus');
      await deps.images.update(req.params.id, patch, actorOf(req));
    } catch (rawError) {
      const error = toAppError(rawError);
      // A refused edit is shown beside the form with what was typed; anything else is a real failure.
      if (error.status !== 400 || !error.expose) throw rawError;
      const page = await loadImagePage(deps, req.params.id, principalOf(req), body);
      const field = typeof error.details?.field === 'string' ? error.details.field : undefined;
      res.status(400).render('image.njk', { nav: 'gallery', title: page.image.caption || 'Image', editError: { message: error.message, field }, ...page });
      return;
    }
    res.redirect(303, `/images/${encodeURIComponent(req.params.id)}?saved=1#edit`);
  });

  return router;
}
