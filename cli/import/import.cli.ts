// `npm run import -- <folder> [options]`: imports a folder of images into a running archive through
// its HTTP API (see README, "Bulk import").
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { archiveCommand, type ArchiveOptions } from '../shared/archive-command';
import { ArchiveRequestError, createArchiveClient } from '../shared/archive-client';
import { readManifest, type DeclaredRow } from './declared';
import { runImport } from './importer';
import { createReporter } from './report';

const program = archiveCommand('import', 'Import a folder of images into the archive, with captions and credits from a manifest or XMP sidecars.')
  .argument('<folder>', 'folder to import')
  .option('--manifest <file>', 'CSV or JSON manifest: columns file, caption, credit, sourceUrl, sourceNote, printedLine, claimedDate, articleUrl, articleHeadline, articlePublisher, articlePublishedAt')
  .option('--no-recursive', 'only the folder itself, not its subfolders')
  .option('--concurrency <n>', 'uploads at a time', (value) => Number.parseInt(value, 10), 2)
  .option('--article-url <url>', 'article that ran every file (rows naming an article keep theirs)')
  .option('--article-headline <text>', "that article's headline")
  .option('--article-publisher <text>', "that article's publisher")
  .option('--article-published-at <date>', 'when it was published')
  .option('--dry-run', 'say what would happen without uploading')
  .option('--json', 'one JSON object per file on stdout (for scripts)');

async function main(): Promise<number> {
  program.parse();
  const options = program.opts<ArchiveOptions & {
    manifest?: string;
    recursive: boolean;
    concurrency: number;
    articleUrl?: string;
    articleHeadline?: string;
    articlePublisher?: string;
    articlePublishedAt?: string;
    dryRun?: boolean;
    json?: boolean;
  }>();
  const folder = path.resolve(program.args[0]);
  if (!(await stat(folder).catch(() => undefined))?.isDirectory()) {
    process.stderr.write(`${folder} is not a folder.\n`);
    return 2;
  }
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1 || options.concurrency > 16) {
    process.stderr.write('--concurrency must be a whole number from 1 to 16.\n');
    return 2;
  }
  const manifest = options.manifest ? await readManifest(path.resolve(options.manifest)) : undefined;
  const article: DeclaredRow = Object.fromEntries(
    Object.entries({ articleUrl: options.articleUrl, articleHeadline: options.articleHeadline, articlePublisher: options.articlePublisher, articlePublishedAt: options.articlePublishedAt }).filter(([, value]) => value !== undefined),
  );
  const mode = options.json ? 'json' : process.stderr.isTTY && process.stdout.isTTY ? 'tty' : 'lines';
  const reporter = createReporter(mode, process.stdout, process.stderr);
  const client = createArchiveClient({ server: options.server, token: options.token });
  const summary = await runImport({
    folder,
    recursive: options.recursive,
    manifest,
    exclude: options.manifest ? [path.resolve(options.manifest)] : [],
    article,
    concurrency: options.concurrency,
    dryRun: Boolean(options.dryRun),
    client,
    onEvent: (event) => reporter.event(event),
    onProgress: (progress) => reporter.progress(progress),
  }).catch((error: unknown) => {
    reporter.stop();
    throw error;
  });
  reporter.finish(summary);
  return summary.refused.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof ArchiveRequestError && error.code !== 'unreachable' ? `The archive refused the import: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(2);
  },
);
