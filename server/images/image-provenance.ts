// Provenance as the images capability uses it: over image records, matches shown as image records.
import type { MatchedImage, ProvenanceService } from '../provenance/provenance.service';
import type { ImageRecord } from './image.model';
import type { MatchCandidateRecord } from './images.repository';

export type ImageProvenance = ProvenanceService<ImageRecord, MatchCandidateRecord>;
export type MatchedImageRecord = MatchedImage<MatchCandidateRecord>;
