// Runs the import tool as a user does, as its own process, and collects what it printed.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import mongoose from 'mongoose';
import { projectRoot } from '../support/archive-process';
import type { TestApp } from '../support/app';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines, when run with --json. */
  events: Array<Record<string, unknown>>;
}

/** `npm run -s import -- …` (with `viaNode`, the same script started with node directly, so a signal reaches it and not npm). */
export function runImportCli(args: string[], options: { viaNode?: boolean; env?: Record<string, string>; onLine?: (line: string, child: ChildProcess) => void } = {}): Promise<CliRun> {
  const child = options.viaNode
    ? spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'cli/import/import.cli.ts'), ...args], { cwd: projectRoot, env: { ...process.env, ...options.env } })
    : spawn('npm', ['run', '-s', 'import', '--', ...args], { cwd: projectRoot, env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      options.onLine?.(pending.slice(0, newline), child);
      pending = pending.slice(newline + 1);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, signal, stdout, stderr, events });
    });
  });
}

/** What the archive holds, in a form two runs can be compared by: records by SHA-256 with their declared fields and uses. */
export async function archiveState(app: TestApp) {
  const list = await (await fetch(`${app.url}/api/images?limit=100`)).json() as { items: Array<{ id: string }>; total: number };
  const records = [];
  for (const item of list.items) {
    const image = await (await fetch(`${app.url}/api/images/${item.id}`)).json() as {
      sha256: string;
      declared: Record<string, unknown>;
      uses: Array<{ printedLine: string | null; caption: string | null; credit: string | null; article: { url: string | null; headline: string | null } | null }>;
    };
    const { creditParts: _parts, ...declared } = image.declared;
    records.push({
      sha256: image.sha256,
      declared,
      uses: image.uses.map((use) => ({ printedLine: use.printedLine, caption: use.caption, credit: use.credit, article: use.article ? { url: use.article.url, headline: use.article.headline } : null })),
    });
  }
  records.sort((a, b) => a.sha256.localeCompare(b.sha256));
  const db = mongoose.connection.db!;
  return {
    total: list.total,
    records,
    metadataDocuments: await db.collection('imagemetadatas').countDocuments(),
    imagesWithHistory: (await db.collection('historyentries').distinct('image')).length,
    articles: await db.collection('articles').countDocuments(),
  };
}
