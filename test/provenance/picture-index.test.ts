import { expect } from 'chai';
import { PictureIndex } from '../../server/provenance/picture-index';
import { seededRandom } from '../support/seeded-random';

const hex = (hi: number, lo: number) => (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');

describe('picture index', () => {
  it('finds a picture by its whole hash or a crop window, once, by the nearest', () => {
    const index = new PictureIndex();
    index.add('a', ['00000000ffffffff'], ['0000000fffffffff', '00000000fffffff0']);
    index.add('b', ['ffffffff00000000'], []);
    expect(index.search('00000000ffffffff', 'all', 10)).to.deep.equal([{ id: 'a', distance: 0, window: -1 }]);
    expect(index.search('00000001fffffff0', 'all', 10)).to.deep.equal([{ id: 'a', distance: 1, window: 1 }]);
    // A whole-only search does not look at the crop windows.
    expect(index.search('00000001fffffff0', 'whole', 4)).to.deep.equal([]);
  });

  it('forgets a removed picture and replaces a re-added one', () => {
    const index = new PictureIndex();
    index.add('a', ['00000000ffffffff'], ['0000000fffffffff']);
    index.remove('a');
    expect(index.search('00000000ffffffff', 'all', 10)).to.deep.equal([]);
    index.add('a', ['ffffffff00000000']);
    expect(index.size).to.equal(1);
    expect(index.search('ffffffff00000000', 'all', 0).map((m) => m.id)).to.deep.equal(['a']);
    expect(index.search('00000000ffffffff', 'all', 10)).to.deep.equal([]);
  });

  it('answers as a linear scan would over thousands of pictures, after removals compact it', () => {
    const next = seededRandom(5);
    const index = new PictureIndex();
    const held = new Map<string, string[]>();
    for (let i = 0; i < 3000; i++) {
      const hashes = [0, 1, 2].map(() => hex(Math.floor(next() * 2 ** 32), Math.floor(next() * 2 ** 32)));
      held.set(`p${i}`, hashes);
      index.add(`p${i}`, [hashes[0]], hashes.slice(1));
    }
    for (let i = 0; i < 3000; i += 2) {
      index.remove(`p${i}`);
      held.delete(`p${i}`);
    }
    const popcount = (a: string, b: string) => [...(BigInt(`0x${a}`) ^ BigInt(`0x${b}`)).toString(2)].filter((c) => c === '1').length;
    for (const [id, hashes] of [...held].slice(0, 50)) {
      const query = hashes[1].slice(0, 15) + (hashes[1][15] === '0' ? '1' : '0');
      const expected = [...held].filter(([, hs]) => hs.some((h) => popcount(h, query) <= 9)).map(([other]) => other);
      expect(index.search(query, 'all', 9).map((m) => m.id).sort()).to.deep.equal(expected.sort());
      expect(expected).to.include(id);
    }
  });
});
