/**
 * Decoding of OP_MSG / OP_QUERY requests and encoding of OP_MSG / OP_REPLY responses.
 * Anything structurally wrong throws ProtocolError, which makes the server drop that one connection.
 */
import { deserialize, serialize, type Document } from 'bson';
import { serializeReply } from './raw-bson';
import { crc32c, HEADER_SIZE, MAX_BSON_OBJECT_SIZE, type RawMessage } from './wire';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
const FLAG_EXHAUST_ALLOWED = 1 << 16;
const KNOWN_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME | FLAG_EXHAUST_ALLOWED;

export class ProtocolError extends Error {}

export interface MsgRequest {
  kind: 'msg';
  requestId: number;
  command: Document;
  moreToCome: boolean;
}

export interface QueryRequest {
  kind: 'query';
  requestId: number;
  fullCollectionName: string;
  command: Document;
}

// Exact BSON types (Int32, Double, Long, Decimal128, BSON regexes) so documents are stored as sent.
const DESERIALIZE_OPTIONS = { validation: { utf8: true }, promoteValues: false, promoteBuffers: false, bsonRegExp: true } as const;

function readDocument(buf: Buffer, offset: number, limit: number): { doc: Document; size: number } {
  if (offset + 5 > limit) throw new ProtocolError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > limit || size > MAX_BSON_OBJECT_SIZE + 16 * 1024) {
    throw new ProtocolError(`invalid BSON document size ${size}`);
  }
  if (buf[offset + size - 1] !== 0) throw new ProtocolError('BSON document not null-terminated');
  try {
    return { doc: deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS), size };
  } catch (err) {
    throw new ProtocolError(`invalid BSON: ${(err as Error).message}`);
  }
}

function readCString(buf: Buffer, offset: number, limit: number): { value: string; next: number } {
  const end = buf.indexOf(0, offset);
  if (end < 0 || end >= limit) throw new ProtocolError('unterminated cstring');
  return { value: buf.toString('utf8', offset, end), next: end + 1 };
}

export function decodeOpMsg(msg: RawMessage): MsgRequest {
  const body = msg.body;
  if (body.length < 5) throw new ProtocolError('OP_MSG too short');
  const flags = body.readUInt32LE(0);
  if ((flags & 0xffff) & ~KNOWN_FLAGS) throw new ProtocolError(`unknown required OP_MSG flag bits ${flags}`);
  let limit = body.length;
  if (flags & FLAG_CHECKSUM_PRESENT) {
    if (body.length < 9) throw new ProtocolError('OP_MSG checksum missing');
    limit -= 4;
    const expected = body.readUInt32LE(limit);
    const header = Buffer.alloc(HEADER_SIZE);
    header.writeInt32LE(msg.length, 0);
    header.writeInt32LE(msg.requestId, 4);
    header.writeInt32LE(msg.responseTo, 8);
    header.writeInt32LE(msg.opCode, 12);
    const actual = crc32c(Buffer.concat([header, body.subarray(0, limit)]));
    if (actual !== expected) throw new ProtocolError('OP_MSG checksum mismatch');
  }
  let offset = 4;
  let command: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < limit) {
    const kind = body[offset++];
    if (kind === 0) {
      if (command) throw new ProtocolError('OP_MSG with more than one body section');
      const { doc, size } = readDocument(body, offset, limit);
      command = doc;
      offset += size;
    } else if (kind === 1) {
      if (offset + 4 > limit) throw new ProtocolError('truncated document sequence');
      const seqSize = body.readInt32LE(offset);
      const seqEnd = offset + seqSize;
      if (seqSize < 5 || seqEnd > limit) throw new ProtocolError('invalid document sequence size');
      const id = readCString(body, offset + 4, seqEnd);
      const docs: Document[] = [];
      let p = id.next;
      while (p < seqEnd) {
        const { doc, size } = readDocument(body, p, seqEnd);
        docs.push(doc);
        p += size;
      }
      sequences.push([id.value, docs]);
      offset = seqEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new ProtocolError('OP_MSG without body section');
  for (const [id, docs] of sequences) {
    if (id in command) throw new ProtocolError(`duplicate field ${id} in body and document sequence`);
    command[id] = docs;
  }
  return { kind: 'msg', requestId: msg.requestId, command, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0 };
}

export function decodeOpQuery(msg: RawMessage): QueryRequest {
  const body = msg.body;
  if (body.length < 4) throw new ProtocolError('OP_QUERY too short');
  const name = readCString(body, 4, body.length);
  // numberToSkip and numberToReturn are irrelevant for the handshake commands we accept.
  const offset = name.next + 8;
  const { doc } = readDocument(body, offset, body.length);
  // Old drivers wrap the command as { $query: {...}, $readPreference: ... }.
  const command = doc.$query && typeof doc.$query === 'object' ? (doc.$query as Document) : doc;
  return { kind: 'query', requestId: msg.requestId, fullCollectionName: name.value, command };
}

let nextResponseId = 1;

function header(totalLength: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(HEADER_SIZE);
  h.writeInt32LE(totalLength, 0);
  h.writeInt32LE(nextResponseId++ & 0x7fffffff, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export function encodeOpMsg(responseTo: number, doc: Document): Buffer {
  const payload = serializeReply(doc);
  const prefix = Buffer.alloc(5); // flagBits (0) + section kind 0
  return Buffer.concat([header(HEADER_SIZE + 5 + payload.length, responseTo, OP_MSG), prefix, payload]);
}

export function encodeOpReply(responseTo: number, doc: Document): Buffer {
  const payload = serialize(doc, { ignoreUndefined: true });
  const fields = Buffer.alloc(20); // responseFlags, cursorID(int64), startingFrom, numberReturned
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(HEADER_SIZE + 20 + payload.length, responseTo, OP_REPLY), fields, payload]);
}
