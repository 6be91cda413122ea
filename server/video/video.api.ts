// The video JSON API and the contact-sheet frames. Routes are thin: one service call each.
import { Router } from 'express';
import mongoose from 'mongoose';
import type { BlobStore } from '../blobs/blob-store';
import { blobRoute } from '../blobs/serve';
import { can } from '../accounts/authorization';
import { principalOf } from '../accounts/principal';
import { NotFoundError } from '../shared/errors';
import { timeParam } from './timecode';
import type { VideoService } from './video.service';

function objectId(id: string, what: string): mongoose.Types.ObjectId {
  if (!/^[a-f0-9]{24}$/i.test(id)) throw new NotFoundError(`No ${what} with this id is in the archive.`);
  return new mongoose.Types.ObjectId(id);
}

export function createVideoApiRouter({ video, blobs }: { video: VideoService; blobs: BlobStore }): Router {
  const router = Router();

  router.get('/api/videos/:id', async (req, res) => {
    const { playUrl, ...answer } = await video.videoOf(objectId(req.params.id, 'video'));
    // The original file's address only for roles that may fetch it, as in an image's JSON.
    const original = can(principalOf(req), 'seeOriginals') ? { playUrl } : {};
    res.json({ ...answer, ...original, links: { image: `/api/images/${answer.id}`, page: `/images/${answer.id}` } });
  });

  /** The held videos a still is a frame of: "frame at 00:12.4 of video …". */
  router.get('/api/images/:id/video-sources', async (req, res) => {
    const id = objectId(req.params.id, 'image');
    const sources = await video.sourcesOfImage(id);
    res.json({ imageId: String(id), sources: sources.map(({ imageId: _still, ...source }) => ({ ...source, t: Number(timeParam(source.t)) })) });
  });

  router.get('/media/video-frames/:name', blobRoute(blobs, 'video-frames', 'public, max-age=31536000, immutable'));

  return router;
}
