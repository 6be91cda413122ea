// The hash index follows images stored by other processes sharing the database (several app
// instances on one MongoDB): a lookup reads what they stored since its last sync.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createWriteGeneration } from '../../server/db/write-generation';
import { ImageModel } from '../../server/images/image.model';
import { createImagesRepository } from '../../server/images/images.repository';
import { createProvenanceService } from '../../server/provenance/provenance.service';
import { resetDatabase } from '../support/app';

const PHASH = 'f0e1d2c3b4a59687';

/** An image record as another app instance would have written it. */
async function storedElsewhere(): Promise<string> {
  const derivative = { file: `${'d'.repeat(64)}.webp`, width: 400, height: 300, format: 'webp', bytes: 1000 };
  const record = await ImageModel.create({
    sha256: randomBytes(32).toString('hex'),
    phash: PHASH,
    originalFile: `${'e'.repeat(64)}.jpg`,
    file: { format: 'jpeg', mimeType: 'image/jpeg', bytes: 1000, width: 400, height: 300 },
    derivatives: { thumbnail: derivative, display: derivative },
    declared: { credit: 'Stored by another instance' },
  });
  return String(record._id);
}

describe('hash index sync with other processes', () => {
  beforeEach(resetDatabase);

  it('finds an image another process stored after this one started', async () => {
    const provenance = createProvenanceService(createImagesRepository({ generation: createWriteGeneration() }), { indexSyncMs: 0 });
    provenance.indexScanStarted(new Date());
    const id = await storedElsewhere();
    const matches = await provenance.findMatches(randomBytes(32).toString('hex'), PHASH);
    expect(matches.map((match) => [String(match.image._id), match.kind, match.distance])).to.deep.equal([[id, 'near', 0]]);
    expect(provenance.indexSize).to.equal(1);
  });

  it('reads at most once per interval, so lookups do not each query the database', async () => {
    const provenance = createProvenanceService(createImagesRepository({ generation: createWriteGeneration() }), { indexSyncMs: 60_000 });
    provenance.indexScanStarted(new Date());
    await storedElsewhere();
    expect(await provenance.findMatches(randomBytes(32).toString('hex'), PHASH)).to.deep.equal([]);
    // An explicit sync (what the next lookup after the interval does) brings it in.
    await provenance.syncIndex();
    expect(await provenance.findMatches(randomBytes(32).toString('hex'), PHASH)).to.have.length(1);
  });
});
