// How an import run is shown: a progress bar on a terminal, one line per file otherwise, or one
// JSON object per file (--json) for scripts; and the closing summary.
import cliProgress from 'cli-progress';
import type { ImportEvent, ImportProgress, ImportSummary } from './importer';

export interface Reporter {
  event(event: ImportEvent): void;
  progress(progress: ImportProgress): void;
  finish(summary: ImportSummary): void;
  /** Leaves the terminal as it was (the bar gone, the cursor back) when the run ends early. */
  stop(): void;
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** Pure: the line a file's outcome is printed as. */
export function lineOf(event: ImportEvent): string | undefined {
  switch (event.type) {
    case 'imported':
      return `imported  ${event.file} → ${event.url}${event.usesAdded ? ` (+${event.usesAdded} use${event.usesAdded === 1 ? '' : 's'})` : ''}${event.nearDuplicates.length ? ` (near-duplicate of ${event.nearDuplicates.map((match) => match.url).join(', ')})` : ''}`;
    case 'held':
      return `held      ${event.file} → ${event.url}${event.usesAdded ? ` (${event.usesAdded} missing use${event.usesAdded === 1 ? '' : 's'} added)` : ''}`;
    case 'would-import':
      return `would import  ${event.file} (${megabytes(event.bytes)} MB${event.uses ? `, ${event.uses} use${event.uses === 1 ? '' : 's'}` : ''})`;
    case 'would-add-uses':
      return `would add ${event.uses} use${event.uses === 1 ? '' : 's'} to  ${event.file} → ${event.url}`;
    case 'refused':
      return `refused   ${event.file}: ${event.reason}${event.status ? ` (${event.status} ${event.code})` : ''}`;
    case 'skipped':
      return `skipped   ${event.file}: ${event.reason}`;
    case 'retry':
      return `retrying  ${event.file} (try ${event.attempt + 1}): ${event.reason}`;
    case 'warning':
      return `warning   ${event.message}`;
  }
}

/** Pure: the closing summary, as lines. */
export function summaryLines(summary: ImportSummary): string[] {
  const lines = [
    summary.dryRun ? 'Dry run: nothing was uploaded.' : '',
    `Imported: ${summary.imported}   Already held: ${summary.held}   Uses added: ${summary.usesAdded}   Refused: ${summary.refused.length}   Near-duplicates: ${summary.nearDuplicates.length}   Skipped (not images): ${summary.skipped}`,
  ].filter(Boolean);
  if (summary.refused.length > 0) {
    lines.push('Refused:');
    for (const refusal of summary.refused) lines.push(`  ${refusal.file}: ${refusal.reason}`);
  }
  if (summary.nearDuplicates.length > 0) {
    lines.push('Near-duplicates of images already held (check the credits):');
    for (const near of summary.nearDuplicates) lines.push(`  ${near.file} → ${near.matches.map((match) => match.url).join(', ')}`);
  }
  return lines;
}

export function createReporter(mode: 'tty' | 'lines' | 'json', out: NodeJS.WritableStream, err: NodeJS.WritableStream): Reporter {
  if (mode === 'json') {
    return {
      event: (event) => out.write(`${JSON.stringify(event)}\n`),
      progress: () => undefined,
      finish: (summary) => out.write(`${JSON.stringify({ type: 'summary', ...summary })}\n`),
      stop: () => undefined,
    };
  }
  if (mode === 'lines') {
    return {
      event: (event) => {
        const line = lineOf(event);
        if (line) (event.type === 'warning' || event.type === 'retry' ? err : out).write(`${line}\n`);
      },
      progress: () => undefined,
      finish: (summary) => out.write(`${summaryLines(summary).join('\n')}\n`),
      stop: () => undefined,
    };
  }
  const started = Date.now();
  // A MultiBar of one: unlike SingleBar it can print lines above the bar (log).
  const bars = new cliProgress.MultiBar(
    {
      format: '{bar} {value}/{total} files | checked {checked} | uploaded {uploaded} | {mb}/{mbTotal} MB | {rate} files/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 20,
      stream: err,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(0, 0, { checked: 0, uploaded: 0, mb: '0.0', mbTotal: '0.0', rate: '0.0' });
  return {
    // Only what needs a person's attention is printed above the bar; every file is in --json.
    event: (event) => {
      if (event.type === 'refused' || event.type === 'warning' || (event.type === 'imported' && event.nearDuplicates.length > 0)) bars.log(`${lineOf(event)}\n`);
    },
    progress: (progress) => {
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.setTotal(progress.total);
      bar.update(progress.done, { checked: progress.checked, uploaded: progress.uploaded, mb: megabytes(progress.bytesUploaded), mbTotal: megabytes(progress.bytesTotal), rate: (progress.done / seconds).toFixed(1) });
    },
    finish: (summary) => {
      bars.stop();
      out.write(`${summaryLines(summary).join('\n')}\n`);
    },
    stop: () => bars.stop(),
  };
}
