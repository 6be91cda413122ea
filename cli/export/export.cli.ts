// `npm run export -- <folder> [--credit …] [--article …] [--since DATE]` (see README, "Export").
import path from 'node:path';
import { archiveCommand, type ArchiveOptions } from '../shared/archive-command';
import { ArchiveRequestError, createArchiveClient } from '../shared/archive-client';
import { runExport } from './exporter';

const program = archiveCommand('export', 'Export images with their credits embedded, plus manifest.json (records, uses, articles, history, provenance) and manifest.csv (for npm run import).')
  .argument('<folder>', 'folder to write into (created if needed)')
  .option('--credit <credit>', 'only images with this credit (case and accents ignored)')
  .option('--article <id|url|headline>', 'only images this article ran')
  .option('--since <date>', 'only images stored on or after this date');

async function main(): Promise<number> {
  program.parse();
  const options = program.opts<ArchiveOptions & { credit?: string; article?: string; since?: string }>();
  const since = options.since ? new Date(options.since) : undefined;
  if (since && Number.isNaN(since.getTime())) {
    process.stderr.write(`--since must be a date such as 2025-02-07 (got "${options.since}").\n`);
    return 2;
  }
  const folder = path.resolve(program.args[0]);
  const result = await runExport({ client: createArchiveClient({ server: options.server, token: options.token }), folder, credit: options.credit, article: options.article, since, onLine: (line) => process.stdout.write(`${line}\n`) });
  for (const warning of result.warnings) process.stderr.write(`warning   ${warning}\n`);
  process.stdout.write(`Exported ${result.images} image(s) and ${result.articles} article(s) to ${folder} (manifest.json, manifest.csv).\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ArchiveRequestError && error.code !== 'unreachable' ? `The archive refused the export: ${error.message}` : error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
