// View-model of Content Credentials as Verify presents them: the state in words, then the manifest
// chain with each manifest's signer, timestamp, actions, identities and ingredients (recursively).
// Used by the image page and the check page (views/partials/c2pa-chain.njk). Pure.
import type { C2paIngredient, C2paManifest, C2paValidationState } from '../provenance/c2pa.types';
import { actionWords, digitalSourceTypeLabel, isAiDigitalSourceType, STATE_LABELS } from '../provenance/c2pa-words';
import type { C2paSummary } from '../provenance/findings.types';
import { formatDateTime, safeHref } from './format';

type Tone = 'ok' | 'warn' | 'bad' | 'muted' | 'info';

const TONES: Record<C2paValidationState | 'remote' | 'no_credentials', Tone> = {
  valid: 'ok',
  untrusted: 'warn',
  invalid: 'bad',
  unknown: 'muted',
  remote: 'info',
  no_credentials: 'muted',
};

const RELATIONSHIPS: Record<string, string> = {
  parentOf: 'made from it (parent)',
  componentOf: 'a part of it (component)',
  inputTo: 'an input to it',
};

export interface StateView {
  key: string;
  label: string;
  tone: Tone;
}

export interface ManifestView {
  title: string;
  claimGenerator?: string;
  signer?: string;
  signedAt?: string;
  timestamp: string;
  state: StateView;
  failedChecks: string[];
  actions: Array<{ name: string; code: string; softwareAgent?: string; sourceType?: string; ai: boolean }>;
  identities: Array<{ name: string; signatureType?: string; state: StateView; failedChecks: string[] }>;
  ingredients: IngredientView[];
}

export interface IngredientView {
  title: string;
  format?: string;
  relationship?: string;
  state: StateView;
  failedChecks: string[];
  manifest?: ManifestView;
}

export interface SourceTypeView {
  label: string;
  term: string;
  from: string;
  ai: boolean;
}

export interface CredentialsView {
  state?: StateView;
  /** The state in words (stored with the summary when it was read). */
  text?: string;
  remote?: { url: string; href?: string; fetched: boolean };
  manifest?: ManifestView;
  manifestCount?: number;
  levels?: number;
  sourceTypes: SourceTypeView[];
}

function stateView(state: C2paValidationState | 'remote' | 'no_credentials'): StateView {
  return { key: state, label: STATE_LABELS[state], tone: TONES[state] };
}

function checks(list: Array<{ code: string; words: string }> | undefined): string[] {
  return (list ?? []).filter((check) => check.code !== 'signingCredential.untrusted').map((check) => check.words);
}

function timestampWords(manifest: C2paManifest): string {
  if (manifest.timestamp === 'none') return 'No trusted timestamp: the signing time is the signer’s own claim.';
  const by = manifest.timestampAuthority ? ` by ${manifest.timestampAuthority}` : '';
  return manifest.timestamp === 'trusted' ? `Timestamped${by} (a trusted authority).` : `Timestamped${by}; the authority is not on the trust list.`;
}

function manifestView(manifest: C2paManifest): ManifestView {
  const signer = manifest.signer ? [manifest.signer.subject, manifest.signer.organisation && manifest.signer.organisation !== manifest.signer.subject ? `(${manifest.signer.organisation})` : undefined].filter(Boolean).join(' ') : undefined;
  return {
    title: manifest.title ?? 'Untitled',
    claimGenerator: manifest.claimGenerator,
    signer: signer || undefined,
    signedAt: formatDateTime(manifest.signedAt) ?? manifest.signedAt,
    timestamp: timestampWords(manifest),
    state: stateView(manifest.validationState),
    failedChecks: checks(manifest.failedChecks),
    actions: manifest.actions.map((action) => ({
      name: actionWords(action.action),
      code: action.action,
      softwareAgent: action.softwareAgent,
      sourceType: action.digitalSourceType ? (action.digitalSourceLabel ?? digitalSourceTypeLabel(action.digitalSourceType)) : undefined,
      ai: action.digitalSourceType ? isAiDigitalSourceType(action.digitalSourceType) : false,
    })),
    identities: manifest.identities.map((identity) => ({
      name: identity.name ?? 'Unnamed identity',
      signatureType: identity.signatureType,
      state: stateView(identity.validationState),
      failedChecks: checks(identity.failedChecks),
    })),
    ingredients: manifest.ingredients.map(ingredientView),
  };
}

function ingredientView(ingredient: C2paIngredient): IngredientView {
  return {
    title: ingredient.title ?? 'Untitled ingredient',
    format: ingredient.format,
    relationship: ingredient.relationship ? (RELATIONSHIPS[ingredient.relationship] ?? ingredient.relationship) : undefined,
    state: stateView(ingredient.validationState),
    failedChecks: checks(ingredient.failedChecks),
    manifest: ingredient.manifest ? manifestView(ingredient.manifest) : undefined,
  };
}

/** The digital source types the file declares, from its C2PA actions and its XMP, with IPTC labels. */
export function sourceTypeViews(c2pa: C2paSummary | undefined, xmpSourceType: string | undefined): SourceTypeView[] {
  const out: SourceTypeView[] = [];
  const add = (value: string, from: string) => {
    const label = digitalSourceTypeLabel(value);
    const existing = out.find((item) => item.label === label);
    if (existing) existing.from = `${existing.from}, ${from}`;
    else out.push({ label, term: value, from, ai: isAiDigitalSourceType(value) });
  };
  for (const value of c2pa?.digitalSourceTypes ?? []) add(value, 'C2PA action');
  if (xmpSourceType?.trim()) add(xmpSourceType.trim(), 'XMP Iptc4xmpExt:DigitalSourceType');
  return out;
}

export function credentialsView(c2pa: C2paSummary | undefined | null, xmpSourceType?: string): CredentialsView {
  const summary = c2pa ?? undefined;
  const view: CredentialsView = { sourceTypes: sourceTypeViews(summary, xmpSourceType) };
  if (!summary) return view;
  if (summary.present) view.state = stateView(summary.validationState ?? 'unknown');
  else if (summary.remoteManifestUrl) view.state = stateView('remote');
  // The badge already says the state's label; the sentence goes on from there.
  const label = view.state?.label;
  view.text = label && summary.validationText?.startsWith(`${label}: `) ? summary.validationText.slice(label.length + 2).replace(/^./, (c) => c.toUpperCase()) : summary.validationText;
  if (summary.remoteManifestUrl) view.remote = { url: summary.remoteManifestUrl, href: safeHref(summary.remoteManifestUrl), fetched: Boolean(summary.remoteFetched) };
  if (summary.chain) {
    view.manifest = manifestView(summary.chain);
    view.manifestCount = summary.manifestCount;
    view.levels = summary.chainLevels;
  }
  return view;
}
