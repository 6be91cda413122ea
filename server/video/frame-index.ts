// The frame hashes of every held video, searchable like the images' hashes: the same HashIndex and the
// same threshold, one entry per sampled frame keyed "<video id>@<milliseconds>". A separate instance
// from the images' index so that an image match and a frame match stay different answers (a frame
// match carries a timecode and must never be mistaken for a held file).
import { HashIndex } from '../provenance/hash-index';
import { NEAR_DUPLICATE_MAX_DISTANCE } from '../provenance/phash';

export interface FrameMatch {
  videoId: string;
  t: number;
  distance: number;
}

export function createFrameIndex() {
  const index = new HashIndex();
  const key = (videoId: string, t: number) => `${videoId}@${Math.round(t * 1000)}`;
  return {
    add(videoId: string, t: number, phash: string): void {
      index.add(key(videoId, t), phash);
    },
    /** The closest frame of each video within the near-duplicate threshold, closest video first. */
    search(phash: string, maxDistance = NEAR_DUPLICATE_MAX_DISTANCE): FrameMatch[] {
      const best = new Map<string, FrameMatch>();
      for (const match of index.search(phash, maxDistance)) {
        const at = match.id.lastIndexOf('@');
        const videoId = match.id.slice(0, at);
        const t = Number(match.id.slice(at + 1)) / 1000;
        const known = best.get(videoId);
        // Matches come nearest first; among equally near frames the earliest wins (a held shot).
        if (!known || match.distance < known.distance || (match.distance === known.distance && t < known.t)) best.set(videoId, { videoId, t, distance: match.distance });
      }
      return [...best.values()].sort((a, b) => a.distance - b.distance || a.t - b.t);
    },
    get size() {
      return index.size;
    },
  };
}

export type FrameIndex = ReturnType<typeof createFrameIndex>;
