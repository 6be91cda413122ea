/**
 * Framing of the MongoDB wire protocol on a byte stream. Only the 16-byte header is trusted for
 * the length, and it is validated *before* any body is buffered, so a peer that claims 100 MB gets
 * its socket closed instead of making us allocate.
 */
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const HEADER_SIZE = 16;

export interface RawMessage {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
  /** Bytes after the header. */
  body: Buffer;
}

export class FramingError extends Error {}

/**
 * Accumulates socket chunks and yields complete messages. Holds at most one partially received
 * message, bounded by MAX_MESSAGE_SIZE_BYTES.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): RawMessage[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: RawMessage[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peek(Math.min(this.buffered, HEADER_SIZE));
      const length = head.readInt32LE(0);
      if (length < HEADER_SIZE + 1 || length > MAX_MESSAGE_SIZE_BYTES) {
        throw new FramingError(`invalid message length ${length}`);
      }
      if (this.buffered < length) break;
      const whole = this.take(length);
      out.push({
        length,
        requestId: whole.readInt32LE(4),
        responseTo: whole.readInt32LE(8),
        opCode: whole.readInt32LE(12),
        body: whole.subarray(HEADER_SIZE),
      });
    }
    return out;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  private take(n: number): Buffer {
    const first = this.peek(n);
    const result = first.subarray(0, n);
    const rest = first.subarray(n);
    this.chunks[0] = rest;
    if (rest.length === 0) this.chunks.shift();
    this.buffered -= n;
    return result;
  }
}

let crcTable: Uint32Array | undefined;

/** CRC-32C (Castagnoli), the checksum OP_MSG uses when flag bit 0 is set. */
export function crc32c(buf: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < buf.length; i++) crc = crcTable[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
