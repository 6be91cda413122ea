// The image service's edits with in-memory repositories: another editor's write is slipped in
// between this edit's read and its write, so both outcomes of the race are seen every run.
import { scriptActor } from '../../server/accounts/principal';
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { ImageRecord } from '../../server/images/image.model';
import type { ImagesRepository, RecordChange } from '../../server/images/images.repository';
import { createImageService, readImagePatch } from '../../server/images/images.service';
import type { HistoryService, NewHistoryEntry } from '../../server/provenance/history.service';
import type { ImageProvenance } from '../../server/images/image-provenance';
import type { IngestService } from '../../server/images/ingest.service';
import { createWritesInFlight } from '../../server/shared/writes-in-flight';

/** One record in memory, with the repository's conditional update; `beforeWrite` runs once, just before the next write. */
function memoryImages(record: ImageRecord) {
  let current = structuredClone(record);
  let beforeWrite: (() => void) | undefined;
  const apply = (change: RecordChange) => {
    const next = structuredClone(current) as unknown as Record<string, unknown>;
    for (const [path, value] of Object.entries(change.set)) {
      const keys = path.split('.');
      let target = next;
      for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
      target[keys.at(-1)!] = value;
    }
    current = next as unknown as ImageRecord;
  };
  const repository = {
    findById: async () => structuredClone(current),
    conditionalUpdate: async (_id: mongoose.Types.ObjectId, revision: number, change: RecordChange) => {
      const slipIn = beforeWrite;
      beforeWrite = undefined;
      slipIn?.();
      if ((current.revision ?? 0) !== revision) return false;
      apply({ set: { ...change.set, revision: revision + 1 }, unset: change.unset });
      return true;
    },
  } as unknown as ImagesRepository;
  return {
    repository,
    current: () => current,
    /** Another editor's change, written between this edit's read and its write. */
    slipIn(change: Record<string, unknown>) {
      beforeWrite = () => apply({ set: { ...change, revision: (current.revision ?? 0) + 1 }, unset: [] });
    },
  };
}

function service(images: ReturnType<typeof memoryImages>) {
  const entries: NewHistoryEntry[] = [];
  const history = { append: async (_id: unknown, entry: NewHistoryEntry) => void entries.push(entry) } as unknown as HistoryService;
  const provenance = { refresh: async () => [] } as unknown as ImageProvenance;
  const images_ = createImageService({ repository: images.repository, articles: { byIds: async () => new Map() }, ingest: {} as IngestService, history, provenance, writes: createWritesInFlight() });
  return { images: images_, entries };
}

const record = (): ImageRecord =>
  ({ _id: new mongoose.Types.ObjectId(), sha256: 'a'.repeat(64), declared: { caption: 'First', credit: 'Office of the President of Ukraine' }, status: { value: 'unverified' }, createdAt: new Date() }) as unknown as ImageRecord;

describe('image service edits', () => {
  it('lands an edit of another field made by someone else in between, and then its own', async () => {
    const original = record();
    const images = memoryImages(original);
    const { images: service_, entries } = service(images);
    images.slipIn({ 'declared.credit': 'Telegram/Volodymyr Zelensky' });
    const updated = await service_.update(String(original._id), readImagePatch({ caption: 'Second', reason: 'fix' }), scriptActor('desk'));
    expect(updated.declared?.caption).to.equal('Second');
    expect(updated.declared?.credit).to.equal('Telegram/Volodymyr Zelensky');
    expect(updated.revision).to.equal(2);
    expect(entries.map((entry) => entry.changes)).to.deep.equal([[{ field: 'caption', from: 'First', to: 'Second' }]]);
  });

  it('refuses with 409 an edit of a field someone else changed in between, and writes nothing', async () => {
    const original = record();
    const images = memoryImages(original);
    const { images: service_, entries } = service(images);
    images.slipIn({ 'declared.caption': 'Theirs' });
    let error: unknown;
    await service_.update(String(original._id), readImagePatch({ caption: 'Mine', reason: 'fix' }), scriptActor('desk')).catch((caught: unknown) => (error = caught));
    expect((error as { status?: number }).status).to.equal(409);
    expect((error as Error).message).to.include('caption');
    expect(images.current().declared?.caption).to.equal('Theirs');
    expect(entries).to.deep.equal([]);
  });

  it('records a status change with who set it', async () => {
    const original = record();
    const images = memoryImages(original);
    const { images: service_, entries } = service(images);
    const updated = await service_.update(String(original._id), readImagePatch({ status: 'verified', statusNote: 'Matched the Telegram post', reason: 'checked' }), scriptActor('fact-checker'));
    expect(updated.status?.value).to.equal('verified');
    expect(updated.status?.setBy).to.equal('fact-checker');
    expect(entries.map((entry) => entry.type)).to.deep.equal(['status_set']);
  });
});
