import { expect } from 'chai';
import { lookupView } from '../../server/web/check.view';
import type { LookupMatch, LookupResult } from '../../server/images/lookup.service';

function match(kind: 'exact' | 'near', n: number): LookupMatch {
  const imageId = String(n).padStart(24, '0');
  return { imageId, kind, relation: kind === 'exact' ? 'same-file' : 'resized', distance: kind === 'exact' ? 0 : 4, credit: null, sourceUrl: null, caption: null, firstSeen: new Date(Date.UTC(2025, 1, 7)), url: `/images/${imageId}` };
}

function result(matches: LookupMatch[]): LookupResult {
  return { sha256: 'a'.repeat(64), phash: 'f'.repeat(16), format: 'jpeg', width: 640, height: 480, matches, findings: [], c2pa: { present: false, reader: 'jumbf-scan' }, jpegQuality: null };
}

describe('check page view', () => {
  it('counts exact copies and look-alikes in words, singular and plural', () => {
    expect(lookupView(result([]), 'x.jpg').summary).to.equal('The archive holds nothing that looks like this picture.');
    expect(lookupView(result([match('exact', 1)]), 'x.jpg').summary).to.equal('1 copy of this exact file in the archive.');
    expect(lookupView(result([match('exact', 1), match('exact', 2), match('near', 3)]), 'x.jpg').summary).to.equal(
      '2 copies of this exact file and 1 picture that looks the same in the archive.',
    );
    expect(lookupView(result([match('near', 1), match('near', 2)]), 'x.jpg').summary).to.equal('2 pictures that look the same in the archive.');
  });
});
