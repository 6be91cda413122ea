// Connects mongoose to MONGODB_URI when set, otherwise to the embedded server started in-process.
import mongoose from 'mongoose';
import { startEmbeddedServer, type EmbeddedServer } from '../embedded-db';
import type { Logger } from '../shared/logger';

export interface DatabaseOptions {
  mongodbUri?: string;
  /** Folder for the embedded server when no URI is given. */
  dbPath: string;
  /** Database name inside the server. */
  dbName?: string;
}

export interface Database {
  /** Human-readable description of what is in use, for the start-up log. */
  readonly description: string;
  readonly uri: string;
  close(): Promise<void>;
}

export const DEFAULT_DB_NAME = 'provenance_archive';

export async function connectDatabase(options: DatabaseOptions, logger: Logger): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let uri = options.mongodbUri;
  if (!uri) {
    embedded = await startEmbeddedServer({ dbPath: options.dbPath, port: 0, logger: (message) => logger.debug(message) });
    uri = embedded.uri;
  }
  const description = embedded
    ? `embedded MongoDB-compatible server on ${embedded.uri} (data in ${options.dbPath})`
    : `MongoDB at ${redactCredentials(uri)}`;
  try {
    // autoIndex is on: the models' indexes are created at connect, which the pages rely on.
    await mongoose.connect(uri, { dbName: options.dbName ?? DEFAULT_DB_NAME, serverSelectionTimeoutMS: 10_000 });
  } catch (error) {
    await embedded?.close();
    throw error;
  }
  logger.info(`Database: ${description}`);
  return {
    description,
    uri,
    async close() {
      await mongoose.disconnect();
      await embedded?.close();
    },
  };
}

function redactCredentials(uri: string): string {
  return uri.replace(/\/\/([^@/]+)@/, '//***@');
}
