// Every fixture image uploaded through HTTP: the normalised metadata in the API response and the
// dimensions after orientation agree with the ExifTool ground truth beside each file.
import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import request from 'supertest';
import type { NormalisedMetadata } from '../../server/images/image.types';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';
import { FIXTURES, compare, displayedSize, readTruth } from '../support/ground-truth';

const fixtureNames = readdirSync(FIXTURES).filter((name) => !name.endsWith('.json')).sort();

/** Files the archive refuses, and why: each one is checked to be refused with this status. */
const REFUSED: Record<string, { status: number; why: string }> = {
  'tiff_poc.tiff': { status: 422, why: 'malformed TIFF (thousands of SubIFD offsets) that libvips cannot open; exiftool reads no tags from it either' },
};

/** The API sends dates as ISO strings; the comparison works on the normalised shape. */
function fromJson(embedded: Record<string, unknown>): NormalisedMetadata {
  return { ...(embedded as unknown as NormalisedMetadata), capturedAt: embedded.capturedAt ? new Date(String(embedded.capturedAt)) : undefined };
}

describe('every fixture through POST /api/images', function () {
  this.timeout(120_000);
  let app: TestApp;
  const responses = new Map<string, request.Response>();

  before(async () => {
    await resetDatabase();
    app = await startTestApp();
    for (const name of fixtureNames) {
      responses.set(name, await app.as('verifier').post('/api/images').attach('image', fixture(name)));
    }
  });
  after(async () => {
    await app.close();
  });

  it('stores every fixture except the listed refusals, which get their status', () => {
    for (const name of fixtureNames) {
      const response = responses.get(name)!;
      const expected = REFUSED[name]?.status ?? 201;
      // landscape_1..8 and other same-content pairs are different files, so all are new (201).
      expect(response.status, `${name}: ${JSON.stringify(response.body.error ?? '')}`).to.equal(expected);
    }
  });

  it('reports make, model, capture date, GPS, orientation and credit fields as the ground truth says', async () => {
    const problems: string[] = [];
    let compared = 0;
    for (const name of fixtureNames.filter((file) => !REFUSED[file])) {
      const truth = await readTruth(name);
      const embedded = fromJson(responses.get(name)!.body.embedded);
      for (const comparison of compare(truth, embedded)) {
        if (comparison.expected !== undefined) compared++;
        if (JSON.stringify(comparison.expected) !== JSON.stringify(comparison.actual)) {
          problems.push(`${name} ${comparison.field}: expected ${JSON.stringify(comparison.expected)} (${comparison.tag ?? 'absent'}), got ${JSON.stringify(comparison.actual)}`);
        }
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    expect(compared).to.be.greaterThan(100);
  });

  it('reports width and height after orientation', async () => {
    for (const name of fixtureNames.filter((file) => !REFUSED[file])) {
      const { file } = responses.get(name)!.body;
      expect({ width: file.width, height: file.height }, name).to.deep.equal(displayedSize(await readTruth(name)));
    }
  });

  it('finds the eight orientation variants of one picture as one picture', async () => {
    const landscapes = fixtureNames.filter((name) => name.startsWith('landscape_'));
    expect(landscapes).to.have.length(8);
    for (const name of landscapes) expect(responses.get(name)!.body.file).to.include({ width: 600, height: 450 });
    const lookup = await app.as('verifier').post('/api/lookup').attach('image', fixture('landscape_1.jpg')).expect(200);
    const matched = lookup.body.matches.map((match: { imageId: string }) => match.imageId).sort();
    expect(matched).to.deep.equal(landscapes.map((name) => responses.get(name)!.body.id).sort());
    expect(lookup.body.matches[0]).to.include({ imageId: responses.get('landscape_1.jpg')!.body.id, kind: 'exact' });
  });
});
