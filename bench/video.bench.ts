// npm run bench:video — processing time per minute of 1080p30 H.264 video through the real HTTP
// endpoint (probe, poster, one decoding pass for the frame hashes and the contact sheet, records),
// and the peak memory of the server process and of the FFmpeg it runs.
import { spawn } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveFfmpeg } from '../server/video/ffmpeg';
import { peakRssMb, startArchiveProcess, tokenThroughCli } from './support';

const SECONDS = Number(process.env.BENCH_VIDEO_SECONDS ?? 60);
const TARGET_SECONDS_PER_MINUTE = 20;
const TARGET_RSS_MB = 600;

/** 1080p30 H.264 with moving content and a colour drift, and a cut every 10 s (two sources alternating). */
async function makeVideo(file: string): Promise<void> {
  const { ffmpeg } = resolveFfmpeg();
  const filter = `[0:v][1:v]overlay=enable='lt(mod(t,20),10)',hue=H=2*PI*t/30[v]`;
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${SECONDS}`,
    '-f', 'lavfi', '-i', `mandelbrot=size=1920x1080:rate=30`,
    '-filter_complex', filter, '-map', '[v]', '-t', String(SECONDS),
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', file,
  ];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`))));
  });
}

/** Resident memory of a process and of its children (FFmpeg runs as a child of the server), in MB. */
async function rssOfTree(pid: number): Promise<{ server: number; children: number }> {
  const rssOf = async (id: number | string) => {
    const status = await readFile(`/proc/${id}/status`, 'utf8').catch(() => '');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : 0;
  };
  let children = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 (after the parenthesised name) is the parent's pid.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === pid) children += await rssOf(entry);
  }
  return { server: await rssOf(pid), children };
}

/** CPU seconds a process has used, with those of its children that have exited (utime, stime, cutime, cstime). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14–17 of /proc/pid/stat, counted after the name (state is field 3).
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / 100;
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-video-'));
  const video = path.join(work, 'bench-1080p30.mp4');
  console.log(`Generating ${SECONDS} s of 1080p30 H.264…`);
  await makeVideo(video);
  console.log(`  ${((await stat(video)).size / 1024 / 1024).toFixed(1)} MB`);
  const env = { DATA_DIR: path.join(work, 'data'), UPLOAD_DIR: path.join(work, 'uploads') };
  const archive = await startArchiveProcess(env);
  // Uploads need an editor: a token made with npm run user while the archive runs.
  const token = await tokenThroughCli(env, 'editor');
  let peakTree = 0;
  let peakChildren = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { server, children } = await rssOfTree(archive.child.pid!);
      peakTree = Math.max(peakTree, server + children);
      peakChildren = Math.max(peakChildren, children);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    const form = new FormData();
    form.set('credit', 'Bench');
    form.set('image', await openAsBlob(video), path.basename(video));
    const cpuBefore = await cpuSeconds(archive.child.pid!);
    const started = performance.now();
    const response = await fetch(`${archive.url}/api/images`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { video?: { framesHashed: number; keyframes: unknown[]; facts: { durationSeconds: number } }; error?: unknown };
    const elapsed = (performance.now() - started) / 1000;
    if (response.status !== 201 || !body.video) throw new Error(`upload answered ${response.status}: ${JSON.stringify(body.error)}`);
    sampling = false;
    await sampler;
    const serverPeak = await peakRssMb(archive.child.pid!);
    const cpu = (await cpuSeconds(archive.child.pid!)) - cpuBefore;
    const load = os.loadavg()[0];
    const perMinute = elapsed / (body.video.facts.durationSeconds / 60);
    console.log(`\nVideo ingest (HTTP POST /api/images, one server process, embedded database; ${os.availableParallelism()} cores, shared with other work while this ran)`);
    console.log(`  ${body.video.facts.durationSeconds} s of 1080p30 H.264 processed in ${elapsed.toFixed(1)} s: ${body.video.framesHashed} frames hashed, ${body.video.keyframes.length} keyframes`);
    console.log(`  per minute of video:               ${perMinute.toFixed(1)} s wall (target ≤ ${TARGET_SECONDS_PER_MINUTE} s) ${perMinute <= TARGET_SECONDS_PER_MINUTE ? 'MET' : 'NOT MET'}; load average ${load.toFixed(1)} on ${os.availableParallelism()} cores during the run`);
    const cpuPerMinute = cpu / (body.video.facts.durationSeconds / 60);
    console.log(`  CPU time per minute of video:      ${cpuPerMinute.toFixed(1)} s (server + FFmpeg); on ${os.availableParallelism()} idle cores at best ${(cpuPerMinute / os.availableParallelism()).toFixed(1)} s wall`);
    console.log(`  peak RSS of the server process:    ${serverPeak.toFixed(0)} MB`);
    console.log(`  peak RSS of its FFmpeg children:   ${peakChildren.toFixed(0)} MB (sampled every 100 ms)`);
    console.log(`  peak RSS, server + FFmpeg:         ${peakTree.toFixed(0)} MB (target < ${TARGET_RSS_MB} MB) ${peakTree < TARGET_RSS_MB ? 'MET' : 'NOT MET'}`);
  } finally {
    sampling = false;
    await sampler;
    await archive.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
