// Configuration is read from the environment once, at start, and validated as a whole:
// a bad value stops the start with a message naming every offending variable.
import { readFileSync } from 'node:fs';
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
  MAX_VIDEO_MB: positiveInt(2000),
  MAX_VIDEO_SECONDS: positiveInt(3600),
  FFMPEG_PATH: z.string().startsWith('/', 'must be an absolute path to the ffmpeg binary').optional(),
  FFPROBE_PATH: z.string().startsWith('/', 'must be an absolute path to the ffprobe binary').optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  // Content Credentials: the trust list is a local PEM file, never fetched at run time.
  C2PA_TRUST_ANCHORS: z.string().min(1).optional(),
  C2PA_FETCH_REMOTE: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  // Accounts, sessions and limits (server/accounts/).
  PUBLIC_GALLERY: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  TRUST_PROXY: z.string().min(1).default('loopback'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: positiveInt(120),
  LOGIN_ATTEMPTS_PER_ACCOUNT: positiveInt(5),
  LOGIN_ATTEMPTS_PER_ADDRESS: positiveInt(20),
  LOGIN_WINDOW_SECONDS: positiveInt(60),
  ANONYMOUS_LOOKUPS_PER_MINUTE: positiveInt(10),
  // Where finished files live (server/blobs/): the local folder, S3-compatible storage, or GridFS.
  BLOB_STORE: z.enum(['local', 's3', 'gridfs'], { error: 'must be local, s3 or gridfs' }).default('local'),
  BLOB_SERVE: z.enum(['stream', 'redirect'], { error: 'must be stream or redirect' }).default('stream'),
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ENDPOINT: z.url({ error: 'must be a URL such as https://s3.example.org' }).optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_PRESIGN_SECONDS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(604800, 'must be at most 604800 (7 days, the S3 limit)').default(300),
  // Leftovers younger than this may be another instance's work in progress: clean-ups leave them.
  LEFTOVER_MARGIN_SECONDS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').default(3600),
}).superRefine((value, context) => {
  if (value.BLOB_STORE === 's3' && !value.S3_BUCKET) context.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'is needed with BLOB_STORE=s3' });
  if (value.BLOB_SERVE === 'redirect' && value.BLOB_STORE !== 's3') context.addIssue({ code: 'custom', path: ['BLOB_SERVE'], message: 'redirect needs BLOB_STORE=s3 (only object storage can presign a URL)' });
  if (Boolean(value.S3_ACCESS_KEY_ID) !== Boolean(value.S3_SECRET_ACCESS_KEY)) {
    context.addIssue({ code: 'custom', path: [value.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID'], message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together (or neither, for the SDK\'s own credential chain)' });
  }
});

/** The PEM trust anchors in a file, or a message saying what is wrong with it. */
function readTrustAnchors(file: string): { pem: string } | { error: string } {
  let text: string;
  try {
    text = readFileSync(path.resolve(file), 'utf8');
  } catch (error) {
    return { error: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text)) return { error: `${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)` };
  return { pem: text };
}

export interface Config {
  port: number;
  host: string;
  /** Folder of the embedded database (unused when mongodbUri is set). */
  dbPath: string;
  uploadDir: string;
  mongodbUri?: string;
  limits: { maxUploadBytes: number; maxFilesPerUpload: number; maxPixels: number; maxVideoBytes: number; maxVideoSeconds: number };
  /** Where FFmpeg is when not the system's (server/video/ffmpeg.ts chooses). */
  ffmpeg: { ffmpegPath?: string; ffprobePath?: string };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Content Credentials: trust anchors (PEM) the signer must chain to, and whether remote manifests are fetched. */
  c2pa: { trustAnchorsPem?: string; fetchRemote: boolean };
  accounts: AccountsConfig;
  blobs: BlobsConfig;
  /** Clean-ups touch only leftovers older than this (another instance's upload may be in progress). */
  leftoverMarginSeconds: number;
}

export interface S3BlobConfig {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  /** Unset: the SDK's own chain (environment, instance role, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Originals and derivatives streamed through the app, or answered with a presigned redirect. */
  serve: 'stream' | 'redirect';
  presignSeconds: number;
}

export type BlobsConfig = { store: 'local' } | { store: 'gridfs' } | { store: 's3'; s3: S3BlobConfig };

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
  const anchors = value.C2PA_TRUST_ANCHORS ? readTrustAnchors(value.C2PA_TRUST_ANCHORS) : undefined;
  if (anchors && 'error' in anchors) throw new ConfigError(`Invalid configuration:\n  C2PA_TRUST_ANCHORS: ${anchors.error}`);
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
      maxVideoBytes: value.MAX_VIDEO_MB * MB,
      maxVideoSeconds: value.MAX_VIDEO_SECONDS,
    },
    ffmpeg: { ffmpegPath: value.FFMPEG_PATH, ffprobePath: value.FFPROBE_PATH },
    logLevel: value.LOG_LEVEL,
    c2pa: { ...(anchors ? { trustAnchorsPem: anchors.pem } : {}), fetchRemote: value.C2PA_FETCH_REMOTE === 'true' },
    accounts: {
      publicGallery: value.PUBLIC_GALLERY === 'true',
      trustProxy: value.TRUST_PROXY,
      sessionSecret: value.SESSION_SECRET,
      sessionIdleMinutes: value.SESSION_IDLE_MINUTES,
      loginThrottle: { perAccount: value.LOGIN_ATTEMPTS_PER_ACCOUNT, perAddress: value.LOGIN_ATTEMPTS_PER_ADDRESS, windowSeconds: value.LOGIN_WINDOW_SECONDS },
      anonymousRequestsPerMinute: value.ANONYMOUS_LOOKUPS_PER_MINUTE,
    },
    blobs:
      value.BLOB_STORE === 's3'
        ? {
            store: 's3',
            s3: {
              bucket: value.S3_BUCKET!,
              region: value.S3_REGION,
              endpoint: value.S3_ENDPOINT,
              forcePathStyle: value.S3_FORCE_PATH_STYLE === 'true',
              ...(value.S3_ACCESS_KEY_ID && value.S3_SECRET_ACCESS_KEY
                ? { credentials: { accessKeyId: value.S3_ACCESS_KEY_ID, secretAccessKey: value.S3_SECRET_ACCESS_KEY } }
                : {}),
              serve: value.BLOB_SERVE,
              presignSeconds: value.S3_PRESIGN_SECONDS,
            },
          }
        : { store: value.BLOB_STORE },
    leftoverMarginSeconds: value.LEFTOVER_MARGIN_SECONDS,
  };
}
