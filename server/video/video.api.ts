// The video JSON API and the contact-sheet frames. Routes are thin: one service call each.
import path from 'node:path';
import { Router } from 'express';
import mongoose from 'mongoose';
import { fileExists, isStoredFileName } from '../images/storage';
import { BadRequestError, NotFoundError } from '../shared/errors';
import { timeParam } from './timecode';
import type { VideoService } from './video.service';

function objectId(id: string, what: string): mongoose.Types.ObjectId {
  if (!/^[a-f0-9]{24}$/i.test(id)) throw new NotFoundError(`No ${what} with this id is in the archive.`);
  return new mongoose.Types.ObjectId(id);
}

export function createVideoApiRouter({ video }: { video: VideoService }): Router {
  const router = Router();

  router.get('/api/videos/:id', async (req, res) => {
    const answer = await video.videoOf(objectId(req.params.id, 'video'));
    res.json({ ...answer, links: { image: `/api/images/${answer.id}`, page: `/images/${answer.id}` } });
  });

  /** The held videos a still is a frame of: "frame at 00:12.4 of video …". */
  router.get('/api/images/:id/video-sources', async (req, res) => {
    const id = objectId(req.params.id, 'image');
    const sources = await video.sourcesOfImage(id);
    res.json({ imageId: String(id), sources: sources.map(({ imageId: _still, ...source }) => ({ ...source, t: Number(timeParam(source.t)) })) });
  });

  router.get('/media/video-frames/:name', async (req, res) => {
    const name = String(req.params.name);
    if (!isStoredFileName(name)) throw new BadRequestError('This is not a file name the archive gives out.', { code: 'invalid_file_name' });
    const filePath = path.join(video.keyframesFolder, name);
    if (!(await fileExists(filePath))) throw new NotFoundError('No such file in the archive.');
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type('image/webp');
    await new Promise<void>((resolve, reject) => res.sendFile(filePath, { lastModified: true }, (error) => (error ? reject(error) : resolve())));
  });

  return router;
}
