/**
 * Server-side cursors for find/aggregate/listCollections/listIndexes. A cursor is a lazy iterator
 * plus an optional per-batch transform (projection); idle cursors expire like MongoDB's (10 min).
 */
import { randomBytes } from 'node:crypto';
import { calculateObjectSize, Long, type Document } from 'bson';
import { MAX_BSON_OBJECT_SIZE } from './wire';
import { MongoCommandError } from './errors';

export const DEFAULT_BATCH_SIZE = 101;
const CURSOR_TIMEOUT_MS = 10 * 60 * 1000;
/** Leave headroom under 16 MiB for the reply envelope around the batch. */
const MAX_BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 64 * 1024;

export interface DocSource {
  /** Next document and its (approximate) BSON size, or undefined when exhausted. */
  next(): { doc: Document; size?: number } | undefined;
}

interface CursorState {
  id: Long;
  ns: string;
  source: DocSource;
  transform?: (docs: Document[]) => Document[];
  peeked?: { doc: Document; size?: number };
  /** Some sources (mingo's lazy stages) misbehave if pulled again after reporting the end. */
  exhausted?: boolean;
  lastUsed: number;
}

export class CursorManager {
  private cursors = new Map<string, CursorState>();
  private timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.expire(), 60_000);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.cursors.clear();
  }

  get size(): number {
    return this.cursors.size;
  }

  private expire(): void {
    const now = Date.now();
    for (const [key, c] of this.cursors) if (now - c.lastUsed > CURSOR_TIMEOUT_MS) this.cursors.delete(key);
  }

  /** Builds the first batch; registers a cursor only if more documents remain. */
  open(
    ns: string,
    source: DocSource,
    options: { batchSize?: number; singleBatch?: boolean; transform?: (docs: Document[]) => Document[] },
  ): Document {
    const state: CursorState = { id: Long.ZERO, ns, source, transform: options.transform, lastUsed: Date.now() };
    const batch = this.fill(state, options.batchSize ?? DEFAULT_BATCH_SIZE);
    if (!options.singleBatch && this.hasMore(state)) {
      state.id = newCursorId();
      this.cursors.set(state.id.toString(), state);
    }
    return { cursor: { firstBatch: batch, id: state.id, ns }, ok: 1 };
  }

  getMore(id: Long, ns: string, batchSize: number | undefined): Document {
    const key = id.toString();
    const state = this.cursors.get(key);
    if (!state) throw new MongoCommandError('CursorNotFound', `cursor id ${key} not found`);
    if (state.ns !== ns) throw new MongoCommandError('Unauthorized', `Requested getMore on namespace '${ns}', but cursor belongs to '${state.ns}'`);
    state.lastUsed = Date.now();
    let batch: Document[];
    try {
      batch = this.fill(state, batchSize && batchSize > 0 ? batchSize : Infinity);
    } catch (err) {
      this.cursors.delete(key);
      throw err;
    }
    let outId = state.id;
    if (!this.hasMore(state)) {
      this.cursors.delete(key);
      outId = Long.ZERO;
    }
    return { cursor: { nextBatch: batch, id: outId, ns }, ok: 1 };
  }

  kill(ids: Long[]): Document {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.cursors.delete(id.toString()) ? killed : notFound).push(id);
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  private pull(state: CursorState): { doc: Document; size?: number } | undefined {
    if (state.exhausted) return undefined;
    const item = state.source.next();
    if (!item) state.exhausted = true;
    return item;
  }

  private hasMore(state: CursorState): boolean {
    if (!state.peeked) state.peeked = this.pull(state);
    return state.peeked !== undefined;
  }

  private fill(state: CursorState, batchSize: number): Document[] {
    const docs: Document[] = [];
    let bytes = 0;
    while (docs.length < batchSize) {
      const item = state.peeked ?? this.pull(state);
      state.peeked = undefined;
      if (!item) break;
      const size = item.size ?? calculateObjectSize(item.doc);
      if (docs.length > 0 && bytes + size > MAX_BATCH_BYTES) {
        state.peeked = item;
        break;
      }
      docs.push(item.doc);
      bytes += size;
    }
    return state.transform ? state.transform(docs) : docs;
  }
}

function newCursorId(): Long {
  const b = randomBytes(8);
  b[7] &= 0x7f; // positive
  const id = Long.fromBytesLE([...b]);
  return id.isZero() ? Long.ONE : id;
}

/** Adapts a JS iterator of documents to a DocSource. */
export function fromIterator(it: Iterator<Document>, sizeOf?: (d: Document) => number | undefined): DocSource {
  return {
    next() {
      const r = it.next();
      if (r.done) return undefined;
      return { doc: r.value, size: sizeOf?.(r.value) };
    },
  };
}
