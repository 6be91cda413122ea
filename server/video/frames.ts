// Frame sampling: one FFmpeg pass over the whole video picks the frames worth keeping (a scene
// change, or the minimum rate) and pipes them out small, as raw RGB, with their timestamps and scene
// scores read from the metadata filter's log. Nothing of the video is held in memory beyond a frame.
import { Writable } from 'node:stream';
import { FFMPEG_MEMORY_BYTES, inputArgs, runLimited, unreadableVideo, type FfmpegBinaries, type RunLimits } from './ffmpeg';
import { demuxerOf, type VideoFormat } from '../files/video-format';

export interface SampledFrame {
  /** Presentation time in seconds from the start of the video. */
  t: number;
  /** FFmpeg's scene-change score against the previous decoded frame (0–1). */
  scene: number;
  width: number;
  height: number;
  /** width × height × 3 bytes of RGB. */
  rgb: Buffer;
}

export interface SamplingOptions {
  /** A frame is taken at least this often, in seconds, whatever the scene score. */
  intervalSeconds: number;
  /** Scene score above which a frame is taken as a cut. */
  sceneThreshold: number;
  /** Size the frames come out at (the picture as displayed, scaled). */
  width: number;
  height: number;
  /** Decoder threads; FFmpeg's default is one per core. */
  threads?: number;
}

/** Limits for a pass over the whole video, from its length (decoding runs at many times real time). */
export function passLimits(durationSeconds: number): RunLimits {
  return { wallMs: (120 + 2 * durationSeconds) * 1000, cpuSeconds: 120 + 4 * durationSeconds, memoryBytes: FFMPEG_MEMORY_BYTES };
}

/** Output size for sampled frames: `longSide` on the longer side, even numbers (yuv→rgb scalers want them). */
export function sampleSize(width: number, height: number, longSide: number): { width: number; height: number } {
  const scale = Math.min(1, longSide / Math.max(width, height));
  const even = (n: number) => Math.max(2, Math.round((n * scale) / 2) * 2);
  return { width: even(width), height: even(height) };
}

/** Resolves the k-th timestamp as soon as the log has printed it. */
class Timestamps {
  private readonly known: Array<{ t: number; scene: number }> = [];
  private readonly waiting = new Map<number, (value: { t: number; scene: number }) => void>();
  private pending?: { t: number };
  private ended = false;

  line(text: string): void {
    const frame = text.match(/\bframe:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[\d.]+)/);
    if (frame) {
      this.flush(0);
      this.pending = { t: Number(frame[1]) };
      return;
    }
    const score = text.match(/lavfi\.scene_score=([\d.]+)/);
    if (score && this.pending) this.flush(Number(score[1]));
  }

  private flush(scene: number): void {
    if (!this.pending) return;
    const entry = { t: this.pending.t, scene };
    this.pending = undefined;
    const k = this.known.push(entry) - 1;
    this.waiting.get(k)?.(entry);
    this.waiting.delete(k);
  }

  end(): void {
    this.flush(0);
    this.ended = true;
  }

  get(k: number): Promise<{ t: number; scene: number }> {
    if (k < this.known.length) return Promise.resolve(this.known[k]);
    if (this.ended) return Promise.reject(new Error(`no timestamp for sampled frame ${k}`));
    return new Promise((resolve) => this.waiting.set(k, resolve));
  }
}

/**
 * Decodes the whole video once and calls `onFrame` for each sampled frame, in order; FFmpeg waits
 * while `onFrame` works (backpressure through the pipe). Resolves with the number of frames.
 */
export async function sampleFrames(
  binaries: FfmpegBinaries,
  filePath: string,
  format: VideoFormat,
  durationSeconds: number,
  options: SamplingOptions,
  onFrame: (frame: SampledFrame) => Promise<void>,
): Promise<number> {
  const { width, height } = options;
  const frameBytes = width * height * 3;
  const times = new Timestamps();
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let count = 0;
  const deliver = async (rgb: Buffer) => {
    const { t, scene } = await times.get(count);
    count++;
    await onFrame({ t, scene, width, height, rgb });
  };
  const sink = new Writable({
    highWaterMark: frameBytes,
    write(chunk: Buffer, _encoding, done) {
      buffered.push(chunk);
      bufferedBytes += chunk.length;
      (async () => {
        while (bufferedBytes >= frameBytes) {
          const all = Buffer.concat(buffered);
          const frame = all.subarray(0, frameBytes);
          const rest = all.subarray(frameBytes);
          buffered = rest.length > 0 ? [rest] : [];
          bufferedBytes = rest.length;
          await deliver(Buffer.from(frame));
        }
      })().then(() => done(), done);
    },
  });
  // Scale first, so the scene score is computed on small frames (cheap), then select: a frame is kept
  // at a cut, as the first frame, or when the minimum interval has passed since the last kept one.
  const select = `select='gt(scene\\,${options.sceneThreshold})+isnan(prev_selected_t)+gte(t-prev_selected_t\\,${options.intervalSeconds - 0.001})'`;
  const filters = `scale=${width}:${height}:flags=bilinear,${select},metadata=mode=print`;
  const args = [
    ...(options.threads ? ['-threads', String(options.threads)] : []),
    // H.264/H.265 deblocking is a fifth of the decoding time (measured: 4.9 → 4.1 CPU-s per 10 s of
    // 1080p30) and its effect is invisible once frames are scaled to 320 px for hashing and the sheet.
    '-skip_loop_filter',
    'all',
    ...inputArgs(filePath, demuxerOf(format)),
    '-nostats',
    '-loglevel',
    'info',
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    filters,
    '-vsync',
    'vfr',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
  try {
    await runLimited(binaries.ffmpeg, args, {
      limits: passLimits(durationSeconds),
      stdout: sink,
      onStderrLine: (line) => times.line(line),
      keepStderrBytes: 4096,
    });
  } catch (error) {
    throw unreadableVideo(error, 'The video could not be decoded');
  }
  times.end();
  return count;
}

/** One frame at `t` seconds as PNG bytes, scaled to fit `maxSide` (the poster frame). */
export async function extractFrame(binaries: FfmpegBinaries, filePath: string, format: VideoFormat, t: number, maxSide: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const args = [
    // -ss before -i seeks by the index (fast), then decodes up to the exact time.
    '-ss',
    t.toFixed(3),
    ...inputArgs(filePath, demuxerOf(format)),
    '-loglevel',
    'error',
    '-map',
    '0:v:0',
    '-frames:v',
    '1',
    '-vf',
    `scale='min(${maxSide},iw)':'min(${maxSide},ih)':force_original_aspect_ratio=decrease`,
    '-f',
    'image2pipe',
    '-vcodec',
    'png',
    'pipe:1',
  ];
  try {
    await runLimited(binaries.ffmpeg, args, { limits: { wallMs: 60_000, cpuSeconds: 60, memoryBytes: FFMPEG_MEMORY_BYTES }, stdout: sink });
  } catch (error) {
    throw unreadableVideo(error, 'The video\'s poster frame could not be decoded');
  }
  return Buffer.concat(chunks);
}
