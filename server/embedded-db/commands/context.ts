import { Long, type Document } from 'bson';
import type { CursorManager } from '../cursors';
import type { Storage } from '../storage';
import { MongoCommandError } from '../errors';
import { isDocument } from '../paths';

export interface ServerInfo {
  startedAt: number;
  host: string;
  port: number;
  connectionCount(): number;
}

export interface CommandContext {
  storage: Storage;
  cursors: CursorManager;
  db: string;
  connectionId: number;
  server: ServerInfo;
}

export interface CommandDef {
  handler: (cmd: Document, ctx: CommandContext) => Document;
  /** Runs inside one SQLite transaction: all of it is durable, or none of it. */
  write?: boolean;
}

export function collectionName(cmd: Document, field: string): string {
  const name = cmd[field];
  if (typeof name !== 'string' || name.length === 0) {
    throw new MongoCommandError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  }
  if (name.includes('\0') || name.startsWith('.') || name.includes('$') || name.startsWith('system.')) {
    throw new MongoCommandError('InvalidNamespace', `Invalid collection name: ${name}`);
  }
  return name;
}

export function validateDbName(db: unknown): string {
  if (typeof db !== 'string' || db.length === 0 || db.length > 63 || /[/\\. "$*<>:|?\0]/.test(db)) {
    throw new MongoCommandError('InvalidNamespace', `Invalid database name: '${String(db)}'`);
  }
  return db;
}

export function optionalDocument(cmd: Document, field: string): Document | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  if (!isDocument(v)) throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${Array.isArray(v) ? 'array' : typeof v}', expected type 'object'`);
  return v;
}

export function optionalNonNegative(cmd: Document, field: string): number | undefined {
  const raw = cmd[field];
  if (raw === undefined || raw === null) return undefined;
  const v = raw instanceof Long ? raw.toNumber() : Number(raw);
  if (!Number.isFinite(v)) throw new MongoCommandError('TypeMismatch', `BSON field '${field}' must be a number`);
  if (v < 0) throw new MongoCommandError('BadValue', `${field} must be non-negative, but received: ${v}`);
  return Math.floor(v);
}

export function refuseCollation(spec: Document | undefined): void {
  if (spec && spec.collation !== undefined && spec.collation !== null) {
    const c = spec.collation as Document;
    // The "simple" collation is the default binary comparison, which is what we implement.
    if (!(isDocument(c) && c.locale === 'simple')) {
      throw new MongoCommandError('NotImplemented', 'collation is not supported by the embedded server (only the simple binary collation)');
    }
  }
}

export function toLong(v: unknown): Long {
  if (v instanceof Long) return v;
  if (typeof v === 'number' && Number.isInteger(v)) return Long.fromNumber(v);
  if (typeof v === 'bigint') return Long.fromBigInt(v);
  throw new MongoCommandError('TypeMismatch', `cursor id must be a 64-bit integer`);
}
