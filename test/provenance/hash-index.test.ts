import { expect } from 'chai';
import { HashIndex, type HashMatch } from '../../server/provenance/hash-index';
import { hammingDistance } from '../../server/provenance/phash';
import { seededRandom } from '../support/seeded-random';


function randomHash(next: () => number): string {
  const word = () => Math.floor(next() * 2 ** 32).toString(16).padStart(8, '0');
  return word() + word();
}

/** `hash` with exactly `bits` distinct bit positions flipped. */
function flipBits(hash: string, bits: number, next: () => number): string {
  let value = BigInt('0x' + hash);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(next() * 64));
  for (const bit of chosen) value ^= 1n << BigInt(bit);
  return value.toString(16).padStart(16, '0');
}

function bruteForce(entries: Array<[string, string]>, query: string, maxDistance: number): HashMatch[] {
  return entries
    .map(([id, hash]) => ({ id, hash, distance: hammingDistance(query, hash) }))
    .filter((m) => m.distance <= maxDistance)
    .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

describe('HashIndex', () => {
  const next = seededRandom(20240611);
  const entries: Array<[string, string]> = [];
  const centres: string[] = [];
  for (let i = 0; i < 5000; i++) entries.push([`r${i}`, randomHash(next)]);
  // Clusters of planted neighbours at every distance 0..14 around a few centres, so each radius
  // tested has matches right at and just beyond its boundary.
  for (let c = 0; c < 20; c++) {
    const centre = randomHash(next);
    centres.push(centre);
    entries.push([`c${c}`, centre]);
    for (let d = 0; d <= 14; d++) {
      for (let k = 0; k < 3; k++) entries.push([`c${c}-d${d}-${k}`, flipBits(centre, d, next)]);
    }
  }
  const index = HashIndex.fromEntries(entries);

  it('holds every id', () => {
    expect(index.size).to.equal(new Set(entries.map((e) => e[0])).size);
    expect(index.size).to.equal(entries.length);
  });

  for (const radius of [0, 3, 8, 10, 12]) {
    it(`returns exactly what a linear scan returns at radius ${radius}`, () => {
      const queries = [...centres, ...centres.map((c) => flipBits(c, 2, next)), ...entries.slice(0, 20).map((e) => e[1])];
      let nonEmpty = 0;
      for (const query of queries) {
        const expected = bruteForce(entries, query, radius);
        const actual = index.search(query, radius);
        expect(actual, `query ${query} radius ${radius}`).to.deep.equal(expected);
        if (expected.length > 1) nonEmpty++;
      }
      // The planted clusters must make this comparison meaningful, not a comparison of empty lists.
      expect(nonEmpty).to.be.greaterThan(0);
    });
  }

  it('finds a planted neighbour in a different chunk for each radius up to 16', () => {
    const centre = centres[0];
    for (let d = 0; d <= 16; d++) {
      const neighbour = flipBits(centre, d, next);
      index.add('planted', neighbour);
      const ids = index.search(centre, d).map((m) => m.id);
      index.remove('planted');
      expect(ids, `distance ${d}`).to.include('planted');
    }
  });

  it('keeps every id that shares a hash, and removes them one at a time', () => {
    const local = new HashIndex();
    local.add('a', '0123456789abcdef');
    local.add('b', '0123456789ABCDEF');
    local.add('c', '0123456789abcdee');
    expect(local.size).to.equal(3);
    expect(local.search('0123456789abcdef', 0)).to.deep.equal([
      { id: 'a', hash: '0123456789abcdef', distance: 0 },
      { id: 'b', hash: '0123456789abcdef', distance: 0 },
    ]);
    local.remove('a');
    expect(local.search('0123456789abcdef', 1).map((m) => m.id)).to.deep.equal(['b', 'c']);
    local.remove('b');
    expect(local.search('0123456789abcdef', 1).map((m) => m.id)).to.deep.equal(['c']);
    expect(local.size).to.equal(1);
    local.remove('missing');
    expect(local.size).to.equal(1);
  });

  it('stays consistent with a linear scan after many removals and re-adds', () => {
    const local = HashIndex.fromEntries(entries);
    const kept = new Map(entries);
    for (let i = 0; i < entries.length; i += 3) {
      local.remove(entries[i][0]);
      kept.delete(entries[i][0]);
    }
    // Re-pointing an id to a new hash must drop it from its old neighbourhood.
    for (let i = 1; i < 200; i += 3) {
      const moved = flipBits(entries[i][1], 5, next);
      local.add(entries[i][0], moved);
      kept.set(entries[i][0], moved);
    }
    expect(local.size).to.equal(kept.size);
    const remaining = [...kept.entries()];
    for (const query of [...centres, ...remaining.slice(0, 30).map((e) => e[1])]) {
      expect(local.search(query, 10)).to.deep.equal(bruteForce(remaining, query, 10));
    }
  });

  it('accepts { id, hash } records and rejects malformed hashes and radii', () => {
    const local = HashIndex.fromEntries([{ id: 'x', hash: 'ffffffffffffffff' }]);
    expect(local.get('x')).to.equal('ffffffffffffffff');
    expect(() => local.add('y', 'not-a-hash')).to.throw(TypeError);
    expect(() => local.add('y', 'fffffffffffffff')).to.throw(TypeError);
    expect(() => local.search('ffffffffffffffff', -1)).to.throw(RangeError);
    expect(() => local.search('ffffffffffffffff', 2.5)).to.throw(RangeError);
  });

  it('answers radii wide enough to need a full scan', () => {
    const ids = index.search(centres[1], 64).map((m) => m.id);
    expect(ids).to.have.length(entries.length);
  });
});
