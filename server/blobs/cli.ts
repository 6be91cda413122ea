// npm run blobs -- migrate --to <local|s3|gridfs>: copies the archive's files from the configured
// store (BLOB_STORE) to another, hash-checked and resumable. Switch BLOB_STORE once it reports no failure.
import { Command, Option } from 'commander';
import mongoose from 'mongoose';
import { connectDatabase, DatabaseUnavailableError, type Database } from '../db/connection';
import { ConfigError, loadConfig, type BlobsConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import type { BlobStoreKind } from './blob-store';
import { createBlobStore } from './blobs';
import { migrateBlobs } from './migrate';

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function migrate(to: BlobStoreKind): Promise<number> {
  const config = loadConfig();
  if (to === config.blobs.store) {
    process.stderr.write(`The archive's files are already in the ${to} store (BLOB_STORE=${to}); nothing to migrate.\n`);
    return 2;
  }
  // The target's settings are validated as if it were the configured store (S3_BUCKET and the rest).
  const targetConfig: BlobsConfig = loadConfig({ ...process.env, BLOB_STORE: to, BLOB_SERVE: 'stream' }).blobs;
  const logger = createLogger(config.logLevel === 'debug' ? 'debug' : 'warn');
  let database: Database | undefined;
  if (config.blobs.store === 'gridfs' || to === 'gridfs') {
    database = await connectDatabase({ mongodbUri: config.mongodbUri, dbPath: config.dbPath, purpose: 'tool' }, logger);
  }
  const db = () => {
    if (!mongoose.connection.db) throw new Error('GridFS needs the database connection, which is not open');
    return mongoose.connection.db;
  };
  try {
    const source = createBlobStore(config.blobs, config.uploadDir, db);
    const target = createBlobStore(targetConfig, config.uploadDir, db);
    process.stdout.write(`Copying the archive's files from ${source.kind} to ${target.kind}, checking every SHA-256…\n`);
    const started = Date.now();
    const report = await migrateBlobs(source, target, (event) => {
      const line = event.outcome === 'failed' ? `FAILED ${event.key}: ${event.reason}` : `${event.outcome === 'copied' ? 'copied ' : 'present'} ${event.key} (${megabytes(event.size)})`;
      process.stdout.write(`[${event.index}/${event.total}] ${line}\n`);
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `Done in ${seconds} s: ${report.total} files, ${report.copied} copied (${megabytes(report.bytesCopied)}), ${report.present} already in ${target.kind} with the right hash, ${report.failed.length} failed.\n`,
    );
    if (report.ignored.length > 0) process.stdout.write(`Left alone (not files the archive names): ${report.ignored.join(', ')}\n`);
    if (report.failed.length > 0) {
      process.stdout.write('Run the command again to retry the failed files; keep BLOB_STORE as it is until none fails.\n');
      return 1;
    }
    process.stdout.write(`Every file is in ${target.kind}. Set BLOB_STORE=${target.kind} (and its settings) and restart the archive.\n`);
    return 0;
  } finally {
    await database?.close();
  }
}

const program = new Command('npm run blobs --').description("The archive's stored files (originals, derivatives, video frames).");
program
  .command('migrate')
  .description('copy every file from the configured store (BLOB_STORE) to another, verifying each SHA-256; resumable')
  .addOption(new Option('--to <store>', 'the store to copy to').choices(['local', 's3', 'gridfs']).makeOptionMandatory())
  .action(async (options: { to: BlobStoreKind }) => {
    process.exitCode = await migrate(options.to);
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DatabaseUnavailableError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
