// Badge wording and tone. Each badge carries a symbol and words, never colour alone.
import type { ProvenanceBadge } from '../provenance/findings.types';
import type { VerificationStatus } from '../images/image.types';

export interface BadgeView {
  key: string;
  label: string;
  /** A glyph shown beside the words; hidden from screen readers, which read the label. */
  symbol: string;
  /** CSS tone class suffix: ok, warn, bad, muted. */
  tone: 'ok' | 'warn' | 'bad' | 'muted' | 'info';
  description: string;
}

const PROVENANCE: Record<ProvenanceBadge, BadgeView> = {
  confirmed: { key: 'confirmed', label: 'Credit confirmed', symbol: '✓', tone: 'ok', description: 'The credit is confirmed by the file’s own metadata.' },
  differs: { key: 'differs', label: 'Credit differs', symbol: '≠', tone: 'bad', description: 'The credit differs from what the file’s metadata says.' },
  no_metadata: { key: 'no_metadata', label: 'No metadata', symbol: '∅', tone: 'muted', description: 'The file carries no camera metadata to check the credit against.' },
  held_elsewhere: {
    key: 'held_elsewhere',
    label: 'Held elsewhere',
    symbol: '⇄',
    tone: 'warn',
    description: 'The archive holds this picture under another credit too.',
  },
  neutral: { key: 'neutral', label: 'Not confirmed', symbol: '·', tone: 'info', description: 'Nothing in the file confirms or contradicts the credit.' },
};

const STATUS: Record<VerificationStatus, BadgeView> = {
  verified: { key: 'verified', label: 'Verified', symbol: '✔', tone: 'ok', description: 'A fact-checker marked this image verified.' },
  disputed: { key: 'disputed', label: 'Disputed', symbol: '✖', tone: 'bad', description: 'A fact-checker marked this image disputed.' },
  unverified: { key: 'unverified', label: 'Unverified', symbol: '?', tone: 'muted', description: 'No fact-checker has ruled on this image yet.' },
};


export function provenanceBadge(badge: string | undefined | null): BadgeView {
  return PROVENANCE[(badge ?? 'neutral') as ProvenanceBadge] ?? PROVENANCE.neutral;
}

export function statusBadge(status: string | undefined | null): BadgeView {
  return STATUS[(status ?? 'unverified') as VerificationStatus] ?? STATUS.unverified;
}

export interface SeverityView {
  key: string;
  label: string;
  symbol: string;
  tone: BadgeView['tone'];
}

const SEVERITY: Record<string, SeverityView> = {
  warning: { key: 'warning', label: 'Warning', symbol: '▲', tone: 'bad' },
  notice: { key: 'notice', label: 'Notice', symbol: '●', tone: 'warn' },
  info: { key: 'info', label: 'Info', symbol: 'i', tone: 'info' },
};

export function severityView(severity: string | undefined): SeverityView {
  return SEVERITY[severity ?? 'info'] ?? SEVERITY.info;
}
