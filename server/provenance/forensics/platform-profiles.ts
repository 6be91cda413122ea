// What each platform does to a picture it serves, as data. Kept conservative: a platform is listed
// only with behaviour that is documented or measured, a fact that is not known is left out (and so
// gives no finding), and where sources disagree the more permissive limit is used for "not the
// platform's copy". Where each fact comes from:
//
// - Telegram: photos are stored in fixed sizes, the largest served being type 'y' (1280 px box) and,
//   for newer uploads, 'w' (2560 px box): Telegram API documentation, constructor photoSize →
//   "Thumbnail type and its sizes" (core.telegram.org/api/files#image-thumbnail-types). Served photos
//   are re-encoded JPEGs without EXIF: Giudice, Paratore, Moltisanti & Battiato, "A Classification
//   Engine for Image Ballistics of Social Data", ICIAP 2017 (downloads from Telegram, WhatsApp,
//   Facebook and others measured).
// - WhatsApp: photos are re-encoded as JPEG with the longest side at most 1600 px and no EXIF
//   (Giudice et al. 2017, above).
// - Instagram: feed photos are served as JPEG without metadata, 1080 px wide by Instagram's Help
//   Center ("Image resolution of photos you share on Instagram"); studiomaya.co's 2023 size guide,
//   read from Instagram's web client, finds up to 1440 px. Both widths count as the platform's.
// - X (Twitter): photos are served up to 4096 × 4096 px ("orig"), re-encoded, with EXIF removed:
//   X Developer Platform, "Media best practices" (image size limits).
// - Facebook: photos are resized to 720, 960 or 2048 px on the longest side and served as JPEG
//   without camera EXIF (Facebook Help Center on photo quality; Giudice et al. 2017). Facebook adds
//   an IPTC block whose Special Instructions start with "FBMD", with an Original Transmission
//   Reference: stackoverflow.com/questions/31120222 ("IPTC metadata automatically added to uploaded
//   images on Facebook", 2015, with hundreds of downloads examined).

export interface PlatformProfile {
  /** Platform id as in server/credits/platforms.ts. */
  id: string;
  /** Longest sides the platform serves (largest last). A served file is never larger than the last. */
  longestSides?: readonly number[];
  /** For platforms that fix the width rather than the longest side (largest last). */
  widths?: readonly number[];
  /** Whether the served file keeps the camera's EXIF (make, model, capture settings). */
  keepsCameraMetadata: boolean;
  /** Formats the platform serves photos in. */
  formats: readonly string[];
  /** A text the platform writes into the IPTC block it adds, and where. */
  marker?: { text: string; tags: readonly string[] };
}

export const PLATFORM_PROFILES: readonly PlatformProfile[] = [
  { id: 'telegram', longestSides: [1280, 2560], keepsCameraMetadata: false, formats: ['jpeg'] },
  { id: 'whatsapp', longestSides: [1600], keepsCameraMetadata: false, formats: ['jpeg'] },
  { id: 'instagram', widths: [1080, 1440], keepsCameraMetadata: false, formats: ['jpeg'] },
  { id: 'x', longestSides: [4096], keepsCameraMetadata: false, formats: ['jpeg', 'png', 'webp'] },
  { id: 'facebook', longestSides: [720, 960, 2048], keepsCameraMetadata: false, formats: ['jpeg'], marker: { text: 'FBMD', tags: ['SpecialInstructions', 'OriginalTransmissionReference'] } },
];

export function platformProfile(id: string | undefined): PlatformProfile | undefined {
  return id ? PLATFORM_PROFILES.find((profile) => profile.id === id) : undefined;
}
