// ExifTool writes a TIFF's IPTC-NAA tag (33723) as LONG values, as Photoshop does; TIFF/EP allows
// LONG or UNDEFINED, and exifr 7 (which the archive and many JavaScript tools read TIFFs with)
// fails on LONG. Retyping the entry to UNDEFINED (same bytes, count × 4) is a 6-byte edit of the
// directory entry: neither the IPTC bytes nor the image data move.
import { open } from 'node:fs/promises';

const IPTC_NAA = 0x83bb;
const LONG = 4;
const UNDEFINED = 7;
const MAX_ENTRIES = 4096;

export async function retypeTiffIptcAsUndefined(filePath: string): Promise<boolean> {
  const file = await open(filePath, 'r+');
  try {
    const header = Buffer.alloc(8);
    await file.read(header, 0, 8, 0);
    const order = header.toString('latin1', 0, 2);
    if (order !== 'II' && order !== 'MM') return false;
    const little = order === 'II';
    const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
    const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
    if (u16(header, 2) !== 42) return false; // not classic TIFF (BigTIFF is 43)
    const ifd = u32(header, 4);
    const countBytes = Buffer.alloc(2);
    await file.read(countBytes, 0, 2, ifd);
    const count = u16(countBytes, 0);
    if (count === 0 || count > MAX_ENTRIES) return false;
    const entries = Buffer.alloc(count * 12);
    await file.read(entries, 0, entries.length, ifd + 2);
    for (let i = 0; i < count; i++) {
      const at = i * 12;
      if (u16(entries, at) !== IPTC_NAA || u16(entries, at + 2) !== LONG) continue;
      const patch = Buffer.alloc(6);
      if (little) {
        patch.writeUInt16LE(UNDEFINED, 0);
        patch.writeUInt32LE(u32(entries, at + 4) * 4, 2);
      } else {
        patch.writeUInt16BE(UNDEFINED, 0);
        patch.writeUInt32BE(u32(entries, at + 4) * 4, 2);
      }
      await file.write(patch, 0, 6, ifd + 2 + at + 2);
      return true;
    }
    return false;
  } finally {
    await file.close();
  }
}
