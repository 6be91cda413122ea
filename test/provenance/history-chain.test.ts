import { expect } from 'chai';
import { appendEntry, canonicalJson, hashEntry, verifyChain, type HistoryEntry } from '../../server/provenance/history-chain';

const IMAGE = '65f0c0ffee00000000000001';

function buildChain(): HistoryEntry[] {
  let chain: HistoryEntry[] = [];
  const add = (entry: Omit<HistoryEntry, 'seq' | 'prevHash' | 'hash' | 'imageId'>) => {
    chain = [...chain, appendEntry(chain, { imageId: IMAGE, ...entry })];
  };
  add({ type: 'created', actor: 'desk@example.org', at: new Date('2025-02-07T14:00:00Z'), changes: [{ field: 'credit', from: null, to: 'Telegram/Volodymyr Zelensky' }] });
  add({ type: 'edited', actor: 'editor@example.org', at: new Date('2025-02-07T14:10:00Z'), changes: [{ field: 'caption', from: 'Passport', to: 'The passport belonging to a captured North Korean soldier' }], reason: 'caption as printed' });
  add({ type: 'use_added', actor: 'editor@example.org', at: new Date('2025-02-07T14:37:00Z'), changes: [{ field: 'uses', from: null, to: { publication: 'The Independent', at: new Date('2025-02-07T14:37:00Z') } }] });
  add({ type: 'status_set', actor: 'verifier@example.org', at: new Date('2025-02-08T09:00:00Z'), changes: [{ field: 'status', from: 'unverified', to: 'verified' }] });
  add({ type: 'file_replaced', actor: 'desk@example.org', at: new Date('2025-02-09T09:00:00Z'), changes: [{ field: 'sha256', from: 'a'.repeat(64), to: 'b'.repeat(64) }] });
  return chain;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes Dates as ISO strings', () => {
    const a = canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: new Date('2025-02-07T14:37:00Z') } });
    const b = canonicalJson({ a: { c: new Date('2025-02-07T14:37:00.000Z'), d: [1, { y: null, z: true }] }, b: 1 });
    expect(a).to.equal(b);
    expect(a).to.equal('{"a":{"c":"2025-02-07T14:37:00.000Z","d":[1,{"y":null,"z":true}]},"b":1}');
  });

  it('leaves out undefined properties and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 2] })).to.equal('{"b":[null,2]}');
  });

  it('uses toJSON for values that define it, and refuses values JSON would lose', () => {
    expect(canonicalJson({ id: { toJSON: () => 'abc' } })).to.equal('{"id":"abc"}');
    expect(() => canonicalJson({ n: Number.NaN })).to.throw(TypeError);
    expect(() => canonicalJson({ d: new Date('nope') })).to.throw(TypeError);
  });
});

describe('hashEntry', () => {
  it('is a hex SHA-256 that ignores key order and storage extras', () => {
    const [first] = buildChain();
    const hash = hashEntry(first!);
    expect(hash).to.match(/^[0-9a-f]{64}$/);
    const reordered = JSON.parse(JSON.stringify({ _id: 'x', ...first })) as HistoryEntry;
    // Read back from storage the date is a string again, and changes may carry sub-document ids.
    const restored = { ...reordered, at: new Date(reordered.at), changes: reordered.changes.map((c) => ({ _id: 'sub', ...c })) };
    expect(hashEntry(restored)).to.equal(hash);
  });

  it('treats null and absent reason alike but any reason text as content', () => {
    const [first] = buildChain();
    expect(hashEntry({ ...first!, reason: undefined })).to.equal(hashEntry(first!));
    expect(hashEntry({ ...first!, reason: 'x' })).to.not.equal(hashEntry(first!));
  });
});

describe('verifyChain', () => {
  it('accepts a valid chain and an empty one', () => {
    const chain = buildChain();
    expect(chain.map((e) => e.seq)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(chain[0]!.prevHash).to.equal(null);
    expect(chain[3]!.prevHash).to.equal(chain[2]!.hash);
    expect(verifyChain(chain)).to.deep.equal({ valid: true });
    expect(verifyChain([])).to.deep.equal({ valid: true });
  });

  const edits: Array<[string, (e: HistoryEntry) => HistoryEntry]> = [
    ['actor', (e) => ({ ...e, actor: 'someone-else@example.org' })],
    ['at', (e) => ({ ...e, at: new Date(e.at.getTime() + 1000) })],
    ['type', (e) => ({ ...e, type: 'status_set' })],
    ['a change value', (e) => ({ ...e, changes: [{ ...e.changes[0]!, to: 'Reuters' }] })],
    ['a change field', (e) => ({ ...e, changes: [{ ...e.changes[0]!, field: 'source' }] })],
    ['a removed change', (e) => ({ ...e, changes: [] })],
    ['reason', (e) => ({ ...e, reason: 'nothing to see' })],
    ['imageId', (e) => ({ ...e, imageId: 'another' })],
    ['seq', (e) => ({ ...e, seq: e.seq + 10 })],
    ['prevHash', (e) => ({ ...e, prevHash: 'f'.repeat(64) })],
    ['hash', (e) => ({ ...e, hash: 'f'.repeat(64) })],
  ];
  for (const [what, edit] of edits) {
    it(`breaks at the edited entry when ${what} is changed`, () => {
      const chain = buildChain();
      chain[2] = edit(chain[2]!);
      const verdict = verifyChain(chain);
      expect(verdict.valid).to.equal(false);
      expect(verdict.brokenAt).to.equal(2);
      expect(verdict.reason).to.be.a('string');
    });
  }

  it('breaks where two entries were swapped', () => {
    const chain = buildChain();
    [chain[1], chain[2]] = [chain[2]!, chain[1]!];
    expect(verifyChain(chain)).to.include({ valid: false, brokenAt: 1 });
  });

  it('breaks where a middle entry was deleted', () => {
    const chain = buildChain();
    chain.splice(2, 1);
    expect(verifyChain(chain)).to.include({ valid: false, brokenAt: 2 });
  });

  it('breaks when the first entry is deleted', () => {
    expect(verifyChain(buildChain().slice(1))).to.include({ valid: false, brokenAt: 0 });
  });

  it('breaks at the next entry when an edited entry had its own hash recomputed', () => {
    const chain = buildChain();
    const forged = { ...chain[1]!, actor: 'forger@example.org' };
    chain[1] = { ...forged, hash: hashEntry(forged) };
    const verdict = verifyChain(chain);
    expect(verdict).to.include({ valid: false, brokenAt: 2 });
    expect(verdict.reason).to.match(/does not point at entry 1/);
  });

  it('accepts a forged tail only if every later hash was recomputed, which is why the last hash must be kept elsewhere', () => {
    // Documents the limit of a hash chain: rewriting from an entry to the end yields a valid chain
    // whose head differs from the original one.
    const original = buildChain();
    let forged: HistoryEntry[] = original.slice(0, 3);
    forged[2] = appendEntry(forged.slice(0, 2), { imageId: IMAGE, type: 'use_added', actor: 'forger@example.org', at: original[2]!.at, changes: original[2]!.changes });
    for (const entry of original.slice(3)) forged = [...forged, appendEntry(forged, { imageId: IMAGE, type: entry.type, actor: entry.actor, at: entry.at, changes: entry.changes })];
    expect(verifyChain(forged).valid).to.equal(true);
    expect(forged.at(-1)!.hash).to.not.equal(original.at(-1)!.hash);
  });

  it('rejects a log whose first entry is not a creation, or that is created twice', () => {
    let chain: HistoryEntry[] = [];
    chain = [appendEntry(chain, { imageId: IMAGE, type: 'edited', actor: 'a', at: new Date(0), changes: [] })];
    expect(verifyChain(chain)).to.include({ valid: false, brokenAt: 0 });
    let twice: HistoryEntry[] = [];
    twice = [appendEntry(twice, { imageId: IMAGE, type: 'created', actor: 'a', at: new Date(0), changes: [] })];
    twice = [...twice, appendEntry(twice, { imageId: IMAGE, type: 'created', actor: 'a', at: new Date(1), changes: [] })];
    expect(verifyChain(twice)).to.include({ valid: false, brokenAt: 1 });
  });
});
