// npm run bench:ingest — ingest throughput through the real HTTP endpoint, compared with the
// command-line pipeline a newsroom would otherwise script (exiftool -j + ImageMagick thumbnails).
import { execFile } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { peakRssMb, percentile, projectRoot, startArchiveProcess, tokenThroughCli } from './support';

const run = promisify(execFile);
const SEQUENTIAL = Number(process.env.BENCH_IMAGES ?? 12);
const CONCURRENT = 20;
/** Images for the import row: a folder of their own, so none is already held. */
const IMPORTED = Number(process.env.BENCH_IMPORT_IMAGES ?? 20);
const WIDTH = 4000;
const HEIGHT = 3000;

/** A distinct 4000×3000 camera-like JPEG: smooth gradients plus noise, with EXIF and GPS. */
async function makeJpeg(file: string, seed: number): Promise<void> {
  const noise = await sharp({ create: { width: WIDTH / 4, height: HEIGHT / 4, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128 + (seed % 40), sigma: 40 } } })
    .png()
    .toBuffer();
  await sharp(noise)
    .resize(WIDTH, HEIGHT, { kernel: 'cubic' })
    .modulate({ hue: (seed * 37) % 360 })
    .withExif({ IFD0: { Make: 'BenchCam', Model: `Model ${seed}`, Artist: 'Bench Photographer', Copyright: 'Bench' } })
    .jpeg({ quality: 90 })
    .toFile(file);
}

/** An editor's API token, made with npm run user once the archive runs (uploads need an editor). */
let token = '';

async function uploadOne(url: string, file: string): Promise<number> {
  const form = new FormData();
  form.set('caption', `Bench image ${path.basename(file)}`);
  form.set('credit', 'Bench Photographer/Bench Agency');
  form.set('image', await openAsBlob(file), path.basename(file));
  const started = performance.now();
  const response = await fetch(`${url}/api/images`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`upload of ${file} answered ${response.status}`);
  return performance.now() - started;
}

/** `npm run import -- <folder>` against the archive, as a user runs it; the wall time from spawn to exit. */
async function importFolder(url: string, folder: string): Promise<{ wallMs: number; imported: number }> {
  const started = performance.now();
  const { stdout } = await run('npm', ['run', '-s', 'import', '--', folder, '--server', url, '--json'], { cwd: projectRoot, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ARCHIVE_TOKEN: token } });
  const wallMs = performance.now() - started;
  const summaryLine = stdout.trim().split('\n').at(-1) ?? '{}';
  return { wallMs, imported: (JSON.parse(summaryLine) as { imported?: number }).imported ?? 0 };
}

async function commandLineAvailable(): Promise<boolean> {
  try {
    await run('exiftool', ['-ver']);
    await run('convert', ['-version']);
    return true;
  } catch {
    return false;
  }
}

/** The scripted equivalent: metadata as JSON, a display image and a thumbnail, per file. */
async function commandLineOne(file: string, outDir: string): Promise<number> {
  const started = performance.now();
  await run('exiftool', ['-j', '-n', file], { maxBuffer: 64 * 1024 * 1024 });
  const base = path.join(outDir, path.basename(file, '.jpg'));
  await run('convert', [file, '-auto-orient', '-thumbnail', '1600x1600', '-strip', `${base}-display.webp`]);
  await run('convert', [file, '-auto-orient', '-thumbnail', '400x400', '-strip', `${base}-thumb.webp`]);
  return performance.now() - started;
}

function summary(label: string, times: number[], wallMs: number): string {
  const perSecond = (times.length / wallMs) * 1000;
  return `${label.padEnd(34)} ${perSecond.toFixed(2).padStart(6)} images/s   p50 ${percentile(times, 50).toFixed(0).padStart(5)} ms   p95 ${percentile(times, 95).toFixed(0).padStart(5)} ms`;
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-ingest-'));
  const images = path.join(work, 'images');
  await mkdir(images);
  const importFolderPath = path.join(work, 'import');
  await mkdir(importFolderPath);
  const total = SEQUENTIAL + CONCURRENT;
  console.log(`Generating ${total + IMPORTED} distinct ${WIDTH}×${HEIGHT} JPEGs…`);
  const files: string[] = [];
  for (let i = 0; i < total; i++) {
    const file = path.join(images, `bench-${i}.jpg`);
    await makeJpeg(file, i);
    files.push(file);
  }
  for (let i = 0; i < IMPORTED; i++) await makeJpeg(path.join(importFolderPath, `import-${i}.jpg`), total + i);

  const env = { DATA_DIR: path.join(work, 'data'), UPLOAD_DIR: path.join(work, 'uploads') };
  const archive = await startArchiveProcess(env);
  try {
    token = await tokenThroughCli(env, 'editor');
    // Warm-up: first request loads sharp, the ExifTool process and the templates.
    await uploadOne(archive.url, files[0]);

    const sequentialFiles = files.slice(1, SEQUENTIAL);
    const sequentialTimes: number[] = [];
    let started = performance.now();
    for (const file of sequentialFiles) sequentialTimes.push(await uploadOne(archive.url, file));
    const sequentialWall = performance.now() - started;

    const concurrentFiles = files.slice(SEQUENTIAL, SEQUENTIAL + CONCURRENT);
    started = performance.now();
    const concurrentTimes = await Promise.all(concurrentFiles.map((file) => uploadOne(archive.url, file)));
    const concurrentWall = performance.now() - started;
    const peakRss = await peakRssMb(archive.child.pid!);

    // The tool's fixed cost (npm, tsx, module loading), measured apart so the per-image figure can be read beside it.
    const startupStarted = performance.now();
    await run('npm', ['run', '-s', 'import', '--', '--help'], { cwd: projectRoot });
    const startupMs = performance.now() - startupStarted;
    const imported = await importFolder(archive.url, importFolderPath);
    if (imported.imported !== IMPORTED) throw new Error(`npm run import imported ${imported.imported} of ${IMPORTED} images`);

    console.log('\nArchive (HTTP POST /api/images, one server process, embedded database)');
    console.log(summary(`  one at a time (${sequentialFiles.length} images)`, sequentialTimes, sequentialWall));
    console.log(summary(`  ${CONCURRENT} at once`, concurrentTimes, concurrentWall));
    console.log(`  peak RSS of the server process:    ${peakRss.toFixed(0)} MB (target < 400 MB) ${peakRss < 400 ? 'MET' : 'NOT MET'}`);
    const uploadRate = Math.max(sequentialFiles.length / sequentialWall, concurrentFiles.length / concurrentWall) * 1000;
    const importRate = (IMPORTED / imported.wallMs) * 1000;
    console.log(`\nnpm run import (${IMPORTED} images, --concurrency 2, from process start to exit: walk, SHA-256, known-hashes check, uploads)`);
    console.log(`  ${importRate.toFixed(2)} images/s = ${((importRate / uploadRate) * 100).toFixed(0)} % of the best upload figure above (${uploadRate.toFixed(2)} images/s; target ≥ 90 %) ${importRate >= 0.9 * uploadRate ? 'MET' : 'NOT MET'}`);
    const steadyRate = (IMPORTED / Math.max(1, imported.wallMs - startupMs)) * 1000;
    console.log(`  process start-up (npm run import -- --help): ${(startupMs / 1000).toFixed(1)} s; without it ${steadyRate.toFixed(2)} images/s = ${((steadyRate / uploadRate) * 100).toFixed(0)} % of upload`);

    if (!(await commandLineAvailable())) {
      console.log('\nCommand-line pipeline: exiftool or ImageMagick not installed (apt-get install libimage-exiftool-perl imagemagick); no ratio.');
      return;
    }
    const cliOut = path.join(work, 'cli');
    await mkdir(cliOut);
    const cliTimes: number[] = [];
    started = performance.now();
    for (const file of sequentialFiles) cliTimes.push(await commandLineOne(file, cliOut));
    const cliWall = performance.now() - started;
    console.log('\nCommand-line pipeline (exiftool -j, then ImageMagick convert -thumbnail 1600 and 400 to WebP)');
    console.log(summary(`  one at a time (${sequentialFiles.length} images)`, cliTimes, cliWall));

    const archiveRate = sequentialFiles.length / sequentialWall;
    const archiveConcurrentRate = concurrentFiles.length / concurrentWall;
    const cliRate = sequentialFiles.length / cliWall;
    const ratio = archiveRate / cliRate;
    console.log(`\nThroughput ratio, one at a time:   ${ratio.toFixed(2)}× the command-line pipeline (target ≥ 3×) ${ratio >= 3 ? 'MET' : 'NOT MET'}`);
    console.log(`Throughput ratio, ${CONCURRENT} at once vs CLI one at a time: ${(archiveConcurrentRate / cliRate).toFixed(2)}×`);
  } finally {
    await archive.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
