// ffprobe behind one function: the container's and streams' facts as JSON, within limits.
import { InternalError } from '../shared/errors';
import { FFMPEG_MEMORY_BYTES, inputArgs, runLimited, unreadableVideo, type FfmpegBinaries } from './ffmpeg';
import { demuxerOf, type VideoFormat } from '../files/video-format';
import type { FfprobeOutput } from './video-metadata';
import { Writable } from 'node:stream';

/** Reading headers should take well under a second; a file that needs more is doing something odd. */
const PROBE_LIMITS = { wallMs: 30_000, cpuSeconds: 20, memoryBytes: FFMPEG_MEMORY_BYTES };
/** ffprobe's JSON for a file with a few streams is a few KB; anything near this is hostile. */
const MAX_PROBE_JSON_BYTES = 4 * 1024 * 1024;

export async function probeVideo(binaries: FfmpegBinaries, filePath: string, format: VideoFormat): Promise<FfprobeOutput> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > MAX_PROBE_JSON_BYTES) return done(new InternalError('ffprobe printed more than expected'));
      chunks.push(chunk);
      done();
    },
  });
  try {
    await runLimited(
      binaries.ffprobe,
      // -v error: the JSON on stdout, only real problems on stderr.
      [...inputArgs(filePath, demuxerOf(format)).filter((arg) => arg !== '-nostdin'), '-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'],
      { limits: PROBE_LIMITS, stdout: sink },
    );
  } catch (error) {
    throw unreadableVideo(error, 'The video could not be read');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as FfprobeOutput;
  } catch (error) {
    throw new InternalError('ffprobe printed something that is not JSON', { cause: error });
  }
}
