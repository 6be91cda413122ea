// A real app on a listening port, with the real services, a temp upload folder and the test database.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { ROLES } from '../../server/accounts/roles';
import { createApp } from '../../server/app';
import type { Role } from '../../server/accounts/roles';
import { createServices, type Services } from '../../server/services';
import type { BlobsConfig } from '../../server/shared/config';
import { createLogger, type AppLogger } from '../../server/shared/logger';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/images');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** Credentials of an account made for a test: send `header` (or `token` as a bearer). */
export interface TestCredentials {
  role: Role;
  accountId: string;
  email: string;
  name: string;
  token: string;
  header: { Authorization: string };
}

export interface TestApp {
  url: string;
  /** One account per role, made at start (accounts survive resetDatabase). */
  credentials: Record<Role, TestCredentials>;
  /** An HTTP client that sends this role's API token with every request. */
  as(role: Role): ReturnType<typeof request.agent>;
  /** A new account with this role and an API token for it (the account has no password). */
  actAs(role: Role, name?: string): Promise<TestCredentials>;
  /** A new account with this role and a password, for signing in through /login. */
  accountWithPassword(role: Role, name?: string): Promise<{ email: string; password: string; name: string; accountId: string }>;
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
  publicGallery?: boolean;
  /** Failed sign-ins allowed per account in the window; the window in seconds. */
  loginAttempts?: number;
  loginWindowSeconds?: number;
  anonymousRequestsPerMinute?: number;
  /** Default: silent (or debug with TEST_LOG_LEVEL=debug). */
  logger?: AppLogger;
  /** Where finished files go (BLOB_STORE and its settings); default the local folder. */
  blobs?: BlobsConfig;
  /** Age limit of the gallery's pages and article choices (ServiceOptions.cacheMaxAgeMs). */
  cacheMaxAgeMs?: number;
  /** LEFTOVER_MARGIN_SECONDS; default 0 (one app per test, whose leftovers are all its own). */
  leftoverMarginSeconds?: number;
}

export const TEST_PASSWORD = 'correct horse battery staple 7';
let accountCounter = 0;

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
    blobs: options.blobs ?? { store: 'local' as const },
    leftoverMarginSeconds: options.leftoverMarginSeconds ?? 0,
    accounts: {
      publicGallery: options.publicGallery ?? true,
      trustProxy: 'loopback',
      sessionIdleMinutes: 30,
      loginThrottle: { perAccount: options.loginAttempts ?? 5, perAddress: 1000, windowSeconds: options.loginWindowSeconds ?? 60 },
      anonymousRequestsPerMinute: options.anonymousRequestsPerMinute ?? 1000,
    },
  };
  const logger = options.logger ?? createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent');
  const services = await createServices(config, logger, { cacheMaxAgeMs: options.cacheMaxAgeMs });
  await services.start();
  liveServices.add(services);
  const app = createApp({ config, logger, ...services });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const makeCredentials = async (role: Role, name?: string): Promise<TestCredentials> => {
    accountCounter += 1;
    const email = `${role}-${process.pid}-${accountCounter}@test.example`;
    const account = await services.accounts.accounts.createAccount({ email, role, name: name ?? `Test ${role} ${accountCounter}` });
    const { token } = await services.accounts.accounts.issueToken(account._id, { name: 'test' });
    return { role, accountId: String(account._id), email, name: account.name, token, header: { Authorization: `Bearer ${token}` } };
  };
  const credentials = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await makeCredentials(role)] as const))) as Record<Role, TestCredentials>;
  return {
    url,
    credentials,
    as: (role) => request.agent(url).set(credentials[role].header),
    server,
    services,
    uploadDir,
    app,
    actAs: makeCredentials,
    async accountWithPassword(role, name) {
      accountCounter += 1;
      const email = `${role}-${process.pid}-${accountCounter}@test.example`;
      const account = await services.accounts.accounts.createAccount({ email, role, name: name ?? `Test ${role} ${accountCounter}`, password: TEST_PASSWORD });
      return { email, password: TEST_PASSWORD, name: account.name, accountId: String(account._id) };
    },
    async close() {
      liveServices.delete(services);
      await services.stopSignal();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(uploadDir, { recursive: true, force: true });
    },
  };
}

/** Accounts and their tokens: kept by resetDatabase, so each test app's role accounts stay usable. */
const ACCOUNT_MODELS = new Set(['Account', 'ApiToken']);

/**
 * Empties every collection of the test database (between tests that must not see each other's
 * data), except accounts and tokens unless `accounts` is set.
 */
export async function resetDatabase(options: { accounts?: boolean } = {}): Promise<void> {
  const models = Object.values(mongoose.models).filter((model) => options.accounts || !ACCOUNT_MODELS.has(model.modelName));
  await Promise.all(models.map((model) => model.deleteMany({})));
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
