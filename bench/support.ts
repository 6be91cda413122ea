// Shared by the benchmarks: percentiles, a child-process archive server, and peak RSS from /proc.
import { readFile } from 'node:fs/promises';

export function percentile(sortedOrNot: number[], p: number): number {
  const sorted = [...sortedOrNot].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/** Peak resident set size (VmHWM) of a process, in MB. */
export async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

export { freePort, projectRoot, startArchiveProcess, tokenThroughCli, type ArchiveProcess } from '../test/support/archive-process';
