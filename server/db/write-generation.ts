// A counter that changes after every write through a schema's model, so readers can key caches on
// it: a cached read is only reused while no write has happened since it was made.
import type { Schema } from 'mongoose';

const WRITE_OPERATIONS = ['save', 'insertMany', 'findOneAndUpdate', 'findOneAndReplace', 'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete', 'bulkWrite'] as const;

/** Returns a function reading the schema's write generation. Call before the model is compiled. */
export function countWrites(schema: Schema): () => number {
  // Mongoose types each hook name's middleware differently; both middlewares here ignore their
  // arguments apart from passing an error on, so they are registered through one loose signature.
  const hooks = schema as unknown as { post(operation: string, middleware: (...args: never[]) => void): void };
  let generation = 0;
  for (const operation of WRITE_OPERATIONS) {
    // Bumped after the write, so a read made while the write was under way is never kept under
    // the new generation; and also when the write fails, because a failed write (an unordered
    // insertMany, say) may still have changed some documents.
    hooks.post(operation, () => {
      generation++;
    });
    hooks.post(operation, (error: unknown, _result: unknown, next: (error?: unknown) => void) => {
      generation++;
      next(error);
    });
  }
  return () => generation;
}
