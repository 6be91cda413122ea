// The video JSON API and the contact-sheet frames. Routes are thin: one service call each.
import path from 'node:path';
import { Router } from 'express';
import mongoose from 'mongoose';
import { ImageModel, type ImageRecord } from '../images/image.model';
import { fileExists, isStoredFileName } from '../images/storage';
import { BadRequestError, NotFoundError } from '../shared/errors';
import { formatTimecode, timeParam } from './timecode';
import { isVideoFormat } from './video-format';
import type { VideoService } from './video.service';

function objectId(id: string): mongoose.Types.ObjectId {
  if (!/^[a-f0-9]{24}$/i.test(id)) throw new NotFoundError('No video with this id is in the archive.');
  return new mongoose.Types.ObjectId(id);
}

/** What the API adds to a video's image JSON: its facts, contact sheet and the stills held from it. */
export async function videoJson(video: Pick<VideoService, 'detailsOf' | 'stillsOf'>, image: Pick<ImageRecord, '_id' | 'file' | 'originalFile'>) {
  if (!isVideoFormat(image.file?.format)) return undefined;
  const [details, stills] = await Promise.all([video.detailsOf(image._id), video.stillsOf(image._id)]);
  if (!details) return undefined;
  return {
    facts: details.facts,
    posterAt: details.posterAt,
    framesHashed: details.sampledFrames,
    keyframes: details.keyframes.map((keyframe) => ({
      t: keyframe.t,
      timecode: formatTimecode(keyframe.t),
      scene: keyframe.scene,
      url: `/media/video-frames/${keyframe.file}`,
      width: keyframe.width,
      height: keyframe.height,
    })),
    playUrl: `/media/originals/${image.originalFile}`,
    stills,
  };
}

export function createVideoApiRouter({ video }: { video: VideoService }): Router {
  const router = Router();

  router.get('/api/videos/:id', async (req, res) => {
    const image = await ImageModel.findById(objectId(req.params.id), { file: 1, originalFile: 1, declared: 1, createdAt: 1 }).lean<ImageRecord>();
    const json = image ? await videoJson(video, image) : undefined;
    if (!image || !json) throw new NotFoundError('No video with this id is in the archive.');
    res.json({ id: String(image._id), credit: image.declared?.credit ?? null, caption: image.declared?.caption ?? null, createdAt: image.createdAt, ...json, links: { image: `/api/images/${String(image._id)}`, page: `/images/${String(image._id)}` } });
  });

  /** The held videos a still is a frame of: "frame at 00:12.4 of video …". */
  router.get('/api/images/:id/video-sources', async (req, res) => {
    const id = objectId(req.params.id);
    if (!(await ImageModel.exists({ _id: id }))) throw new NotFoundError('No image with this id is in the archive.');
    const sources = await video.sourcesOf(id);
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
