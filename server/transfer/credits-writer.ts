// Writes tags into a copy of a file with ExifTool (exiftool-vendored), which rewrites metadata
// segments and leaves the compressed image data as it is: no pixel is re-encoded.
import { copyFile } from 'node:fs/promises';
import type { WriteTags } from 'exiftool-vendored';
import { createExifToolPool } from '../shared/exiftool';
import { UnprocessableError } from '../shared/errors';
import { retypeTiffIptcAsUndefined } from './tiff-iptc';

const WRITE_TIMEOUT_MS = 20_000;

export function createCreditsWriter() {
  // The same bounded launch as the reader's: the file written into is a copy of an untrusted upload.
  const exiftool = createExifToolPool({ maxProcs: 1, taskTimeoutMillis: WRITE_TIMEOUT_MS });

  return {
    /** Copies `source` to `target` and writes `tags` into the copy; `source` is never touched. */
    async writeCopy(source: string, target: string, tags: Record<string, unknown>, format: string): Promise<void> {
      await copyFile(source, target);
      try {
        // The tag names are ExifTool's group-qualified names, which WriteTags does not enumerate.
        await exiftool.get().write(target, tags as WriteTags, { writeArgs: ['-overwrite_original', '-charset', 'iptc=UTF8'] });
        if (format === 'tiff') await retypeTiffIptcAsUndefined(target);
      } catch (error) {
        throw new UnprocessableError('The credits could not be written into this file; the original is still available as it is.', { code: 'embed_failed', cause: error });
      }
    },
    close: () => exiftool.close(),
  };
}

export type CreditsWriter = ReturnType<typeof createCreditsWriter>;
