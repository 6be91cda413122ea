// Facts about the image fixtures that the matching benchmarks (bench:phash, bench:matching) share.

/** Malformed on purpose (thousands of SubIFDs); neither sharp nor any other decoder here opens it. */
export const UNDECODABLE = new Set(['tiff_poc.tiff']);

/**
 * Fixtures that show the same picture, from test/fixtures/README.md and by eye: the same original for
 * recall and never a false match for one another. landscape_1..8 are one photo in 8 EXIF orientations
 * (each with its number painted in); cloud.jpg is earth_apollo17.jpg with a remote manifest; XCA.jpg is
 * CA.jpg with its pixels changed after signing (greyscale); C_with_CAWG_data.jpg is C.jpg's gradient
 * with another manifest; the IMG_20180725_163423 PNG is a 40×30 thumbnail of the JPEG.
 */
export const SAME_PICTURE: string[][] = [
  ['landscape_1.jpg', 'landscape_2.jpg', 'landscape_3.jpg', 'landscape_4.jpg', 'landscape_5.jpg', 'landscape_6.jpg', 'landscape_7.jpg', 'landscape_8.jpg'],
  ['cloud.jpg', 'earth_apollo17.jpg'],
  ['CA.jpg', 'XCA.jpg'],
  ['C.jpg', 'C_with_CAWG_data.jpg'],
  ['IMG_20180725_163423-1.png', 'IMG_20180725_163423-tiny.jpg'],
];

/**
 * Stubs whose width and height are both under 32 px (exiftool's 8×8 grey squares, a 1×1 PNG): they are
 * placeholders, several hash identically, and a 25 % resize of 8×8 is 2×2. Neither held nor varied.
 */
export const STUB_MAX_SIDE = 32;
