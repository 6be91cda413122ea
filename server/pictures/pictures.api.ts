// The picture-group JSON API: an image's group, and an editor taking an image out of its group.
import { Router } from 'express';
import mongoose from 'mongoose';
import { actorOf } from '../accounts/principal';
import { NotFoundError, UnsupportedMediaTypeError } from '../shared/errors';
import { parseInput } from '../shared/input';
import { groupRemovalSchema } from './pictures.schemas';
import type { PicturesService } from './pictures.service';

function imageId(id: string): mongoose.Types.ObjectId {
  if (!/^[a-f0-9]{24}$/i.test(id)) throw new NotFoundError('No image with this id is in the archive.');
  return new mongoose.Types.ObjectId(id);
}

export function createPicturesApiRouter({ pictures }: { pictures: Pick<PicturesService, 'groupView' | 'removeFromGroup'> }): Router {
  const router = Router();

  router.get('/api/images/:id/group', async (req, res) => {
    res.json(await pictures.groupView(imageId(req.params.id)));
  });

  router.post('/api/images/:id/group/removal', async (req, res) => {
    if (!req.is('application/json')) throw new UnsupportedMediaTypeError('Send the reason as JSON (Content-Type: application/json).', { code: 'json_required' });
    const { reason } = parseInput(groupRemovalSchema, req.body);
    res.json(await pictures.removeFromGroup(imageId(req.params.id), actorOf(req), reason!));
  });

  return router;
}
