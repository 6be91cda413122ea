// Gathers everything the image page shows; the shaping is in image-page.view.ts.
import type { AppDeps } from '../app';
import { editFormView, findingViews, imagePageView, metadataGroups, provenanceChain, rawMetadataJson, relatedViews } from './image-page.view';

export async function loadImagePage(deps: Pick<AppDeps, 'images' | 'history' | 'provenance'>, id: string, submitted?: Record<string, unknown>) {
  const { image, articles } = await deps.images.get(id);
  const [history, metadata, matches] = await Promise.all([
    deps.history.list(image._id),
    deps.images.metadataOf(image._id),
    deps.provenance.findMatches(image.sha256, image.phash, image._id),
  ]);
  return {
    image: imagePageView(image),
    chain: provenanceChain(image, articles, history.entries),
    chainValid: history.chainValid,
    chainBrokenAt: history.brokenAt,
    chainProblem: history.reason,
    findings: findingViews(image.provenance?.findings as Parameters<typeof findingViews>[0]),
    groups: metadataGroups(image),
    rawJson: rawMetadataJson(metadata.raw),
    related: relatedViews(matches),
    form: editFormView(image, submitted),
  };
}
