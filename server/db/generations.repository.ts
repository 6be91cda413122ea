// The shared write signal's storage: one small document per kind of data in `generations`
// ({ _id: 'images', n: 42 }), bumped after every write by any app instance and read by all of them.
import mongoose from 'mongoose';

interface GenerationDocument {
  _id: string;
  n: number;
}

export function createGenerationsRepository(collectionName = 'generations') {
  const collection = () => {
    const db = mongoose.connection.db;
    if (!db) throw new Error('The write signal needs the database connection, which is not open');
    return db.collection<GenerationDocument>(collectionName);
  };
  return {
    /** Counts one more write of `name`; the count after it. */
    async increment(name: string): Promise<number> {
      const document = await collection().findOneAndUpdate({ _id: name }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' });
      return document?.n ?? 0;
    },
    /** The counts of these kinds (0 for a kind never written). */
    async read(names: string[]): Promise<Map<string, number>> {
      const documents = await collection().find({ _id: { $in: names } }).toArray();
      const counts = new Map(names.map((name) => [name, 0]));
      for (const document of documents) counts.set(document._id, document.n);
      return counts;
    },
  };
}

export type GenerationsRepository = ReturnType<typeof createGenerationsRepository>;
