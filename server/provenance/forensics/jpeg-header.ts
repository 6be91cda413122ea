// Reads a JPEG's header segments (everything before the first scan) from disk, bounded: the
// quantisation tables sit there, and the entropy-coded data after SOS is never needed.
import { open } from 'node:fs/promises';

/** Headers bigger than this are not read (EXIF, XMP and ICC together rarely pass 1 MiB; APP segments are ≤ 64 KiB each). */
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

export async function readJpegHeader(path: string, maxBytes = MAX_HEADER_BYTES): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let position = 0;
    let total = 0;
    // Walk segment lengths so only the header is read, one segment at a time.
    const head = Buffer.alloc(4);
    const first = await handle.read(head, 0, 2, 0);
    if (first.bytesRead < 2 || head[0] !== 0xff || head[1] !== 0xd8) return Buffer.alloc(0);
    chunks.push(Buffer.from([0xff, 0xd8]));
    position = 2;
    total = 2;
    while (total < maxBytes) {
      const { bytesRead } = await handle.read(head, 0, 4, position);
      if (bytesRead < 2 || head.readUInt8(0) !== 0xff) break;
      const marker = head.readUInt8(1);
      if (marker === 0xda || marker === 0xd9 || bytesRead < 4) break;
      if (marker === 0xff) {
        position += 1;
        continue;
      }
      const length = head.readUInt16BE(2);
      if (length < 2 || total + 2 + length > maxBytes) break;
      const segment = Buffer.alloc(2 + length);
      const read = await handle.read(segment, 0, segment.length, position);
      if (read.bytesRead < segment.length) break;
      chunks.push(segment);
      total += segment.length;
      position += segment.length;
    }
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}
