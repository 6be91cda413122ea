// Videos in the archive: an uploaded video becomes an image record (its poster frame is its picture,
// so the gallery, uses, credits and history work unchanged) plus the video's own details, a contact
// sheet of keyframes, and a perceptual hash for every sampled frame; a still that matches a frame is
// linked to the video with its timecode.
//
// Crash safety follows the images' order: files (original, poster derivatives, keyframes) are put in
// place first, then the metadata, history, frame hashes and video details, and the image record last;
// the start-up repair (repairVideos) removes whatever a crash left without its record.
import { createHash, randomUUID } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Actor } from '../accounts/principal';
import mongoose from 'mongoose';
import type { LimitFunction } from 'p-limit';
import sharp from 'sharp';
import type { DeclaredUpload } from '../images/declared';
import { keywordsOf } from '../images/declared';
import type { ImageRecord } from '../images/image.model';
import type { ImagesRepository } from '../images/images.repository';
import { makeDerivatives, type Derivatives } from '../images/media';
import { originalFileName, removeQuietly, type UploadPaths } from '../images/storage';
import { blobKey, blobName, type BlobStore } from '../blobs/blob-store';
import { derivativesInto, putContentAddressed } from '../blobs/blobs';
import type { HashedUpload } from '../images/upload';
import type { Finding } from '../provenance/findings.types';
import type { HistoryService } from '../provenance/history.service';
import { perceptualHash } from '../provenance/phash';
import type { ImageProvenance } from '../images/image-provenance';
import type { FrameLinkView, VideoLookupResult } from '../images/video-port';
import type { PicturesService } from '../pictures/pictures.service';
import { ConflictError, NotFoundError, PayloadTooLargeError, UnprocessableError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { FfmpegBinaries } from './ffmpeg';
import { createFrameIndex, type FrameMatch } from './frame-index';
import { extractFrame, sampleFrames, sampleSize, type SampledFrame } from './frames';
import { probeVideo } from './probe';
import { formatTimecode, timeParam } from './timecode';
import { isVideoFormat, sniffVideoFormatFromBytes, videoFormatName, videoMimeType, type VideoFormat } from '../files/video-format';
import { normaliseVideoMetadata, videoFactsFrom, type FfprobeOutput, type VideoFacts } from './video-metadata';
import type { FrameHash, Keyframe, StillLink, VideoDetails, VideoRepository } from './video.repository';

type ObjectId = mongoose.Types.ObjectId;

/** Hashes are taken at least this often: a still is then never more than a quarter second from a hashed frame. */
export const FRAME_INTERVAL_SECONDS = 0.5;
/** FFmpeg scene score above which a frame counts as a cut (0.3 is the usual choice for hard cuts). */
export const SCENE_THRESHOLD = 0.3;
/** The contact sheet shows a frame at every cut and at least one every this many seconds… */
const KEYFRAME_MIN_SECONDS = 2;
/** …but never more than this many frames (long videos space them out). */
const MAX_KEYFRAMES = 240;
/** Long side of sampled frames: enough for the hash (32 px) and for a contact-sheet tile. */
const SAMPLE_LONG_SIDE = 320;
/** Long side of the poster frame taken from the video (the display derivative is 1600). */
const POSTER_LONG_SIDE = 1600;

export interface VideoLimits {
  maxSeconds: number;
  maxPixels: number;
}

export interface VideoServiceDeps {
  binaries: FfmpegBinaries;
  /** The instance's own folders (tmp/ for the poster's working file). */
  paths: UploadPaths;
  /** Where the original, the poster's derivatives and the contact sheet's frames go. */
  blobs: BlobStore;
  limits: VideoLimits;
  repository: VideoRepository;
  /** The image records (a video is one, with its poster as its picture). */
  images: ImagesRepository;
  provenance: ImageProvenance;
  history: HistoryService;
  logger: Logger;
  /** Bounds how many videos are decoded at once (each FFmpeg pass already uses every core). */
  videoWork: LimitFunction;
  declaredRecord: (fields: DeclaredUpload['fields']) => Record<string, unknown>;
  /**
   * How many writes of other app instances the images' write generation has seen (the shared
   * signal): when it moves, the frame index takes in the videos another instance stored.
   */
  remoteWrites?: () => number;
  /** Picture groups (server/pictures): a still and the video it is a frame of join one group. */
  pictures?: Pick<PicturesService, 'stillOfVideo'>;
}

/** How far back a sync looks: ObjectId times come from each instance's clock. */
const FRAME_SYNC_OVERLAP_MS = 60_000;

interface VideoAnalysis {
  format: VideoFormat;
  facts: VideoFacts;
  probe: FfprobeOutput;
  frames: FrameHash[];
  keyframes: Keyframe[];
  posterAt: number;
  poster: Derivatives;
  posterHash: string;
}

async function readHead(filePath: string, bytes = 64): Promise<Uint8Array> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function storeKeyframe(blobs: BlobStore, frame: SampledFrame): Promise<Keyframe> {
  const { data, info } = await sharp(frame.rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .webp({ quality: 72, effort: 2 })
    .toBuffer({ resolveWithObject: true });
  const sha256 = createHash('sha256').update(data).digest('hex');
  const file = `${sha256}.webp`;
  const key = blobKey('video-frames', file);
  if (!(await blobs.exists(key))) await blobs.put(key, data, sha256);
  return { t: frame.t, file, width: info.width, height: info.height, scene: frame.scene > SCENE_THRESHOLD };
}

export function createVideoService(deps: VideoServiceDeps) {
  const { binaries, paths, blobs, limits, repository, images, provenance, history, logger } = deps;
  const frameIndex = createFrameIndex();
  /** Videos whose frames are in the index, and when the index last looked for others' videos. */
  const indexedVideos = new Set<string>();
  const remoteWrites = deps.remoteWrites ?? (() => 0);
  let remoteAtSync = remoteWrites();
  let lastSync = new Date();

  function indexFrames(videoId: string, frames: Iterable<FrameHash>): void {
    indexedVideos.add(videoId);
    for (const frame of frames) frameIndex.add(videoId, frame.t, frame.phash);
  }

  /** Takes in the frames of videos another instance stored, when the shared signal says it wrote. */
  async function syncFrameIndex(): Promise<void> {
    if (remoteWrites() === remoteAtSync) return;
    remoteAtSync = remoteWrites();
    const since = new Date(lastSync.getTime() - FRAME_SYNC_OVERLAP_MS);
    lastSync = new Date();
    for (const videoId of await repository.videosSince(since)) {
      if (!indexedVideos.has(String(videoId))) indexFrames(String(videoId), await repository.framesOf(videoId));
    }
  }

  async function recognise(filePath: string): Promise<VideoFormat | null> {
    return sniffVideoFormatFromBytes(await readHead(filePath));
  }

  /** Probe and the limits that need no decoding: refusals here cost milliseconds. */
  async function probe(filePath: string, format: VideoFormat): Promise<{ probe: FfprobeOutput; facts: VideoFacts }> {
    const output = await probeVideo(binaries, filePath, format);
    const facts = videoFactsFrom(output);
    if (!facts) throw new UnprocessableError(`This ${videoFormatName(format)} file has no video track the archive can read.`, { code: 'no_video_track' });
    if (facts.durationSeconds > limits.maxSeconds) {
      throw new PayloadTooLargeError(`The video is ${Math.round(facts.durationSeconds)} s long; the limit is ${limits.maxSeconds} s.`, {
        code: 'video_too_long',
        details: { durationSeconds: facts.durationSeconds, maxSeconds: limits.maxSeconds },
      });
    }
    if (facts.width * facts.height > limits.maxPixels) {
      throw new PayloadTooLargeError(`The video's frames are ${facts.width} × ${facts.height} pixels, more than the archive's pixel limit.`, { code: 'too_many_pixels' });
    }
    return { probe: output, facts };
  }

  /** Decodes the video once: frame hashes, and (with a store) the contact sheet's keyframes. */
  async function sample(filePath: string, format: VideoFormat, facts: VideoFacts, keyframesTo?: BlobStore, written?: string[]) {
    const frames: FrameHash[] = [];
    const keyframes: Keyframe[] = [];
    const keyframeSpacing = Math.max(KEYFRAME_MIN_SECONDS, facts.durationSeconds / MAX_KEYFRAMES);
    let lastKeyframe = -Infinity;
    const size = sampleSize(facts.width, facts.height, SAMPLE_LONG_SIDE);
    await sampleFrames(binaries, filePath, format, facts.durationSeconds, { intervalSeconds: FRAME_INTERVAL_SECONDS, sceneThreshold: SCENE_THRESHOLD, ...size }, async (frame) => {
      // The same hashing function as an uploaded image, on the frame as displayed.
      const phash = await perceptualHash(sharp(frame.rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } }));
      frames.push({ t: Math.round(frame.t * 1000) / 1000, phash });
      const cut = frame.scene > SCENE_THRESHOLD && frame.t - lastKeyframe >= FRAME_INTERVAL_SECONDS / 2;
      // "At least every keyframeSpacing": take this frame when waiting for the next sample would overshoot.
      if (keyframesTo && keyframes.length < MAX_KEYFRAMES && (cut || frame.t - lastKeyframe > keyframeSpacing - FRAME_INTERVAL_SECONDS)) {
        const keyframe = await storeKeyframe(keyframesTo, frame);
        written?.push(blobKey('video-frames', keyframe.file));
        keyframes.push(keyframe);
        lastKeyframe = frame.t;
      }
    });
    const last = frames.at(-1)?.t;
    // A file cut short still has its headers (moov first) but no pictures past the cut: refuse it
    // rather than keep a record whose duration is a claim the file cannot back.
    const slack = Math.max(2, 0.02 * facts.durationSeconds);
    if (last === undefined || last + FRAME_INTERVAL_SECONDS + slack < facts.durationSeconds) {
      throw new UnprocessableError(
        `The video stops at ${formatTimecode(last ?? 0)} although it says it lasts ${formatTimecode(facts.durationSeconds)}: the file is truncated or damaged.`,
        { code: 'truncated_video', details: { decodedUntil: last ?? 0, durationSeconds: facts.durationSeconds } },
      );
    }
    return { frames, keyframes };
  }

  /** The poster frame (a tenth into the video, at most 10 s) as the record's derivatives and hash. */
  async function poster(filePath: string, format: VideoFormat, facts: VideoFacts, written?: string[]) {
    const posterAt = Math.min(10, facts.durationSeconds / 10);
    const png = await extractFrame(binaries, filePath, format, posterAt, POSTER_LONG_SIDE);
    if (png.length === 0) throw new UnprocessableError('No picture could be decoded from the video.', { code: 'undecodable_video' });
    const temp = path.join(paths.tmp, `${randomUUID()}.poster.png`);
    try {
      await writeFile(temp, png, { flag: 'wx' });
      const derivatives = await makeDerivatives(temp, 'png', derivativesInto(blobs), { maxPixels: limits.maxPixels });
      written?.push(blobKey('derivatives', derivatives.thumbnail.file), blobKey('derivatives', derivatives.display.file));
      const posterHash = await perceptualHash(sharp(png));
      return { posterAt, derivatives, posterHash };
    } finally {
      await removeQuietly(temp);
    }
  }

  /** `written` collects every file put in place, so a refusal halfway can take them away again. */
  async function analyse(filePath: string, format: VideoFormat, written: string[]): Promise<VideoAnalysis> {
    const { probe: output, facts } = await probe(filePath, format);
    const { posterAt, derivatives, posterHash } = await poster(filePath, format, facts, written);
    const { frames, keyframes } = await sample(filePath, format, facts, blobs, written);
    return { format, facts, probe: output, frames, keyframes, posterAt, poster: derivatives, posterHash };
  }

  /** Held stills whose picture matches a frame: the closest frame for each still. */
  async function stillsMatching(frames: FrameHash[], excludeId?: ObjectId): Promise<Array<{ image: string; t: number; distance: number }>> {
    const best = new Map<string, { image: string; t: number; distance: number }>();
    for (const frame of frames) {
      for (const match of await provenance.nearImages(frame.phash)) {
        if (match.id === String(excludeId)) continue;
        const known = best.get(match.id);
        if (!known || match.distance < known.distance) best.set(match.id, { image: match.id, t: frame.t, distance: match.distance });
      }
    }
    return [...best.values()].sort((a, b) => a.t - b.t);
  }

  async function storeNew(
    upload: HashedUpload,
    declared: DeclaredUpload,
    actor: Actor,
    format: VideoFormat,
    addUse: (image: ImageRecord) => Promise<ImageRecord>,
  ): Promise<{ outcome: 'created' | 'existing'; image: ImageRecord }> {
    const written: string[] = [];
    let analysis: VideoAnalysis;
    try {
      analysis = await deps.videoWork(() => analyse(upload.path, format, written));
    } catch (error) {
      await removeUnreferenced(written);
      throw error;
    }
    const originalFile = originalFileName(upload.sha256, format);
    const originalKey = blobKey('originals', originalFile);
    try {
      await putContentAddressed(blobs, originalKey, upload, written);
    } catch (error) {
      await removeUnreferenced(written);
      throw error;
    }

    const imageId = new mongoose.Types.ObjectId();
    const fields = declared.fields;
    const embedded = normaliseVideoMetadata(analysis.probe);
    try {
      await images.createMetadata(imageId, { raw: { readers: [{ reader: 'ffprobe', reason: 'video' }], warnings: [], ffprobe: analysis.probe }, embeddedThumbnail: undefined });
      await history.append(imageId, {
        type: 'created',
        actor,
        changes: Object.entries({ ...fields, sha256: upload.sha256 })
          .filter(([, value]) => value !== undefined)
          .map(([field, value]) => ({ field, from: null, to: value })),
      });
      await repository.insertFrames(imageId, analysis.frames);
      await repository.insertDetails({
        image: imageId,
        facts: analysis.facts,
        keyframes: analysis.keyframes,
        posterAt: analysis.posterAt,
        sampledFrames: analysis.frames.length,
        sampling: { intervalSeconds: FRAME_INTERVAL_SECONDS, sceneThreshold: SCENE_THRESHOLD },
      });
      await images.create({
        _id: imageId,
        sha256: upload.sha256,
        phash: analysis.posterHash,
        originalFile,
        uploadName: upload.originalname?.slice(0, 255),
        file: {
          format,
          mimeType: videoMimeType(format),
          bytes: upload.size,
          width: analysis.facts.width,
          height: analysis.facts.height,
          hasAlpha: false,
        },
        derivatives: analysis.poster,
        declared: deps.declaredRecord(fields),
        embedded,
        hasGps: Boolean(embedded.gps),
        // AI declarations are read from a picture's C2PA and XMP; a video's are not read yet.
        aiDeclared: false,
        c2pa: { present: false, reader: 'jumbf-scan' },
        uses: [],
        keywords: keywordsOf(fields.caption, fields.credit, fields.sourceUrl, fields.sourceNote),
      });
    } catch (error) {
      await Promise.all([images.removeMetadata([imageId]), history.removeAll(imageId), repository.removeVideo(imageId)]).catch(() => undefined);
      if ((error as { code?: unknown }).code === 11000) {
        const winner = await images.findBySha256(upload.sha256);
        if (winner) return { outcome: 'existing', image: await addUse(winner) };
        throw new ConflictError('The same file was being stored at the same moment; please try again.');
      }
      await removeUnreferenced(written);
      throw error;
    }

    indexFrames(String(imageId), analysis.frames);
    // Stills held before the video arrived now have a source.
    for (const still of await stillsMatching(analysis.frames, imageId)) {
      await repository.linkStill({ video: imageId, image: new mongoose.Types.ObjectId(still.image), t: still.t, distance: still.distance });
      await deps.pictures?.stillOfVideo(new mongoose.Types.ObjectId(still.image), imageId, still.distance);
      await provenance.refresh(new mongoose.Types.ObjectId(still.image));
    }
    await provenance.refresh(imageId);
    // A use (article, printed line) is recorded as for images, through the shared path.
    const stored = (await images.findById(imageId))!;
    const withUse = declared.article || declared.articleId || fields.printedLine ? await addUse(stored) : stored;
    logger.info(`Stored video ${imageId} (${format}, ${upload.size} bytes, ${analysis.facts.durationSeconds} s, ${analysis.frames.length} frames hashed)`);
    return { outcome: 'created', image: withUse };
  }

  /** Removes blobs written for a failed ingest, unless a record uses them (names are content-addressed). */
  async function removeUnreferenced(keys: string[]): Promise<void> {
    for (const key of keys) {
      const name = blobName(key);
      const used =
        (await images.isFileReferenced(name)) ||
        (await repository.isKeyframeFileUsed(name));
      if (!used) await blobs.delete(key);
    }
  }

  /** After an image is stored: links it to every held video one of whose frames it matches. */
  async function stillStored(imageId: ObjectId, phash: string): Promise<void> {
    await syncFrameIndex();
    for (const match of frameIndex.search(phash)) {
      await repository.linkStill({ video: new mongoose.Types.ObjectId(match.videoId), image: imageId, t: match.t, distance: match.distance });
      await deps.pictures?.stillOfVideo(imageId, new mongoose.Types.ObjectId(match.videoId), match.distance);
    }
  }

  /** The videos a still comes from, with the frame's timecode and the video's credit. */
  async function sourcesOf(imageId: ObjectId) {
    const links = await repository.sourcesOf(imageId);
    return describeLinks(images, links, 'video');
  }

  /** The held stills that come from a video, in the video's order. */
  async function stillsOf(videoId: ObjectId) {
    const links = await repository.stillsOf(videoId);
    return describeLinks(images, links, 'image');
  }

  /** A lookup with a still: the held videos it is a frame of. */
  async function framesMatching(phash: string) {
    await syncFrameIndex();
    const matches: FrameMatch[] = frameIndex.search(phash);
    const links = matches.map((match) => ({ video: new mongoose.Types.ObjectId(match.videoId), image: new mongoose.Types.ObjectId(), t: match.t, distance: match.distance }));
    return (await describeLinks(images, links, 'video')).map(({ imageId: _unused, ...rest }) => rest);
  }

  /** A lookup with a video: analysed without storing anything; the held stills from it and the same file if held. */
  async function lookup(filePath: string, sha256: string, format: VideoFormat): Promise<VideoLookupResult> {
    return deps.videoWork(async () => {
      const { facts } = await probe(filePath, format);
      const { frames } = await sample(filePath, format, facts);
      const held = await images.findBySha256(sha256);
      const stills = await stillsMatching(frames, held?._id);
      const links = stills.map((still) => ({ video: held?._id ?? new mongoose.Types.ObjectId(), image: new mongoose.Types.ObjectId(still.image), t: still.t, distance: still.distance }));
      return {
        kind: 'video' as const,
        sha256,
        format,
        width: facts.width,
        height: facts.height,
        durationSeconds: facts.durationSeconds,
        frameRate: facts.frameRate ?? null,
        videoCodec: facts.videoCodec,
        framesHashed: frames.length,
        heldVideo: held ? { id: String(held._id), url: `/images/${String(held._id)}` } : null,
        stills: (await describeLinks(images, links, 'image')).map(({ videoId: _unused, ...rest }) => rest),
        matches: [],
        findings: [],
      };
    });
  }

  /** Fills the frame index from the database (at start). */
  async function loadFrameIndex(): Promise<void> {
    lastSync = new Date();
    for await (const frame of repository.allFrames()) {
      indexedVideos.add(String(frame.video));
      frameIndex.add(String(frame.video), frame.t, frame.phash);
    }
  }

  /** Poster derivatives made again from the video (the start-up repair, when they went missing). */
  async function rebuildPoster(originalPath: string, format: VideoFormat): Promise<Derivatives> {
    const { facts } = await probe(originalPath, format);
    return (await poster(originalPath, format, facts)).derivatives;
  }

  /** What the API adds to a video's image JSON: facts, contact sheet, the stills held from it. Undefined for an image. */
  async function answerFor(image: Pick<ImageRecord, '_id' | 'file' | 'originalFile'>) {
    if (!isVideoFormat(image.file?.format)) return undefined;
    const [details, stills] = await Promise.all([repository.detailsOf(image._id), stillsOf(image._id)]);
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

  /** GET /api/videos/:id: the video record's declared fields and its video part. */
  async function videoOf(id: ObjectId) {
    const image = await images.findById(id);
    const part = image ? await answerFor(image) : undefined;
    if (!image || !part) throw new NotFoundError('No video with this id is in the archive.');
    return { id: String(image._id), credit: image.declared?.credit ?? null, caption: image.declared?.caption ?? null, createdAt: image.createdAt, ...part };
  }

  /** The videos a held image is a frame of; 404 when the image is not held. */
  async function sourcesOfImage(id: ObjectId) {
    if (!(await images.exists(id))) throw new NotFoundError('No image with this id is in the archive.');
    return sourcesOf(id);
  }

  // images reaches recognise, storeNew, stillStored, lookup, framesMatching and answerFor through
  // its VideoPort; services.ts hands this object in, which is where the compiler checks it fits.
  return {
    recognise,
    storeNew,
    answerFor,
    videoOf,
    sourcesOfImage,
    stillStored,
    sourcesOf,
    stillsOf,
    framesMatching,
    lookup,
    loadFrameIndex,
    rebuildPoster,
    detailsOf: (videoId: ObjectId): Promise<VideoDetails | undefined> => repository.detailsOf(videoId),
    get frameIndexSize() {
      return frameIndex.size;
    },
  };
}

export type VideoService = ReturnType<typeof createVideoService>;

/** Links with the other side's credit, caption and page (a video's opened at the frame). */
export async function describeLinks(images: Pick<ImagesRepository, 'matchCandidatesById'>, links: StillLink[], side: 'video' | 'image') {
  const records = await images.matchCandidatesById(links.map((link) => link[side]));
  const byId = new Map(records.map((record) => [String(record._id), record]));
  return links.flatMap((link) => {
    const record = byId.get(String(link[side]));
    if (!record) return [];
    return [linkView(link, side, record)];
  });
}

function linkView(link: StillLink, side: 'video' | 'image', record: Pick<ImageRecord, '_id' | 'declared' | 'createdAt' | 'derivatives'>): FrameLinkView {
  const videoId = String(link.video);
  return {
    videoId,
    imageId: String(link.image),
    t: link.t,
    timecode: formatTimecode(link.t),
    distance: link.distance,
    credit: record.declared?.credit ?? null,
    caption: record.declared?.caption ?? null,
    sourceUrl: record.declared?.sourceUrl ?? null,
    heldSince: record.createdAt,
    thumbnailUrl: record.derivatives?.thumbnail?.file ? `/media/derivatives/${record.derivatives.thumbnail.file}` : undefined,
    /** The other side's page; for a video, opened at the frame. */
    url: side === 'video' ? `/images/${videoId}?t=${timeParam(link.t)}` : `/images/${String(link.image)}`,
  };
}


/** Origin findings for provenance reports: "this picture is the frame at … of video …". Pure over its inputs. */
export function originFindings(
  sources: Array<{ videoId: string; timecode: string; distance: number; credit: string | null; heldSince: Date }>,
  stillCredit: string | undefined,
): Finding[] {
  return sources.map((source) => {
    const creditText = source.credit ? ` credited "${source.credit}"` : ' with no credit';
    const otherCredit = Boolean(source.credit && stillCredit && source.credit.trim().toLowerCase() !== stillCredit.trim().toLowerCase());
    return {
      code: 'origin.frame_of_video' as const,
      severity: otherCredit ? ('notice' as const) : ('info' as const),
      message: `This picture is the frame at ${source.timecode} of a video the archive holds${creditText}, held since ${source.heldSince.toISOString().slice(0, 10)}.`,
      evidence: [{ imageId: source.videoId, distance: source.distance, tag: 'video.timecode', value: source.timecode }],
    };
  });
}

/** The provenance service's hook: a still's findings about the videos it is a frame of. */
export function videoOriginFindings(repository: VideoRepository, images: Pick<ImagesRepository, 'matchCandidatesById'>) {
  return async (image: ImageRecord): Promise<Finding[]> => {
    if (image.file?.mimeType?.startsWith('video/')) return [];
    const sources = await describeLinks(images, await repository.sourcesOf(image._id), 'video');
    return originFindings(sources, image.declared?.credit ?? undefined);
  };
}
