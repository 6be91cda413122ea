// Checks an export folder: every file's SHA-256 against manifest.json, and every history chain.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { verifyChain, type HistoryEntry } from '../../server/provenance/history-chain';
import { EXPORT_FORMAT } from './exporter';

interface ManifestImage {
  id: string;
  file: string;
  fileSha256: string;
  history: { imageId: string; entries: Array<Omit<HistoryEntry, 'imageId'>> };
}

export interface VerifyResult {
  images: number;
  problems: string[];
}

async function sha256Of(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(filePath), hash);
  return hash.digest('hex');
}

export async function verifyExport(folder: string): Promise<VerifyResult> {
  const manifest = JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8')) as { format?: string; images?: ManifestImage[] };
  if (manifest.format !== EXPORT_FORMAT || !Array.isArray(manifest.images)) throw new Error(`${folder}/manifest.json is not an archive export (format ${EXPORT_FORMAT}).`);
  const problems: string[] = [];
  for (const image of manifest.images) {
    const filePath = path.resolve(folder, image.file);
    if (!filePath.startsWith(path.resolve(folder) + path.sep)) {
      problems.push(`${image.id}: its file name "${image.file}" points outside the export folder.`);
      continue;
    }
    const actual = await sha256Of(filePath).catch(() => undefined);
    if (actual === undefined) problems.push(`${image.file}: missing.`);
    else if (actual !== image.fileSha256) problems.push(`${image.file}: SHA-256 is ${actual}, the manifest says ${image.fileSha256}.`);
    const entries = image.history.entries.map((entry) => ({ ...entry, imageId: image.id }) as HistoryEntry);
    const verdict = entries.length === 0 ? { valid: false, reason: 'no history entries' } : verifyChain(entries);
    if (!verdict.valid) problems.push(`${image.id}: history chain broken${'brokenAt' in verdict && verdict.brokenAt !== undefined ? ` at entry ${verdict.brokenAt}` : ''} (${verdict.reason}).`);
  }
  return { images: manifest.images.length, problems };
}
