// Gathers everything the image page shows; the shaping is in image-page.view.ts.
import { can } from '../accounts/authorization';
import type { Principal } from '../accounts/principal';
import { findingsFor, historyFor, publicGps } from '../accounts/visibility';
import type { ImageProvenance } from '../images/image-provenance';
import type { ImageRecord } from '../images/image.model';
import type { ImageService } from '../images/images.service';
import type { Finding } from '../provenance/findings.types';
import type { HistoryService } from '../provenance/history.service';
import { credentialsView } from './c2pa.view';
import type { VideoService } from '../video/video.service';
import { isVideoFormat } from '../files/video-format';
import type { PicturesService } from '../pictures/pictures.service';
import { editFormView, findingViews, imagePageView, metadataGroups, pictureGroupView, provenanceChain, rawMetadataJson, relatedViews } from './image-page.view';
import { originSteps, sourceVideoViews, videoFactsGroup, videoPageView } from './video-page.view';

export interface ImagePageDeps {
  images: ImageService;
  history: HistoryService;
  provenance: ImageProvenance;
  video: Pick<VideoService, 'sourcesOf' | 'detailsOf' | 'stillsOf'>;
  pictures: Pick<PicturesService, 'groupView'>;
}

/** What the principal may not see is taken out before any view is built from the record. */
function imageFor(principal: Principal, image: ImageRecord): ImageRecord {
  if (can(principal, 'seeOriginals')) return image;
  const embedded = image.embedded ? { ...image.embedded, gps: publicGps(image.embedded.gps) ?? undefined } : image.embedded;
  const findings = findingsFor(principal, (image.provenance?.findings ?? []) as Finding[]);
  return { ...image, embedded, provenance: image.provenance ? { ...image.provenance, findings } : image.provenance } as ImageRecord;
}

/** `startAt`: the `?t=` a video's page opens at (links from a still's page and from lookups). */
export async function loadImagePage(deps: ImagePageDeps, id: string, principal: Principal, submitted?: Record<string, unknown>, startAt?: number) {
  const stored = await deps.images.get(id);
  const image = imageFor(principal, stored.image);
  const { articles } = stored;
  const seesRaw = can(principal, 'seeRawMetadata');
  const isVideo = isVideoFormat(image.file?.format);
  const [fullHistory, metadata, matches, sources, videoDetails, stills, group] = await Promise.all([
    deps.history.list(image._id),
    seesRaw ? deps.images.metadataOf(image._id) : undefined,
    deps.provenance.findMatches(image.sha256, image.phash, image._id),
    // A video's own page shows the stills taken from it; a still's page, the videos it comes from.
    isVideo ? [] : deps.video.sourcesOf(image._id),
    isVideo ? deps.video.detailsOf(image._id) : undefined,
    isVideo ? deps.video.stillsOf(image._id) : [],
    deps.pictures.groupView(image._id),
  ]);
  const history = historyFor(principal, fullHistory);
  return {
    gpsRounded: !can(principal, 'seeOriginals') && Boolean(stored.image.embedded?.gps),
    image: imagePageView(image),
    video: videoDetails ? videoPageView(image, videoDetails, stills, startAt) : undefined,
    sourceVideos: sourceVideoViews(sources),
    chain: [...originSteps(sources), ...provenanceChain(image, articles, history.entries)],
    chainValid: history.chainValid,
    chainBrokenAt: history.brokenAt,
    chainProblem: history.reason,
    findings: findingViews(image.provenance?.findings as Parameters<typeof findingViews>[0]),
    credentials: credentialsView(image.c2pa as Parameters<typeof credentialsView>[0], image.embedded?.digitalSourceType ?? undefined),
    groups: videoDetails ? [videoFactsGroup(videoDetails), ...metadataGroups(image)] : metadataGroups(image),
    rawJson: metadata ? rawMetadataJson(metadata.raw) : undefined,
    related: relatedViews(matches),
    pictureGroup: pictureGroupView(group),
    form: editFormView(image, submitted),
  };
}
