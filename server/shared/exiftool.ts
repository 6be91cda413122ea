// ExifTool (exiftool-vendored's Perl script) as the archive runs it: a pool of processes started
// on first use, each under an address-space ceiling, ended by close(). Every reader and writer of
// untrusted files goes through this one launcher, so none runs without the bound.
import { createRequire } from 'node:module';
import { DefaultExiftoolArgs, ExifTool } from 'exiftool-vendored';

/**
 * Address-space ceiling of each ExifTool process: a normal read or write needs under 200 MB; a block
 * that escaped the expansion caps (images/metadata.bounds.ts) ends in "Out of memory!" instead of gigabytes.
 */
export const EXIFTOOL_MAX_VIRTUAL_KB = 512 * 1024;

export interface ExifToolOptions {
  maxProcs: number;
  taskTimeoutMillis: number;
  maxTasksPerProcess?: number;
}

export interface ExifToolPool {
  /** The running pool, started now if it is not. */
  get(): ExifTool;
  /** Ends the processes; a later get() starts new ones. */
  close(): Promise<void>;
}

/** The Perl script exiftool-vendored would run, started instead through sh so that ulimit applies to it. */
function limitedLaunch(): { exiftoolPath: string; exiftoolArgs: string[] } {
  const script = createRequire(import.meta.url).resolve('exiftool-vendored.pl/bin/exiftool');
  return {
    exiftoolPath: '/bin/sh',
    exiftoolArgs: ['-c', `ulimit -v ${EXIFTOOL_MAX_VIRTUAL_KB} && exec perl "$0" "$@"`, script, ...DefaultExiftoolArgs],
  };
}

export function createExifToolPool({ maxProcs, taskTimeoutMillis, maxTasksPerProcess = 500 }: ExifToolOptions): ExifToolPool {
  let running: ExifTool | undefined;
  return {
    get() {
      running ??= new ExifTool({
        maxProcs,
        taskTimeoutMillis,
        // A file that times out once will time out again; retrying only doubles the cost.
        taskRetries: 0,
        maxTasksPerProcess,
        ...limitedLaunch(),
        ignoreShebang: false, // the launch above is a shell, not the script
      });
      return running;
    },
    async close() {
      const pool = running;
      running = undefined;
      if (pool) await pool.end();
    },
  };
}
