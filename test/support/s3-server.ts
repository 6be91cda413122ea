// s3rver (npm), a stand-in for S3 in tests: started in this process on a random port in a temp folder.
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { S3BlobConfig } from '../../server/shared/config';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver ships no type declarations; this is the part of its API the tests use.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** Settings as BLOB_STORE=s3 with S3_ENDPOINT and path style would give them. */
  config(serve?: 'stream' | 'redirect'): S3BlobConfig;
  /** The same as environment variables, for a child process. */
  env(serve?: 'stream' | 'redirect'): Record<string, string>;
  close(): Promise<void>;
}

export async function startS3Server(bucket = 'archive-test'): Promise<TestS3Server> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'archive-test-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver accepts any key pair it is given (S3RVER/S3RVER is its documented default).
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    endpoint,
    bucket,
    config: (serve = 'stream') => ({ bucket, region: 'us-east-1', endpoint, forcePathStyle: true, credentials, serve, presignSeconds: 60 }),
    env: (serve = 'stream') => ({
      BLOB_STORE: 's3',
      BLOB_SERVE: serve,
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    }),
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
