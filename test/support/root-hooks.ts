// Mocha root hooks: one database for the whole run. With MONGODB_URI set the suite runs against
// that server (a real MongoDB); otherwise the project's embedded server is started on a temp folder.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedServer, type EmbeddedServer } from '../../server/embedded-db';

let embedded: EmbeddedServer | undefined;
let dataDir: string | undefined;

export const testDbName = `archive_test_${process.pid}`;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    let uri = process.env.MONGODB_URI;
    if (!uri) {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'archive-test-db-'));
      embedded = await startEmbeddedServer({ dbPath: dataDir, port: 0 });
      uri = embedded.uri;
    }
    process.env.TEST_DATABASE_URI = uri;
    await mongoose.connect(uri, { dbName: testDbName, serverSelectionTimeoutMS: 10_000 });
    await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    if (mongoose.connection.readyState === 1) await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
    await embedded?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  },
};
