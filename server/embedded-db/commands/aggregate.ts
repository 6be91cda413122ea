/**
 * aggregate: a leading $match (with following $sort/$skip/$limit) is pushed down to the planner so
 * it can use indexes; the rest of the pipeline runs in mingo, streaming where the stage allows.
 */
import type { Document } from 'bson';
import { Aggregator } from 'mingo';
import { fromIterator } from '../cursors';
import { MongoCommandError } from '../errors';
import { isDocument } from '../paths';
import { promote } from '../promote';
import { toDouble } from '../values';
import { countMatches, findRows, type FindSpec } from '../query';
import { decodeDocument } from '../storage';
import { collectionName, optionalNonNegative, refuseCollation, type CommandContext, type CommandDef } from './context';
import { textNotSupported } from './crud';

const REFUSED_STAGES = new Set([
  '$out', '$merge', '$collStats', '$indexStats', '$currentOp', '$listSessions', '$listLocalSessions',
  '$changeStream', '$search', '$searchMeta', '$vectorSearch', '$geoNear', '$planCacheStats', '$listSearchIndexes',
]);

function pushdown(pipeline: Document[]): { spec: FindSpec; rest: Document[] } {
  const spec: FindSpec = {};
  let i = 0;
  if (pipeline[0] && isDocument(pipeline[0].$match)) {
    spec.filter = pipeline[0].$match as Document;
    i = 1;
  }
  if (pipeline[i] && isDocument(pipeline[i].$sort)) {
    spec.sort = pipeline[i].$sort as Document;
    i++;
  }
  // $skip then $limit keep their meaning when folded into a find; $limit then $skip does not.
  const skip = pipeline[i] ? toDouble(pipeline[i].$skip) : undefined;
  if (skip !== undefined && spec.limit === undefined) {
    spec.skip = skip;
    i++;
  }
  const limit = pipeline[i] ? toDouble(pipeline[i].$limit) : undefined;
  if (limit !== undefined) {
    spec.limit = limit;
    i++;
  }
  return { spec, rest: pipeline.slice(i) };
}

function isConstant(v: unknown): boolean {
  return v === null || typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && !v.startsWith('$'));
}

/**
 * When the rest of the pipeline only counts the documents ({$group: {_id: constant, n: {$sum: 1}}}
 * or {$count: 'n'}), a function building its single output document from the count.
 */
function countStage(rest: Document[]): ((n: number) => Document) | undefined {
  if (rest.length !== 1) return undefined;
  const stage = rest[0];
  if (typeof stage.$count === 'string' && stage.$count.length > 0 && !stage.$count.startsWith('$') && !stage.$count.includes('.')) {
    const field = stage.$count;
    return (n) => ({ [field]: n });
  }
  const group = stage.$group;
  if (!isDocument(group) || !('_id' in group) || !isConstant(group._id)) return undefined;
  const sums: Array<[string, number]> = [];
  for (const [field, acc] of Object.entries(group)) {
    if (field === '_id') continue;
    if (!isDocument(acc) || Object.keys(acc).length !== 1 || typeof acc.$sum !== 'number' || !Number.isInteger(acc.$sum)) return undefined;
    sums.push([field, acc.$sum]);
  }
  return (n) => {
    const doc: Document = { _id: group._id };
    for (const [field, k] of sums) doc[field] = n * k;
    return doc;
  };
}

function checkStages(pipeline: Document[], top: boolean): void {
  pipeline.forEach((stage, idx) => {
    const name = Object.keys(stage)[0];
    if (Object.keys(stage).length !== 1) throw new MongoCommandError('Location40324', 'A pipeline stage specification object must contain exactly one field.');
    if (REFUSED_STAGES.has(name)) throw new MongoCommandError('NotImplemented', `${name} is not supported by the embedded server`);
    if (name === '$match' && isDocument(stage.$match) && stage.$match.$text !== undefined) throw textNotSupported();
    if (name === '$facet' && isDocument(stage.$facet)) for (const sub of Object.values(stage.$facet)) if (Array.isArray(sub)) checkStages(sub as Document[], false);
    if (name === '$lookup' && isDocument(stage.$lookup) && Array.isArray(stage.$lookup.pipeline)) checkStages(stage.$lookup.pipeline as Document[], false);
    void idx;
    void top;
  });
}

function aggregate(cmd: Document, ctx: CommandContext): Document {
  if (typeof cmd.aggregate !== 'string') {
    throw new MongoCommandError('NotImplemented', 'database-level aggregation (aggregate: 1) is not supported by the embedded server');
  }
  const name = collectionName(cmd, 'aggregate');
  refuseCollation(cmd);
  if (!Array.isArray(cmd.pipeline) || !cmd.pipeline.every(isDocument)) {
    throw new MongoCommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  }
  if (cmd.explain === true) throw new MongoCommandError('NotImplemented', 'explain is not supported by the embedded server');
  if (!isDocument(cmd.cursor)) throw new MongoCommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  const pipeline = cmd.pipeline as Document[];
  checkStages(pipeline, true);
  const coll = ctx.storage.getCollection(ctx.db, name);
  const pushed = pushdown(pipeline);
  const spec = pushed.spec;
  // The pushed-down $match runs on exact values; the rest runs in mingo on a JS-number view.
  const rest = promote(pushed.rest) as Document[];
  const batchSize = optionalNonNegative(cmd.cursor as Document, 'batchSize');
  const ns = `${ctx.db}.${name}`;
  const counted = countStage(rest);
  if (counted) {
    // countDocuments: [{$match}, ({$skip}, {$limit},) {$group: {_id: <constant>, n: {$sum: 1}}}]
    // is answered by countMatches (on the index alone when the plan is exact).
    const n = countMatches(ctx.storage, coll, spec.filter ?? {}, spec.skip ?? 0, spec.limit ?? 0, cmd.hint);
    const docs = n === 0 ? [] : [counted(n)];
    return ctx.cursors.open(ns, fromIterator(docs.values()), { batchSize });
  }
  const rows = findRows(ctx.storage, coll, spec);
  const source = (function* () {
    for (const row of rows) yield (rest.length === 0 ? row.doc : promote(row.doc)) as Document;
  })();
  if (rest.length === 0) {
    return ctx.cursors.open(ns, fromIterator(source), { batchSize });
  }
  const db = ctx.db;
  const storage = ctx.storage;
  let out;
  try {
    const agg = new Aggregator(rest, {
      // $lookup / $unionWith read the foreign collection of the same database in full.
      collectionResolver: (foreign: string) => {
        const fc = storage.getCollection(db, foreign);
        if (!fc) return [];
        return storage.all<{ doc: Buffer }>(`SELECT doc FROM ${fc.table} ORDER BY rid`, []).map((r) => promote(decodeDocument(r.doc)) as Document);
      },
    });
    out = agg.stream(source);
  } catch (err) {
    throw new MongoCommandError('BadValue', (err as Error).message);
  }
  return ctx.cursors.open(ns, {
    next: () => {
      let r;
      try {
        r = out.next();
      } catch (err) {
        if (err instanceof MongoCommandError) throw err;
        throw new MongoCommandError('BadValue', (err as Error).message);
      }
      return r.done ? undefined : { doc: r.value as Document };
    },
  }, { batchSize });
}

export const aggregateCommands: Record<string, CommandDef> = {
  aggregate: { handler: aggregate },
};
