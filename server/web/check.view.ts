// View-model of the check page's results (views/partials/lookup-results.njk).
import type { LookupResult } from '../images/lookup.service';
import { findingViews, type FindingView } from './image-page.view';
import { formatDay, hostOf, safeHref, trimText } from './format';

export interface LookupMatchView {
  href: string;
  kind: string;
  exact: boolean;
  distance: number;
  credit: string;
  caption: string;
  source?: { host: string; href?: string };
  firstSeen?: string;
  thumbnailUrl?: string;
}

export interface LookupView {
  fileName: string;
  summary: string;
  format: string;
  dimensions: string;
  sha256: string;
  matches: LookupMatchView[];
  findings: FindingView[];
}

export function lookupView(result: LookupResult, fileName: string): LookupView {
  const exact = result.matches.filter((match) => match.kind === 'exact').length;
  const near = result.matches.length - exact;
  const summary =
    result.matches.length === 0
      ? 'The archive holds nothing that looks like this picture.'
      : [exact ? `${exact} ${exact === 1 ? 'copy' : 'copies'} of this exact file` : '', near ? `${near} picture${near === 1 ? '' : 's'} that look${near === 1 ? 's' : ''} the same` : '']
          .filter(Boolean)
          .join(' and ')
          .replace(/^./, (c) => c.toUpperCase()) + ' in the archive.';
  return {
    fileName,
    summary,
    format: result.format.toUpperCase(),
    dimensions: `${result.width} × ${result.height} px`,
    sha256: result.sha256,
    matches: result.matches.map((match) => ({
      href: `/images/${match.imageId}`,
      kind: match.kind === 'exact' ? 'Same file' : `Looks the same (distance ${match.distance})`,
      exact: match.kind === 'exact',
      distance: match.distance,
      credit: match.credit ?? 'No credit',
      caption: trimText(match.caption, 140),
      source: match.sourceUrl ? { host: hostOf(match.sourceUrl) ?? match.sourceUrl, href: safeHref(match.sourceUrl) } : undefined,
      firstSeen: formatDay(match.firstSeen),
      thumbnailUrl: match.thumbnailUrl,
    })),
    findings: findingViews(result.findings),
  };
}
