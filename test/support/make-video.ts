// Videos made in the test with the archive's chosen FFmpeg: a sequence of distinct generated frames
// (random shapes, a different picture for each scene, panned a little every frame, so no two frames
// are the same and the picture at a given time is known), piped as raw RGB into the encoder.
import { spawn } from 'node:child_process';
import sharp from 'sharp';
import { resolveFfmpeg } from '../../server/video/ffmpeg';
import { seededRandom } from './seeded-random';

export interface MakeVideoOptions {
  seconds: number;
  fps?: number;
  width?: number;
  height?: number;
  codec: 'h264' | 'hevc' | 'vp9';
  seed: number;
  /** Length of each scene (a new generated picture), seconds. */
  sceneSeconds?: number;
  /** Extra muxer options, e.g. ['-movflags', '+faststart'] or metadata. */
  extraArgs?: string[];
}

/** A picture of random rectangles and circles, larger than the frame so it can be panned across. */
async function scenePicture(width: number, height: number, random: () => number): Promise<Buffer> {
  const colour = () => `rgb(${Math.floor(random() * 256)},${Math.floor(random() * 256)},${Math.floor(random() * 256)})`;
  const shapes: string[] = [];
  for (let i = 0; i < 28; i++) {
    const x = Math.floor(random() * width);
    const y = Math.floor(random() * height);
    const size = Math.floor((0.08 + random() * 0.3) * height);
    shapes.push(
      random() < 0.5
        ? `<rect x="${x - size / 2}" y="${y - size / 2}" width="${size}" height="${Math.floor(size * (0.4 + random()))}" fill="${colour()}"/>`
        : `<circle cx="${x}" cy="${y}" r="${size / 2}" fill="${colour()}"/>`,
    );
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${colour()}"/>${shapes.join('')}</svg>`;
  return sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
}

/** Writes the video to `outPath` and resolves when FFmpeg has finished. */
export async function makeVideo(outPath: string, options: MakeVideoOptions): Promise<void> {
  const { ffmpeg } = resolveFfmpeg();
  const fps = options.fps ?? 25;
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const sceneSeconds = options.sceneSeconds ?? 5;
  const random = seededRandom(options.seed);
  const codecArgs =
    options.codec === 'h264'
      ? ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p']
      : options.codec === 'hevc'
        ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '-pix_fmt', 'yuv420p']
        : ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M', '-pix_fmt', 'yuv420p'];
  const child = spawn(
    ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0', ...codecArgs, ...(options.extraArgs ?? []), outPath],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr}`))));
  });
  // Each scene's picture is 1.5× the frame; the frame window pans across it during the scene.
  const sceneWidth = Math.round(width * 1.5);
  const sceneHeight = Math.round(height * 1.5);
  const frames = Math.round(options.seconds * fps);
  const framesPerScene = Math.round(sceneSeconds * fps);
  let scene: Buffer | undefined;
  for (let n = 0; n < frames; n++) {
    if (n % framesPerScene === 0) scene = await scenePicture(sceneWidth, sceneHeight, random);
    const progress = (n % framesPerScene) / framesPerScene;
    const left = Math.round(progress * (sceneWidth - width));
    const top = Math.round(progress * (sceneHeight - height) * 0.5);
    const frame = await sharp(scene!, { raw: { width: sceneWidth, height: sceneHeight, channels: 3 } })
      .extract({ left, top, width, height })
      .raw()
      .toBuffer();
    if (!child.stdin.write(frame)) await new Promise((resolve) => child.stdin.once('drain', resolve));
  }
  child.stdin.end();
  await done;
}

/** One frame of a video at `seconds`, as PNG bytes at full size (what a newsroom would screenshot). */
export async function frameAt(videoPath: string, seconds: number): Promise<Buffer> {
  const { ffmpeg } = resolveFfmpeg();
  const child = spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-ss', String(seconds), '-i', videoPath, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`)))));
  return Buffer.concat(chunks);
}

/** Copies a video's streams into a new file with extra muxer options (metadata, rotation), without re-encoding. */
export async function remux(input: string, output: string, args: string[]): Promise<void> {
  const { ffmpeg } = resolveFfmpeg();
  const child = spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, '-c', 'copy', ...args, output], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr}`)))));
}
