// Gathers everything the image page shows; the shaping is in image-page.view.ts.
import { can } from '../accounts/authorization';
import type { Principal } from '../accounts/principal';
import { findingsFor, historyFor, publicGps } from '../accounts/visibility';
import type { ImageProvenance } from '../images/image-provenance';
import type { ImageRecord } from '../images/image.model';
import type { ImageService } from '../images/images.service';
import type { Finding } from '../provenance/findings.types';
import type { HistoryService } from '../provenance/history.service';
import { editFormView, findingViews, imagePageView, metadataGroups, provenanceChain, rawMetadataJson, relatedViews } from './image-page.view';

export interface ImagePageDeps {
  images: ImageService;
  history: HistoryService;
  provenance: ImageProvenance;
}

/** What the principal may not see is taken out before any view is built from the record. */
function imageFor(principal: Principal, image: ImageRecord): ImageRecord {
  if (can(principal, 'seeOriginals')) return image;
  const embedded = image.embedded ? { ...image.embedded, gps: publicGps(image.embedded.gps) ?? undefined } : image.embedded;
  const findings = findingsFor(principal, (image.provenance?.findings ?? []) as Finding[]);
  return { ...image, embedded, provenance: image.provenance ? { ...image.provenance, findings } : image.provenance } as ImageRecord;
}

export async function loadImagePage(deps: ImagePageDeps, id: string, principal: Principal, submitted?: Record<string, unknown>) {
  const stored = await deps.images.get(id);
  const image = imageFor(principal, stored.image);
  const { articles } = stored;
  const seesRaw = can(principal, 'seeRawMetadata');
  const [fullHistory, metadata, matches] = await Promise.all([
    deps.history.list(image._id),
    seesRaw ? deps.images.metadataOf(image._id) : undefined,
    deps.provenance.findMatches(image.sha256, image.phash, image._id),
  ]);
  const history = historyFor(principal, fullHistory);
  return {
    gpsRounded: !can(principal, 'seeOriginals') && Boolean(stored.image.embedded?.gps),
    image: imagePageView(image),
    chain: provenanceChain(image, articles, history.entries),
    chainValid: history.chainValid,
    chainBrokenAt: history.brokenAt,
    chainProblem: history.reason,
    findings: findingViews(image.provenance?.findings as Parameters<typeof findingViews>[0]),
    groups: metadataGroups(image),
    rawJson: metadata ? rawMetadataJson(metadata.raw) : undefined,
    related: relatedViews(matches),
    form: editFormView(image, submitted),
  };
}
