// The EXIF (IFD1) thumbnail set against the picture it is meant to show. Cameras write the thumbnail
// at capture; many editors rewrite the picture and leave the old thumbnail, so a thumbnail showing
// another picture is a classic trace of editing after capture. A hint, not proof: some software
// writes a placeholder thumbnail, and a crop changes the picture but not the thumbnail.
import sharp from 'sharp';
import { hammingDistance, perceptualHash } from '../phash';

export interface ThumbnailComparison {
  /** Perceptual-hash distance (0–64 bits) between the thumbnail, oriented like the picture, and the picture. */
  distance: number;
  width?: number;
  height?: number;
}

/** Aspect ratios further apart than this mean the thumbnail was letterboxed (Canon writes 160×120 for 3:2 pictures). */
const LETTERBOX_ASPECT_DIFFERENCE = 0.05;

/**
 * Hashes the thumbnail after applying the picture's EXIF orientation (the thumbnail has no tag of its
 * own; the main image's applies to both), with any black letterbox bands trimmed, and compares it with
 * the picture's perceptual hash. Undefined when the thumbnail cannot be decoded.
 */
export async function compareThumbnail(thumbnail: Buffer, orientation: number | undefined, picture: { phash: string; width: number; height: number }): Promise<ThumbnailComparison | undefined> {
  try {
    // sharp applies an orientation only from metadata, so the picture's tag is written onto the thumbnail first.
    const tagged = await sharp(thumbnail, { failOn: 'none', limitInputPixels: 4_000_000 })
      .withMetadata({ orientation: orientation && orientation >= 1 && orientation <= 8 ? orientation : 1 })
      .jpeg({ quality: 95 })
      .toBuffer();
    const oriented = await sharp(tagged, { autoOrient: true }).png().toBuffer({ resolveWithObject: true });
    const { width, height } = oriented.info;
    if (!width || !height) return undefined;
    let pixels = oriented.data;
    if (Math.abs(width / height - picture.width / picture.height) > LETTERBOX_ASPECT_DIFFERENCE) {
      // A uniform thumbnail has nothing left after trimming; keep it whole then.
      pixels = (await sharp(pixels).trim({ background: '#000000', threshold: 24 }).png().toBuffer().catch(() => undefined)) ?? pixels;
    }
    const hash = await perceptualHash(sharp(pixels));
    return { distance: hammingDistance(hash, picture.phash), width, height };
  } catch {
    return undefined;
  }
}
