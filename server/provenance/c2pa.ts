// Content Credentials (C2PA) of an image file. A bounded scanner over the container's header
// structures always says whether a manifest store is embedded; when it is, the c2pa-node library
// (if it loads) reads and validates it. The library is optional at run time: if its native binary
// cannot load, the archive still reports presence from the scan.

import { open, type FileHandle } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { chainShape, claimGeneratorOf, manifestChain, TRUST_ONLY_CODES, type StoreJson } from './c2pa-chain';
import type { C2paFailedCheck } from './c2pa.types';
import { failedCheckWords, STATE_WORDS } from './c2pa-words';
import type { C2paSummary, C2paValidationState } from './findings.types';

export type { C2paSummary, C2paValidationState } from './findings.types';

export interface C2paScan {
  present: boolean;
  container: 'jpeg' | 'png' | 'webp' | 'bmff' | 'other';
  remoteManifestUrl?: string;
}

export interface ReadC2paOptions {
  /**
   * The MIME type the archive detected from the file's bytes. c2pa-node otherwise takes the type
   * from the file name, and an upload's temporary name says nothing about its type. Without it, the
   * container the scan recognised decides.
   */
  mimeType?: string;
  settings?: C2paSettings;
  /** Use c2pa-node when a manifest is embedded (default true). False gives the scan alone. */
  useLibrary?: boolean;
  /** Upper bound on header bytes read by the scanner (default 8 MiB). */
  maxScanBytes?: number;
}

const DEFAULT_MAX_SCAN_BYTES = 8 * 1024 * 1024;
/** XMP packets larger than this are not searched; real ones are a few kilobytes. */
const MAX_XMP_BYTES = 1024 * 1024;
const MAX_STRUCTURES = 10_000;

/** UUID of the C2PA manifest-store box in ISO-BMFF files (C2PA spec, "Embedding manifests into BMFF"). */
const BMFF_C2PA_UUID = Buffer.from('d8fec3d61b0e483c92975828877ec481', 'hex');
const XMP_JPEG_HEADER = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');

/**
 * Whether a JUMBF superbox starting at `offset` is a C2PA manifest store: a 'jumb' box whose first
 * child is a 'jumd' description box with the C2PA type UUID (starting "c2pa") or the label "c2pa".
 */
export function isC2paJumbf(box: Buffer, offset = 0): boolean {
  if (box.length < offset + 8 + 8 + 17) return false;
  if (box.toString('latin1', offset + 4, offset + 8) !== 'jumb') return false;
  const jumd = offset + 8;
  if (box.toString('latin1', jumd + 4, jumd + 8) !== 'jumd') return false;
  const uuid = jumd + 8;
  if (box.toString('latin1', uuid, uuid + 4) === 'c2pa') return true;
  const toggles = box[uuid + 16]!;
  // Bit 1 of the toggles says a null-terminated label follows.
  if ((toggles & 0x02) === 0) return false;
  const labelStart = uuid + 17;
  const labelEnd = box.indexOf(0, labelStart);
  return labelEnd > labelStart && box.toString('utf8', labelStart, labelEnd) === 'c2pa';
}

/** The remote manifest URL an XMP packet names in dcterms:provenance, attribute or element form. */
export function provenanceFromXmp(xmp: string): string | undefined {
  const match =
    /dcterms:provenance\s*=\s*["']([^"']+)["']/.exec(xmp) ??
    /<dcterms:provenance>\s*([^<\s]+)\s*<\/dcterms:provenance>/.exec(xmp) ??
    /<dcterms:provenance\s+rdf:resource\s*=\s*["']([^"']+)["']/.exec(xmp);
  const url = match?.[1]?.trim();
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

class BoundedReader {
  private read = 0;
  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    private readonly budget: number,
  ) {}

  /** Reads up to `length` bytes at `position`; undefined once the budget or the file is exhausted. */
  async at(position: number, length: number): Promise<Buffer | undefined> {
    if (position < 0 || position >= this.size || length <= 0) return undefined;
    const wanted = Math.min(length, this.size - position);
    if (this.read + wanted > this.budget) return undefined;
    const buffer = Buffer.alloc(wanted);
    const { bytesRead } = await this.handle.read(buffer, 0, wanted, position);
    this.read += bytesRead;
    return buffer.subarray(0, bytesRead);
  }
}

async function scanJpeg(file: BoundedReader): Promise<C2paScan> {
  const result: C2paScan = { present: false, container: 'jpeg' };
  let position = 2;
  for (let count = 0; count < MAX_STRUCTURES; count += 1) {
    const head = await file.at(position, 4);
    if (!head || head.length < 2 || head[0] !== 0xff) break;
    const marker = head[1]!;
    if (marker === 0xff) {
      position += 1; // fill byte
      continue;
    }
    // Entropy-coded data follows SOS, and all metadata segments come before it.
    if (marker === 0xda || marker === 0xd9) break;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      position += 2;
      continue;
    }
    if (head.length < 4) break;
    const length = head.readUInt16BE(2);
    if (length < 2) break;
    if (marker === 0xeb && !result.present) {
      // APP11 (JPEG XT): "JP", box instance (2), sequence number (4), then the JUMBF box.
      const payload = await file.at(position + 4, Math.min(length - 2, 512));
      if (payload && payload.length > 8 && payload.toString('latin1', 0, 2) === 'JP' && isC2paJumbf(payload, 8)) result.present = true;
    } else if (marker === 0xe1 && !result.remoteManifestUrl && length - 2 <= MAX_XMP_BYTES) {
      const payload = await file.at(position + 4, length - 2);
      if (payload && payload.subarray(0, XMP_JPEG_HEADER.length).equals(XMP_JPEG_HEADER)) {
        const url = provenanceFromXmp(payload.toString('utf8', XMP_JPEG_HEADER.length));
        if (url) result.remoteManifestUrl = url;
      }
    }
    position += 2 + length;
  }
  return result;
}

function xmpFromPngText(data: Buffer): string | undefined {
  // iTXt: keyword \0 compression-flag method language \0 translated-keyword \0 text
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 0 || data.toString('latin1', 0, keywordEnd) !== 'XML:com.adobe.xmp') return undefined;
  const compressed = data[keywordEnd + 1] === 1;
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) return undefined;
  const text = data.subarray(translatedEnd + 1);
  try {
    return (compressed ? inflateSync(text, { maxOutputLength: MAX_XMP_BYTES }) : text).toString('utf8');
  } catch {
    return undefined;
  }
}

async function scanPng(file: BoundedReader): Promise<C2paScan> {
  const result: C2paScan = { present: false, container: 'png' };
  let position = 8;
  for (let count = 0; count < MAX_STRUCTURES; count += 1) {
    const head = await file.at(position, 8);
    if (!head || head.length < 8) break;
    const length = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    if (type === 'IEND') break;
    if (type === 'caBX' && !result.present) {
      const data = await file.at(position + 8, Math.min(length, 512));
      if (data && isC2paJumbf(data, 0)) result.present = true;
    } else if (type === 'iTXt' && !result.remoteManifestUrl && length <= MAX_XMP_BYTES) {
      const data = await file.at(position + 8, length);
      const xmp = data && xmpFromPngText(data);
      const url = xmp && provenanceFromXmp(xmp);
      if (url) result.remoteManifestUrl = url;
    }
    position += 12 + length;
  }
  return result;
}

async function scanWebp(file: BoundedReader): Promise<C2paScan> {
  const result: C2paScan = { present: false, container: 'webp' };
  let position = 12;
  for (let count = 0; count < MAX_STRUCTURES; count += 1) {
    const head = await file.at(position, 8);
    if (!head || head.length < 8) break;
    const type = head.toString('latin1', 0, 4);
    const length = head.readUInt32LE(4);
    if (type === 'C2PA' && !result.present) {
      const data = await file.at(position + 8, Math.min(length, 512));
      if (data && isC2paJumbf(data, 0)) result.present = true;
    } else if (type === 'XMP ' && !result.remoteManifestUrl && length <= MAX_XMP_BYTES) {
      const data = await file.at(position + 8, length);
      const url = data && provenanceFromXmp(data.toString('utf8'));
      if (url) result.remoteManifestUrl = url;
    }
    // RIFF chunks are padded to an even length.
    position += 8 + length + (length % 2);
  }
  return result;
}

async function scanBmff(file: BoundedReader): Promise<C2paScan> {
  const result: C2paScan = { present: false, container: 'bmff' };
  let position = 0;
  for (let count = 0; count < MAX_STRUCTURES && position < file.size; count += 1) {
    const head = await file.at(position, 32);
    if (!head || head.length < 8) break;
    let size = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    let headerSize = 8;
    if (size === 1) {
      if (head.length < 16) break;
      size = Number(head.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) {
      size = file.size - position;
    }
    if (size < headerSize) break;
    if (type === 'uuid' && head.length >= headerSize + 16 && head.subarray(headerSize, headerSize + 16).equals(BMFF_C2PA_UUID)) {
      result.present = true;
      break;
    }
    position += size;
  }
  return result;
}

/** Finds an embedded C2PA manifest store (and a remote manifest reference) from the file's structure alone. */
export async function scanC2pa(path: string, maxScanBytes = DEFAULT_MAX_SCAN_BYTES): Promise<C2paScan> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const file = new BoundedReader(handle, size, maxScanBytes);
    const magic = await file.at(0, 12);
    if (!magic || magic.length < 12) return { present: false, container: 'other' };
    if (magic[0] === 0xff && magic[1] === 0xd8) return await scanJpeg(file);
    if (magic.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return await scanPng(file);
    if (magic.toString('latin1', 0, 4) === 'RIFF' && magic.toString('latin1', 8, 12) === 'WEBP') return await scanWebp(file);
    if (magic.toString('latin1', 4, 8) === 'ftyp') return await scanBmff(file);
    return { present: false, container: 'other' };
  } finally {
    await handle.close();
  }
}

interface C2paLibrary {
  Reader: { fromAsset(asset: { path: string; mimeType?: string }, settings?: string): Promise<{ json(): StoreJson } | null> };
  settingsToJson(settings: object): string;
  createVerifySettings(config: object): object;
  createTrustSettings(config: object): object;
  mergeSettings(...settings: object[]): object;
}

/**
 * c2pa-node, loaded on first use (Node's module cache makes every later call the same module);
 * undefined when its native binary cannot load on this machine.
 */
export function loadC2paLibrary(): Promise<C2paLibrary | undefined> {
  return import('@contentauth/c2pa-node').then(
    (module) => module as unknown as C2paLibrary,
    () => undefined,
  );
}

function stateOf(store: StoreJson, failures: string[]): C2paValidationState {
  switch (store.validation_state?.toLowerCase()) {
    case 'invalid':
      return 'invalid';
    case 'trusted':
      return 'valid';
    case 'valid':
      return failures.some((code) => TRUST_ONLY_CODES.has(code)) ? 'untrusted' : 'valid';
    default:
      if (failures.some((code) => !TRUST_ONLY_CODES.has(code))) return 'invalid';
      return failures.length ? 'untrusted' : 'unknown';
  }
}

/** The state in words, saying which trust list the signer was checked against. */
export function validationText(state: C2paValidationState, failed: readonly C2paFailedCheck[], trustList: 'configured' | 'none'): string {
  if (state === 'invalid') {
    const reasons = failed.filter((check) => !TRUST_ONLY_CODES.has(check.code)).map((check) => check.words);
    return reasons.length ? `Invalid: ${reasons.join('; ')}.` : STATE_WORDS.invalid;
  }
  if (state === 'untrusted' && trustList === 'none') return `${STATE_WORDS.untrusted} No trust list is configured (C2PA_TRUST_ANCHORS), so no signer can be trusted here.`;
  return STATE_WORDS[state];
}

function summarise(store: StoreJson, remoteManifestUrl: string | undefined, trustList: 'configured' | 'none'): C2paSummary {
  const active = store.active_manifest ? store.manifests?.[store.active_manifest] : undefined;
  const chain = manifestChain(store);
  // The same code repeats once per signature it concerns (claim and identity assertion); once is enough here.
  const failures = [...new Set((store.validation_status ?? []).flatMap((status) => (status.code ? [status.code] : [])))];
  const summary: C2paSummary = { present: true, reader: 'c2pa-node', validationState: stateOf(store, failures), trustList };
  if (remoteManifestUrl) summary.remoteManifestUrl = remoteManifestUrl;
  const generator = active ? claimGeneratorOf(active) : undefined;
  if (generator) summary.claimGenerator = generator;
  const signer = active?.signature_info?.issuer ?? active?.signature_info?.common_name;
  if (signer) summary.signer = signer;
  if (active?.signature_info?.time) summary.signedAt = active.signature_info.time;
  if (active?.title) summary.title = active.title;
  const actionList = chain?.actions ?? [];
  const actions = actionList.map((a) => a.action);
  if (actions.length) summary.actions = actions;
  const sourceTypes = [...new Set(actionList.flatMap((a) => (a.digitalSourceType ? [a.digitalSourceType] : [])))];
  if (sourceTypes.length) summary.digitalSourceTypes = sourceTypes;
  if (failures.length) summary.validationErrors = failures;
  const failedChecks = failures.map((code) => ({ code, words: failedCheckWords(code, store.validation_status?.find((status) => status.code === code)?.explanation) }));
  if (failedChecks.length) summary.failedChecks = failedChecks;
  summary.validationText = validationText(summary.validationState!, failedChecks, trustList);
  if (chain) {
    summary.chain = chain;
    const shape = chainShape(chain);
    summary.manifestCount = shape.manifests;
    summary.chainLevels = shape.levels;
  }
  return summary;
}

/** The type to hand the library when the caller did not say; ISO-BMFF could be HEIC or AVIF, so it is left to the library. */
const CONTAINER_MIME_TYPES: Partial<Record<C2paScan['container'], string>> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/** Settings the reader runs with; from the configuration (C2PA_TRUST_ANCHORS, C2PA_FETCH_REMOTE). */
export interface C2paSettings {
  /** PEM certificates the signer may chain to: the trust list. None configured: no signer is trusted. */
  trustAnchorsPem?: string;
  /** Fetch a remote manifest named in XMP dcterms:provenance (off by default: no outbound requests while ingesting). */
  fetchRemote?: boolean;
}

function librarySettings(library: C2paLibrary, settings: C2paSettings | undefined, fetchRemote: boolean): string {
  const verify = library.createVerifySettings({ remoteManifestFetch: fetchRemote, ocspFetch: false });
  const trust = settings?.trustAnchorsPem ? library.createTrustSettings({ verifyTrustList: true, trustAnchors: settings.trustAnchorsPem }) : undefined;
  return library.settingsToJson(trust ? library.mergeSettings(verify, trust) : verify);
}

/**
 * The file's Content Credentials. Remote manifests are reported, not fetched, unless the
 * configuration allows it: the archive makes no outbound requests while ingesting by default, so
 * the library runs with remote and OCSP fetching off.
 */
export async function readC2pa(path: string, options: ReadC2paOptions = {}): Promise<C2paSummary> {
  const scan = await scanC2pa(path, options.maxScanBytes);
  const base: C2paSummary = { present: scan.present, reader: 'jumbf-scan' };
  const trustList = options.settings?.trustAnchorsPem ? 'configured' : 'none';
  if (scan.remoteManifestUrl) {
    base.remoteManifestUrl = scan.remoteManifestUrl;
    base.remoteFetched = false;
    if (!scan.present) base.validationText = `${STATE_WORDS.remote} The archive did not fetch them${options.settings?.fetchRemote ? ' (the fetch failed)' : ' (C2PA_FETCH_REMOTE is off)'}.`;
  }
  const fetchRemote = Boolean(options.settings?.fetchRemote && scan.remoteManifestUrl && !scan.present);
  if (!scan.present && !fetchRemote) return base;
  if (scan.present) base.validationState = 'unknown';
  if (options.useLibrary === false) return base;

  const library = await loadC2paLibrary();
  if (!library) return base;
  try {
    const mimeType = options.mimeType ?? CONTAINER_MIME_TYPES[scan.container];
    const reader = await library.Reader.fromAsset(mimeType ? { path, mimeType } : { path }, librarySettings(library, options.settings, fetchRemote));
    if (!reader) return base;
    const summary = summarise(reader.json(), scan.remoteManifestUrl, trustList);
    if (fetchRemote) summary.remoteFetched = true;
    else if (scan.remoteManifestUrl) summary.remoteFetched = false;
    return summary;
  } catch (error) {
    if (!scan.present) return base; // a remote manifest that could not be fetched
    // The scan found a manifest store the library cannot read: a damaged or unsupported store.
    const message = `unreadable manifest store: ${(error as Error).message}`;
    return { ...base, reader: 'c2pa-node', validationState: 'invalid', validationErrors: [message], failedChecks: [{ code: 'manifest.unreadable', words: `the manifest store could not be read (${(error as Error).message})` }], validationText: 'Invalid: the manifest store could not be read.' };
  }
}
