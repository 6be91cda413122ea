// Connects mongoose to MONGODB_URI when set, otherwise to the embedded server of the data folder.
//
// Only one process may open the embedded server's files. The process that starts it records its
// address in the data folder (server-address.json, removed on stop); any later process on the same
// folder (the CLI tools while the archive runs, a second tool) connects to that running server over
// TCP instead of opening the files, and starts its own only when none runs. Every tool connects
// through connectDatabase, so none needs the archive stopped.
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedServer, type EmbeddedServer } from '../embedded-db';
import type { Logger } from '../shared/logger';

export interface DatabaseOptions {
  mongodbUri?: string;
  /** Folder for the embedded server when no URI is given. */
  dbPath: string;
  /** Database name inside the server. */
  dbName?: string;
  /**
   * 'tool' (default) joins an embedded server another process runs on the folder. 'archive' must
   * run it itself (the server outlives any tool that might have started one): it waits for a
   * tool's server to stop, and refuses to start beside another archive.
   */
  purpose?: 'archive' | 'tool';
}

export interface Database {
  /** Human-readable description of what is in use, for the start-up log. */
  readonly description: string;
  readonly uri: string;
  /** Whether this process runs the embedded server (false: it joined another process's, or MongoDB). */
  readonly ownsServer: boolean;
  close(): Promise<void>;
}

export const DEFAULT_DB_NAME = 'provenance_archive';
export const ADDRESS_FILE = 'server-address.json';

interface PublishedAddress {
  uri: string;
  pid: number;
  startedAt: string;
  /** Tells this process's own file from one written by another start on the same folder. */
  instance: string;
}

export class DatabaseUnavailableError extends Error {}

const JOIN_TIMEOUT_MS = 3_000;
/** How long the archive waits for a tool that runs the embedded server to finish. */
const OWNER_WAIT_MS = 30_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readPublished(dbPath: string): Promise<PublishedAddress | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dbPath, ADDRESS_FILE), 'utf8')) as Partial<PublishedAddress>;
    return typeof parsed.uri === 'string' && typeof parsed.pid === 'number' ? (parsed as PublishedAddress) : undefined;
  } catch {
    return undefined;
  }
}

async function publish(dbPath: string, address: PublishedAddress): Promise<void> {
  const file = path.join(dbPath, ADDRESS_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(address, null, 2), { mode: 0o600 });
  await rename(temporary, file);
}

async function unpublish(dbPath: string, instance: string): Promise<void> {
  // Only our own file: another process may have started on this folder since (after a crash of ours).
  const current = await readPublished(dbPath);
  if (current?.instance === instance) await rm(path.join(dbPath, ADDRESS_FILE), { force: true });
}

function redactCredentials(uri: string): string {
  return uri.replace(/\/\/([^@/]+)@/, '//***@');
}

async function connectMongoose(uri: string, dbName: string, timeoutMs: number): Promise<void> {
  // autoIndex is on: the models' indexes are created at connect, which the pages rely on.
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: timeoutMs });
}

function lockedMessage(dbPath: string): string {
  return (
    `The database in ${dbPath} is in use by another process that did not publish its address ` +
    `(an archive started before this version, or one that is still starting). Stop it, or wait for it to finish starting and try again.`
  );
}

export async function connectDatabase(options: DatabaseOptions, logger: Logger): Promise<Database> {
  const dbName = options.dbName ?? DEFAULT_DB_NAME;
  if (options.mongodbUri) {
    const uri = options.mongodbUri;
    try {
      await connectMongoose(uri, dbName, 10_000);
    } catch (error) {
      throw new DatabaseUnavailableError(`Cannot reach the MongoDB at ${redactCredentials(uri)} (MONGODB_URI): ${(error as Error).message}`, { cause: error });
    }
    const description = `MongoDB at ${redactCredentials(uri)}`;
    logger.info(`Database: ${description}`);
    return { description, uri, ownsServer: false, close: () => mongoose.disconnect() };
  }

  let published = await readPublished(options.dbPath);
  if (options.purpose === 'archive' && published && isAlive(published.pid)) {
    logger.info(`Process ${published.pid} runs the database of ${options.dbPath}; waiting up to ${OWNER_WAIT_MS / 1000} s for it to finish`);
    const deadline = Date.now() + OWNER_WAIT_MS;
    while (published && isAlive(published.pid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      published = await readPublished(options.dbPath);
    }
    if (published && isAlive(published.pid)) {
      throw new DatabaseUnavailableError(`Process ${published.pid} runs the database of ${options.dbPath} (is the archive already running?). Stop it, or use another DATA_DIR.`);
    }
  }
  // Another process already runs the embedded server on this folder: join it.
  if (published && isAlive(published.pid)) {
    try {
      await connectMongoose(published.uri, dbName, JOIN_TIMEOUT_MS);
      const description = `embedded server of process ${published.pid} on ${published.uri} (data in ${options.dbPath})`;
      logger.info(`Database: ${description}`);
      return { description, uri: published.uri, ownsServer: false, close: () => mongoose.disconnect() };
    } catch (error) {
      await mongoose.disconnect().catch(() => undefined);
      throw new DatabaseUnavailableError(
        `The archive's database in ${options.dbPath} is run by process ${published.pid}, but it does not answer at ${published.uri} (${(error as Error).message}). ` +
          `If that process is stuck, stop it and try again.`,
        { cause: error },
      );
    }
  }

  let embedded: EmbeddedServer;
  try {
    embedded = await startEmbeddedServer({ dbPath: options.dbPath, port: 0, logger: (message) => logger.debug(message) });
  } catch (error) {
    if (/locked|busy/i.test((error as Error).message)) throw new DatabaseUnavailableError(lockedMessage(options.dbPath), { cause: error });
    throw error;
  }
  const instance = randomUUID();
  try {
    await connectMongoose(embedded.uri, dbName, 10_000);
    await publish(options.dbPath, { uri: embedded.uri, pid: process.pid, startedAt: new Date().toISOString(), instance });
  } catch (error) {
    await mongoose.disconnect().catch(() => undefined);
    await embedded.close();
    throw error;
  }
  const description = `embedded MongoDB-compatible server on ${embedded.uri} (data in ${options.dbPath})`;
  logger.info(`Database: ${description}`);
  return {
    description,
    uri: embedded.uri,
    ownsServer: true,
    async close() {
      await unpublish(options.dbPath, instance);
      await mongoose.disconnect();
      await embedded.close();
    },
  };
}
