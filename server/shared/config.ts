// Configuration is read from the environment once, at start, and validated as a whole:
// a bad value stops the start with a message naming every offending variable.
import path from 'node:path';
import { z } from 'zod';

const MB = 1024 * 1024;

const positiveInt = (fallback: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be greater than 0').default(fallback);

const schema = z.object({
  PORT: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(65535, 'must be a TCP port (0–65535)').default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  UPLOAD_DIR: z.string().min(1).default('./uploads'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  MAX_UPLOAD_MB: positiveInt(50),
  MAX_FILES_PER_UPLOAD: positiveInt(20),
  MAX_MEGAPIXELS: positiveInt(100),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  // Accounts, sessions and limits (server/accounts/).
  PUBLIC_GALLERY: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  TRUST_PROXY: z.string().min(1).default('loopback'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: positiveInt(120),
  LOGIN_ATTEMPTS_PER_ACCOUNT: positiveInt(5),
  LOGIN_ATTEMPTS_PER_ADDRESS: positiveInt(20),
  LOGIN_WINDOW_SECONDS: positiveInt(60),
  ANONYMOUS_LOOKUPS_PER_MINUTE: positiveInt(10),
});

export interface Config {
  port: number;
  host: string;
  /** Folder of the embedded database (unused when mongodbUri is set). */
  dbPath: string;
  uploadDir: string;
  mongodbUri?: string;
  limits: { maxUploadBytes: number; maxFilesPerUpload: number; maxPixels: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  accounts: AccountsConfig;
}

export interface AccountsConfig {
  /** Whether anonymous visitors may browse (gallery, image and article pages, /check). */
  publicGallery: boolean;
  /** Express's "trust proxy": which proxies' X-Forwarded-* to believe (secure cookies, client address). */
  trustProxy: string;
  /** Unset: a secret made once and kept in the database, shared by every app instance. */
  sessionSecret?: string;
  sessionIdleMinutes: number;
  loginThrottle: { perAccount: number; perAddress: number; windowSeconds: number };
  anonymousRequestsPerMinute: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as in most shells' `VAR= npm start`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const value = parsed.data;
  return {
    port: value.PORT,
    host: value.HOST,
    dbPath: path.resolve(value.DATA_DIR, 'db'),
    uploadDir: path.resolve(value.UPLOAD_DIR),
    mongodbUri: value.MONGODB_URI,
    limits: {
      maxUploadBytes: value.MAX_UPLOAD_MB * MB,
      maxFilesPerUpload: value.MAX_FILES_PER_UPLOAD,
      maxPixels: value.MAX_MEGAPIXELS * 1_000_000,
    },
    logLevel: value.LOG_LEVEL,
    accounts: {
      publicGallery: value.PUBLIC_GALLERY === 'true',
      trustProxy: value.TRUST_PROXY,
      sessionSecret: value.SESSION_SECRET,
      sessionIdleMinutes: value.SESSION_IDLE_MINUTES,
      loginThrottle: { perAccount: value.LOGIN_ATTEMPTS_PER_ACCOUNT, perAddress: value.LOGIN_ATTEMPTS_PER_ADDRESS, windowSeconds: value.LOGIN_WINDOW_SECONDS },
      anonymousRequestsPerMinute: value.ANONYMOUS_LOOKUPS_PER_MINUTE,
    },
  };
}
