// The manifest chain of a C2PA manifest store, from c2pa-node's JSON: every manifest from the active
// one down through its ingredients' manifests, with its signer, timestamp, actions, identities and
// its own validation state. Pure: the JSON in, the archive's shape (c2pa.types.ts) out.

import type { C2paAction, C2paFailedCheck, C2paIdentity, C2paIngredient, C2paManifest, C2paValidationState } from './c2pa.types';
import { digitalSourceTypeLabel, failedCheckWords } from './c2pa-words';

// The parts of c2pa-node's manifest-store JSON read here. Declared locally because the package's
// own types import a package it does not install (@contentauth/c2pa-types).
export interface StatusJson {
  code?: string;
  url?: string;
  explanation?: string;
}

interface ResultsJson {
  success?: StatusJson[];
  informational?: StatusJson[];
  failure?: StatusJson[];
}

export interface StoreJson {
  active_manifest?: string;
  manifests?: Record<string, ManifestJson>;
  validation_state?: string;
  validation_status?: StatusJson[];
  validation_results?: {
    activeManifest?: ResultsJson;
    ingredientDeltas?: Array<{ ingredientAssertionURI?: string; validationDeltas?: ResultsJson }>;
  };
}

interface ActionJson {
  action?: string;
  digitalSourceType?: string;
  softwareAgent?: string | { name?: string; version?: string };
  when?: string;
  parameters?: Record<string, unknown>;
}

interface IngredientJson {
  title?: string;
  format?: string;
  relationship?: string;
  label?: string;
  active_manifest?: string;
  validation_status?: StatusJson[];
  validation_results?: { activeManifest?: ResultsJson };
}

export interface ManifestJson {
  claim_generator?: string;
  claim_generator_info?: Array<{ name?: string; version?: string }>;
  title?: string;
  format?: string;
  label?: string;
  signature_info?: { issuer?: string; common_name?: string; time?: string; alg?: string };
  ingredients?: IngredientJson[];
  assertions?: Array<{ label?: string; data?: unknown }>;
}

/** Codes that say the certificate is intact but not on the trust list: a trust question, not a failed check. */
export const TRUST_ONLY_CODES: ReadonlySet<string> = new Set(['signingCredential.untrusted']);
/** Chains deeper than this are cut (a manifest store can in principle reference itself). */
const MAX_DEPTH = 16;

/** Every status the store reports, success and failure, each once per (code, url). */
function allStatuses(store: StoreJson): { success: StatusJson[]; informational: StatusJson[]; failure: StatusJson[] } {
  const out = { success: [] as StatusJson[], informational: [] as StatusJson[], failure: [] as StatusJson[] };
  const seen = new Set<string>();
  const add = (kind: keyof typeof out, list: StatusJson[] | undefined) => {
    for (const status of list ?? []) {
      const key = `${kind} ${status.code} ${status.url}`;
      if (!status.code || seen.has(key)) continue;
      seen.add(key);
      out[kind].push(status);
    }
  };
  const results = store.validation_results;
  add('success', results?.activeManifest?.success);
  add('informational', results?.activeManifest?.informational);
  add('failure', results?.activeManifest?.failure);
  for (const delta of results?.ingredientDeltas ?? []) {
    add('success', delta.validationDeltas?.success);
    add('informational', delta.validationDeltas?.informational);
    add('failure', delta.validationDeltas?.failure);
  }
  // Older stores report failures only here.
  add('failure', store.validation_status);
  return out;
}

/** The manifest a status URL points into: `self#jumbf=/c2pa/<label>/…`. */
function manifestOfUrl(url: string | undefined): string | undefined {
  return url ? /^self#jumbf=\/?c2pa\/([^/]+)/.exec(url)?.[1] : undefined;
}

function failedChecksOf(statuses: StatusJson[]): C2paFailedCheck[] {
  const seen = new Set<string>();
  const out: C2paFailedCheck[] = [];
  for (const status of statuses) {
    if (!status.code || seen.has(status.code)) continue;
    seen.add(status.code);
    out.push({ code: status.code, words: failedCheckWords(status.code, status.explanation) });
  }
  return out;
}

export function stateOfChecks(failed: readonly C2paFailedCheck[]): C2paValidationState {
  if (failed.some((check) => !TRUST_ONLY_CODES.has(check.code))) return 'invalid';
  return failed.length ? 'untrusted' : 'valid';
}

function softwareAgentOf(agent: ActionJson['softwareAgent']): string | undefined {
  if (typeof agent === 'string') return agent.trim() || undefined;
  const text = [agent?.name, agent?.version].filter(Boolean).join(' ');
  return text || undefined;
}

/**
 * The digital source type an action declares: the standard field, or a vendor parameter ending in
 * `digitalSourceType` (Adobe Firefly writes `com.adobe.digitalSourceType` for third-party models).
 */
function sourceTypeOf(action: ActionJson): string | undefined {
  const standard = action.digitalSourceType?.trim();
  if (standard) return standard;
  for (const [key, value] of Object.entries(action.parameters ?? {})) {
    if (/(^|\.)digitalSourceType$/.test(key) && typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}

function actionsOf(manifest: ManifestJson): C2paAction[] {
  return (manifest.assertions ?? [])
    .filter((assertion) => assertion.label?.startsWith('c2pa.actions'))
    .flatMap((assertion) => ((assertion.data as { actions?: ActionJson[] } | undefined)?.actions ?? []))
    .flatMap((action): C2paAction[] => {
      if (!action.action) return [];
      const out: C2paAction = { action: action.action };
      const agent = softwareAgentOf(action.softwareAgent);
      if (agent) out.softwareAgent = agent;
      const sourceType = sourceTypeOf(action);
      if (sourceType) {
        out.digitalSourceType = sourceType;
        out.digitalSourceLabel = digitalSourceTypeLabel(sourceType);
      }
      if (action.when) out.when = action.when;
      return [out];
    });
}

export function claimGeneratorOf(manifest: ManifestJson): string | undefined {
  const generator =
    manifest.claim_generator ??
    (manifest.claim_generator_info ?? [])
      .map((info) => [info.name, info.version].filter(Boolean).join('/'))
      .filter(Boolean)
      .join(' ');
  return generator || undefined;
}

interface IdentityJson {
  signer_payload?: { sig_type?: string };
  signature_info?: { issuer?: string; common_name?: string };
  verified_identities?: Array<{ name?: string; username?: string; provider?: { name?: string } }>;
}

function identitiesOf(manifest: ManifestJson, label: string, statuses: ReturnType<typeof allStatuses>): C2paIdentity[] {
  return (manifest.assertions ?? [])
    .filter((assertion) => assertion.label === 'cawg.identity' || assertion.label?.startsWith('cawg.identity__'))
    .map((assertion) => {
      const data = (assertion.data ?? {}) as IdentityJson;
      const at = `/c2pa/${label}/c2pa.assertions/${assertion.label}`;
      const about = (status: StatusJson) => Boolean(status.url?.endsWith(at));
      const failed = failedChecksOf(statuses.failure.filter(about));
      const wellFormed = statuses.success.some((status) => about(status) && status.code?.startsWith('cawg.identity'));
      const names = (data.verified_identities ?? []).map((identity) => [identity.name ?? identity.username, identity.provider?.name].filter(Boolean).join(' on ')).filter(Boolean);
      const name = names.length ? names.join(', ') : (data.signature_info?.common_name ?? data.signature_info?.issuer);
      const identity: C2paIdentity = { validationState: wellFormed || failed.length ? stateOfChecks(failed) : 'unknown', failedChecks: failed };
      if (data.signer_payload?.sig_type) identity.signatureType = data.signer_payload.sig_type;
      if (name) identity.name = name;
      return identity;
    });
}

function timestampOf(label: string, statuses: ReturnType<typeof allStatuses>): Pick<C2paManifest, 'timestamp' | 'timestampAuthority'> {
  const mine = (status: StatusJson) => manifestOfUrl(status.url) === label && status.code?.startsWith('timeStamp.');
  const validated = statuses.success.find((status) => mine(status) && (status.code === 'timeStamp.validated' || status.code === 'timeStamp.trusted'));
  if (!validated) return { timestamp: 'none' };
  const authority = /:\s*(.+)$/.exec(validated.explanation ?? '')?.[1]?.trim();
  const trusted = statuses.success.some((status) => mine(status) && status.code === 'timeStamp.trusted');
  const untrusted = statuses.informational.some((status) => mine(status) && status.code === 'timeStamp.untrusted');
  return { timestamp: trusted && !untrusted ? 'trusted' : 'untrusted', ...(authority ? { timestampAuthority: authority } : {}) };
}

function manifestView(store: StoreJson, label: string, statuses: ReturnType<typeof allStatuses>, depth: number, visited: Set<string>): C2paManifest | undefined {
  const manifest = store.manifests?.[label];
  if (!manifest || depth > MAX_DEPTH || visited.has(label)) return undefined;
  const path = new Set(visited).add(label);
  const failed = failedChecksOf(statuses.failure.filter((status) => manifestOfUrl(status.url) === label && !status.url?.includes('/c2pa.assertions/cawg.identity')));
  const view: C2paManifest = {
    label,
    ...timestampOf(label, statuses),
    actions: actionsOf(manifest),
    ingredients: [],
    identities: identitiesOf(manifest, label, statuses),
    validationState: stateOfChecks(failed),
    failedChecks: failed,
  };
  if (manifest.title) view.title = manifest.title;
  if (manifest.format) view.format = manifest.format;
  const generator = claimGeneratorOf(manifest);
  if (generator) view.claimGenerator = generator;
  const signature = manifest.signature_info;
  if (signature && (signature.common_name || signature.issuer || signature.alg)) {
    view.signer = {};
    if (signature.common_name) view.signer.subject = signature.common_name;
    if (signature.issuer) view.signer.organisation = signature.issuer;
    if (signature.alg) view.signer.algorithm = signature.alg;
  }
  if (signature?.time) view.signedAt = signature.time;

  for (const ingredient of manifest.ingredients ?? []) {
    const item: C2paIngredient = { validationState: 'no_credentials', failedChecks: [] };
    if (ingredient.title) item.title = ingredient.title;
    if (ingredient.format) item.format = ingredient.format;
    if (ingredient.relationship) item.relationship = ingredient.relationship;
    const child = ingredient.active_manifest ? manifestView(store, ingredient.active_manifest, statuses, depth + 1, path) : undefined;
    if (child) {
      // The ingredient's own checks: those recorded with it when it was used, and those of its manifest now.
      const recorded = [...(ingredient.validation_status ?? []), ...(ingredient.validation_results?.activeManifest?.failure ?? [])];
      const ingredientUrl = ingredient.label ? `/c2pa/${label}/c2pa.assertions/${ingredient.label}` : undefined;
      const deltas = (store.validation_results?.ingredientDeltas ?? []).filter((delta) => ingredientUrl && delta.ingredientAssertionURI?.endsWith(ingredientUrl)).flatMap((delta) => delta.validationDeltas?.failure ?? []);
      item.failedChecks = failedChecksOf([...recorded, ...deltas, ...child.failedChecks.map((check) => ({ code: check.code }))]);
      item.validationState = stateOfChecks(item.failedChecks);
      item.manifest = child;
    }
    view.ingredients.push(item);
  }
  return view;
}

/** The chain from the active manifest down; undefined when the store names no active manifest. */
export function manifestChain(store: StoreJson): C2paManifest | undefined {
  if (!store.active_manifest) return undefined;
  const chain = manifestView(store, store.active_manifest, allStatuses(store), 0, new Set());
  if (!chain) return undefined;
  // The store's overall verdict is authoritative for the active manifest when it is stricter.
  const overall = store.validation_state?.toLowerCase();
  if (overall === 'trusted' && chain.validationState === 'untrusted') chain.validationState = 'valid';
  if (overall === 'invalid' && chain.validationState !== 'invalid') chain.validationState = 'invalid';
  return chain;
}

/**
 * How many manifests the chain holds, and how many files deep it goes: a file made from a file
 * made from a file is 3, whether or not the oldest carried credentials of its own.
 */
export function chainShape(chain: C2paManifest | undefined): { manifests: number; levels: number } {
  if (!chain) return { manifests: 0, levels: 0 };
  const children = chain.ingredients.map((ingredient) => (ingredient.manifest ? chainShape(ingredient.manifest) : { manifests: 0, levels: 1 }));
  return { manifests: 1 + children.reduce((sum, child) => sum + child.manifests, 0), levels: 1 + Math.max(0, ...children.map((child) => child.levels)) };
}
