// S3-compatible object storage behind the blob-store port (@aws-sdk/client-s3). The SHA-256 is kept
// in the object's metadata (x-amz-meta-sha256), so a migration can tell a copy is right without reading it.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3BlobConfig } from '../shared/config';
import { BlobHashMismatchError, BlobNotFoundError, HashingStream, assertSha256, sha256Of, type BlobBody, type BlobInfo, type BlobStore, type ByteRange } from './blob-store';

function isNotFound(error: unknown): boolean {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return failure.name === 'NoSuchKey' || failure.name === 'NotFound' || failure.$metadata?.httpStatusCode === 404;
}

export function createS3BlobStore(config: S3BlobConfig): BlobStore & { client: S3Client } {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // S3-compatible servers differ in the checksums they accept; with the SDK's default mode a
    // streamed upload reaches s3rver with the checksum framing inside the stored bytes.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = config.bucket;

  async function put(key: string, body: BlobBody, sha256: string): Promise<void> {
    assertSha256(sha256);
    if (Buffer.isBuffer(body)) {
      const actual = sha256Of(body);
      if (actual !== sha256) throw new BlobHashMismatchError(key, sha256, actual);
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentLength: body.length, Metadata: { sha256 } }));
      return;
    }
    const source = 'file' in body ? createReadStream(body.file) : body.stream;
    const size = 'file' in body ? (await stat(body.file)).size : body.size;
    const hashing = new HashingStream();
    source.on('error', (error: Error) => hashing.destroy(error));
    source.pipe(hashing);
    try {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: hashing, ContentLength: size, Metadata: { sha256 } }));
    } finally {
      // A refused or broken upload leaves the source unread: let go of its file.
      source.destroy();
    }
    const actual = hashing.digest();
    if (actual !== sha256) {
      // The object was written before its last byte could be checked: take it away again.
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
      throw new BlobHashMismatchError(key, sha256, actual);
    }
  }

  async function statOf(key: string): Promise<BlobInfo | undefined> {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
      return { key, size: head.ContentLength ?? 0, lastModified: head.LastModified ?? new Date(0), sha256: head.Metadata?.sha256 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  return {
    kind: 's3',
    client,
    put,
    async get(key: string, range?: ByteRange): Promise<Readable> {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }));
        if (!(answer.Body instanceof Readable)) throw new Error(`S3 answered ${key} without a body stream`);
        return answer.Body;
      } catch (error) {
        if (isNotFound(error)) throw new BlobNotFoundError(key);
        throw error;
      }
    },
    stat: statOf,
    async exists(key: string): Promise<boolean> {
      return (await statOf(key)) !== undefined;
    },
    async delete(key: string): Promise<void> {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async *list(prefix: string): AsyncIterable<BlobInfo> {
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }));
        for (const object of page.Contents ?? []) {
          if (object.Key) yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },
    async redirectUrl(key, { contentType, cacheControl }): Promise<string | undefined> {
      if (config.serve !== 'redirect') return undefined;
      return getSignedUrl(client, new GetObjectCommand({ Bucket, Key: key, ResponseContentType: contentType, ResponseCacheControl: cacheControl }), {
        expiresIn: config.presignSeconds,
      });
    },
    localPath: () => undefined,
    // A PutObject is stored whole or not at all: nothing half-written to find.
    removeIncomplete: async () => 0,
  };
}
