// The FFmpeg adapter: which binaries run, and how. Untrusted video is a classic attack surface
// (demuxer and decoder bugs), so every run is a child process with a wall-clock timeout, CPU-time
// and address-space limits (prlimit from util-linux, applied before exec), no network protocols
// (`-protocol_whitelist file,pipe`), the demuxer forced to the container sniffed from the bytes,
// and an input path the archive made itself (a temporary or content-addressed name), never one a client chose.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InternalError, UnprocessableError } from '../shared/errors';

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
  /** Where they came from, for the start-up log and README: 'FFMPEG_PATH', 'system' or 'npm'. */
  source: 'FFMPEG_PATH' | 'system' | 'npm';
}

export interface RunLimits {
  /** Wall-clock limit; the process group is killed when it passes. */
  wallMs: number;
  /** RLIMIT_CPU: CPU seconds over all threads (the kernel sends SIGXCPU, then SIGKILL). */
  cpuSeconds: number;
  /** RLIMIT_AS: address space in bytes; an allocation past it fails inside FFmpeg, which then exits. */
  memoryBytes: number;
}

/** Address space for one FFmpeg run: decoders reserve far more than they touch (measured RSS is ~80 MB at 1080p). */
export const FFMPEG_MEMORY_BYTES = 1536 * 1024 * 1024;

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * FFMPEG_PATH (and FFPROBE_PATH, else the ffprobe beside it) when set; else Debian's /usr/bin
 * binaries, which the distribution keeps patched; else the static builds shipped inside the
 * optional npm packages @ffmpeg-installer/linux-x64 and @ffprobe-installer/linux-x64 (no download
 * at install; older FFmpeg, unpatched, so only a fallback). Throws when none is usable.
 */
export function resolveFfmpeg(env: { ffmpegPath?: string; ffprobePath?: string } = {}): FfmpegBinaries {
  if (env.ffmpegPath) {
    const ffprobe = env.ffprobePath ?? path.join(path.dirname(env.ffmpegPath), 'ffprobe');
    for (const file of [env.ffmpegPath, ffprobe]) {
      if (!executable(file)) throw new Error(`FFMPEG_PATH: ${file} is not an executable file`);
    }
    return { ffmpeg: env.ffmpegPath, ffprobe, source: 'FFMPEG_PATH' };
  }
  for (const dir of ['/usr/bin', '/usr/local/bin']) {
    const ffmpeg = path.join(dir, 'ffmpeg');
    const ffprobe = path.join(dir, 'ffprobe');
    if (executable(ffmpeg) && executable(ffprobe)) return { ffmpeg, ffprobe, source: 'system' };
  }
  const require = createRequire(import.meta.url);
  try {
    const ffmpeg = path.join(path.dirname(require.resolve('@ffmpeg-installer/linux-x64/package.json')), 'ffmpeg');
    const ffprobe = path.join(path.dirname(require.resolve('@ffprobe-installer/linux-x64/package.json')), 'ffprobe');
    if (executable(ffmpeg) && executable(ffprobe)) return { ffmpeg, ffprobe, source: 'npm' };
  } catch {
    // not installed (another platform): fall through to the error below
  }
  throw new Error('No ffmpeg/ffprobe found: install Debian\'s ffmpeg (apt-get install ffmpeg) or set FFMPEG_PATH');
}

/** prlimit applies the limits and then execs the binary, so the limits hold from its first instruction. */
const PRLIMIT = '/usr/bin/prlimit';

export interface RunResult {
  stderr: string;
}

export interface RunOptions {
  limits: RunLimits;
  /** Receives stdout with backpressure (frames, JSON): FFmpeg waits while it is busy. Without it stdout is discarded. */
  stdout?: Writable;
  /** Receives stderr lines as they arrive (FFmpeg's log, e.g. the metadata filter's frame times). */
  onStderrLine?: (line: string) => void;
  /** How much of stderr to keep for the error message. */
  keepStderrBytes?: number;
}

/** Thrown when FFmpeg refused the input: the caller turns it into a message about the file. */
export class FfmpegFailure extends Error {
  constructor(
    message: string,
    readonly reason: 'exit' | 'timeout' | 'cpu' | 'memory',
    readonly stderrTail: string,
  ) {
    super(message);
  }
}

/**
 * Runs one FFmpeg binary with the limits. Rejects with FfmpegFailure when it exits non-zero,
 * runs past its time or is killed by a limit; a failure to start at all is an InternalError.
 */
export function runLimited(binary: string, args: string[], options: RunOptions): Promise<RunResult> {
  const { limits } = options;
  const keep = options.keepStderrBytes ?? 8192;
  const command = executable(PRLIMIT) ? PRLIMIT : undefined;
  const argv = command
    ? [`--cpu=${Math.ceil(limits.cpuSeconds)}`, `--as=${Math.floor(limits.memoryBytes)}`, '--core=0', '--', binary, ...args]
    : args;
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout kills FFmpeg and any thread or helper it started.
    const child = spawn(command ?? binary, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } });
    let stderr = '';
    let partialLine = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, limits.wallMs);
    let consumerError: unknown;
    const consumed = options.stdout
      ? pipeline(child.stdout, options.stdout).catch((error: unknown) => {
          // The consumer refused what it read (or failed): stop FFmpeg, report the consumer's error.
          consumerError = error;
          killGroup(child.pid);
        })
      : (child.stdout.resume(), Promise.resolve());
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr = (stderr + text).slice(-keep);
      if (!options.onStderrLine) return;
      const lines = (partialLine + text).split(/\r?\n|\r/);
      partialLine = lines.pop() ?? '';
      for (const line of lines) options.onStderrLine(line);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new InternalError('The video decoder could not be started.', { cause: error }));
    });
    child.on('close', async (code, signal) => {
      clearTimeout(timer);
      await consumed;
      if (consumerError) return reject(consumerError);
      if (partialLine && options.onStderrLine) options.onStderrLine(partialLine);
      if (timedOut) return reject(new FfmpegFailure(`took longer than ${Math.round(limits.wallMs / 1000)} s`, 'timeout', stderr));
      if (signal === 'SIGXCPU' || (signal === 'SIGKILL' && !timedOut)) return reject(new FfmpegFailure(`used more than ${limits.cpuSeconds} s of CPU time`, 'cpu', stderr));
      if (code !== 0) {
        const memory = /Cannot allocate memory|cannot allocate|out of memory/i.test(stderr);
        return reject(new FfmpegFailure(lastMeaningfulLine(stderr) ?? `exited with ${code ?? signal}`, memory ? 'memory' : 'exit', stderr));
      }
      resolve({ stderr });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** FFmpeg's last error line without the "[mov,mp4,… @ 0x…]" prefix and without our temp path. */
export function lastMeaningfulLine(stderr: string): string | undefined {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((line) => line.replace(/^\[[^\]]+\]\s*/, '').replace(/file:\S+/g, 'the file').replace(/\/\S+\.part\b/g, 'the file').trim())
    .filter((line) => line && !/^(frame=|video:|Press \[q\])/.test(line));
  return lines.at(-1);
}

/** The archive's refusal for a file FFmpeg could not read. */
export function unreadableVideo(failure: unknown, what = 'The video could not be read'): Error {
  if (failure instanceof FfmpegFailure) {
    if (failure.reason === 'timeout' || failure.reason === 'cpu' || failure.reason === 'memory') {
      return new UnprocessableError(`${what}: decoding it ${failure.message}, more than a video of its length should need.`, { code: 'video_too_costly', cause: failure });
    }
    return new UnprocessableError(`${what} (${failure.message}); it may be truncated or damaged.`, { code: 'undecodable_video', cause: failure });
  }
  return failure instanceof Error ? failure : new Error(String(failure));
}

/** Input options every run starts with: no network, no stdin, the demuxer named, the file by `file:`. */
export function inputArgs(filePath: string, demuxer: string): string[] {
  if (!path.isAbsolute(filePath)) throw new InternalError('FFmpeg input must be an absolute path the archive made');
  return ['-hide_banner', '-nostdin', '-protocol_whitelist', 'file,pipe', '-f', demuxer, '-i', `file:${filePath}`];
}
