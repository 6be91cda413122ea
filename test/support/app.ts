// A real app on a listening port, with the real services, a temp upload folder and the test database.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { createApp } from '../../server/app';
import { createServices, type Services } from '../../server/services';
import { createLogger, type AppLogger } from '../../server/shared/logger';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/images');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

export interface TestApp {
  url: string;
  server: http.Server;
  services: Services;
  uploadDir: string;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  maxUploadBytes?: number;
  maxPixels?: number;
  maxFilesPerUpload?: number;
  /** Content Credentials settings, as the configuration would give them (C2PA_TRUST_ANCHORS, C2PA_FETCH_REMOTE). */
  c2pa?: { trustAnchorsPem?: string; fetchRemote: boolean };
  maxVideoBytes?: number;
  maxVideoSeconds?: number;
  /** Default: silent (or debug with TEST_LOG_LEVEL=debug). */
  logger?: AppLogger;
}

/** Apps started and not yet closed: resetDatabase tells their caches that everything changed. */
const liveServices = new Set<Services>();

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const uploadDir = await mkdtemp(path.join(os.tmpdir(), 'archive-test-uploads-'));
  const config = {
    uploadDir,
    limits: {
      maxUploadBytes: options.maxUploadBytes ?? 50 * 1024 * 1024,
      maxFilesPerUpload: options.maxFilesPerUpload ?? 20,
      maxPixels: options.maxPixels ?? 100_000_000,
      maxVideoBytes: options.maxVideoBytes ?? 200 * 1024 * 1024,
      maxVideoSeconds: options.maxVideoSeconds ?? 3600,
    },
    c2pa: options.c2pa ?? { fetchRemote: false },
    ffmpeg: {},
  };
  const logger = options.logger ?? createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent');
  const services = await createServices(config, logger);
  await services.start();
  liveServices.add(services);
  const app = createApp({ config, logger, ...services });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    services,
    uploadDir,
    app,
    async close() {
      liveServices.delete(services);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(uploadDir, { recursive: true, force: true });
    },
  };
}

/** Empties every collection of the test database (between tests that must not see each other's data). */
export async function resetDatabase(): Promise<void> {
  await Promise.all(Object.values(mongoose.models).map((model) => model.deleteMany({})));
  // Deleted behind the repositories' backs, as another process would: the running apps' write
  // generations are moved on so no cached page shows what was there before.
  for (const services of liveServices) {
    await Promise.all(Object.values(services.generations).map((generation) => generation.after(async () => undefined)));
  }
}

/** Every file under the upload folder, relative to it: for asserting that nothing was left behind. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name))).sort();
}

/** Removes every stored file of a test app (its records are gone after resetDatabase). */
export async function emptyUploads(app: TestApp): Promise<void> {
  for (const folder of ['originals', 'derivatives', 'tmp', 'video-frames']) {
    await rm(path.join(app.uploadDir, folder), { recursive: true, force: true });
    await mkdir(path.join(app.uploadDir, folder), { recursive: true });
  }
}
