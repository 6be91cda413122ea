/**
 * Test database provider for the embedded-db conformance suite: a real MongoDB when MONGODB_URI is
 * set (so the same assertions can be checked against the reference implementation), otherwise a
 * fresh embedded server on a temporary folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEmbeddedServer, type EmbeddedServer } from '../../server/embedded-db/index';

export interface TestDatabase {
  uri: string;
  dbName: string;
  /** True when running against the embedded server (some tests inspect it from outside). */
  embedded: boolean;
  dataDir?: string;
  close(): Promise<void>;
}

export async function openTestDatabase(prefix: string): Promise<TestDatabase> {
  const dbName = `${prefix}_${randomBytes(4).toString('hex')}`;
  const external = process.env.MONGODB_URI;
  if (external) {
    return { uri: external, dbName, embedded: false, close: async () => {} };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-db-test-'));
  const server: EmbeddedServer = await startEmbeddedServer({ dbPath: dataDir });
  return {
    uri: server.uri,
    dbName,
    embedded: true,
    dataDir,
    close: async () => {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
