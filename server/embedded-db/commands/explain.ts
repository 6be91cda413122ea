/**
 * `explain`: the plan the planner would run for a find, count,
 * distinct, delete, update, findAndModify or aggregate (its leading $match/$sort/$skip/$limit),
 * in MongoDB's shape (winningPlan stages COLLSCAN, IXSCAN under FETCH, SORT, SKIP, LIMIT), so
 * `.explain()` shows whether an index is used. Every verbosity gets this queryPlanner section
 * only: execution statistics are not collected, so no executionStats section is claimed.
 */
import type { Document } from 'bson';
import { MongoCommandError } from '../errors';
import { isDocument } from '../paths';
import type { Plan } from '../planner';
import { explainPlan, type FindSpec } from '../query';
import { toDouble } from '../values';
import { collectionName, optionalDocument, type CommandContext, type CommandDef } from './context';

function specOf(inner: Document): { name: string; spec: FindSpec } {
  const kind = Object.keys(inner)[0];
  const name = collectionName(inner, kind);
  switch (kind) {
    case 'find':
      return { name, spec: { filter: optionalDocument(inner, 'filter'), sort: optionalDocument(inner, 'sort'), skip: toDouble(inner.skip), limit: toDouble(inner.limit), hint: inner.hint } };
    case 'count': case 'distinct':
      return { name, spec: { filter: optionalDocument(inner, 'query'), hint: inner.hint } };
    case 'findAndModify': case 'findandmodify':
      return { name, spec: { filter: optionalDocument(inner, 'query'), sort: optionalDocument(inner, 'sort'), limit: 1, hint: inner.hint } };
    case 'delete': case 'update': {
      const list = inner[kind === 'delete' ? 'deletes' : 'updates'];
      const st = Array.isArray(list) && isDocument(list[0]) ? (list[0] as Document) : {};
      const one = kind === 'delete' ? toDouble(st.limit) === 1 : st.multi !== true;
      return { name, spec: { filter: isDocument(st.q) ? st.q : {}, limit: one ? 1 : undefined, hint: st.hint } };
    }
    case 'aggregate': {
      const pipeline = Array.isArray(inner.pipeline) ? (inner.pipeline as Document[]) : [];
      const spec: FindSpec = {};
      let i = 0;
      if (isDocument(pipeline[0]?.$match)) spec.filter = pipeline[i++].$match as Document;
      if (isDocument(pipeline[i]?.$sort)) spec.sort = pipeline[i++].$sort as Document;
      return { name, spec };
    }
    default:
      throw new MongoCommandError('BadValue', `Explain failed due to unknown command: ${kind}`);
  }
}

function stages(plan: Plan, spec: FindSpec, keyPattern: Document): Document {
  let stage: Document;
  if (plan.kind === 'collscan') {
    stage = { stage: 'COLLSCAN', filter: spec.filter ?? {}, direction: 'forward' };
  } else {
    const ix: Document = {
      stage: 'IXSCAN',
      keyPattern,
      indexName: plan.indexName,
      isMultiKey: plan.index?.multikey ?? false,
      isUnique: plan.kind === 'idscan' || (plan.index?.unique ?? false),
      direction: plan.descending ? 'backward' : 'forward',
      // The embedded server's own detail: index keys answer the whole filter, no document check.
      indexOnly: plan.exact,
    };
    stage = { stage: 'FETCH', inputStage: ix };
  }
  const sorted = spec.sort && Object.keys(spec.sort).length > 0;
  if (sorted && !plan.sortCovered) stage = { stage: 'SORT', sortPattern: spec.sort, memLimit: 104857600, type: 'simple', inputStage: stage };
  if (spec.skip) stage = { stage: 'SKIP', skipAmount: spec.skip, inputStage: stage };
  if (spec.limit) stage = { stage: 'LIMIT', limitAmount: spec.limit, inputStage: stage };
  return stage;
}

function explain(cmd: Document, ctx: CommandContext): Document {
  const inner = cmd.explain;
  if (!isDocument(inner) || Object.keys(inner).length === 0) throw new MongoCommandError('FailedToParse', 'explain command requires a nested object');
  const verbosity = cmd.verbosity ?? 'allPlansExecution';
  if (!['queryPlanner', 'executionStats', 'allPlansExecution'].includes(String(verbosity))) {
    throw new MongoCommandError('FailedToParse', `verbosity string must be one of {'queryPlanner', 'executionStats', 'allPlansExecution'}`);
  }
  const { name, spec } = specOf(inner);
  const coll = ctx.storage.getCollection(ctx.db, name);
  const plan = explainPlan(ctx.storage, coll, spec) ?? { kind: 'collscan', indexName: '', ranges: [{}], descending: false, sortCovered: false, dedupe: false, probes: [], exact: false };
  const keyPattern = plan.kind === 'idscan' ? { _id: 1 } : ((plan.index?.spec.key as Document | undefined) ?? {});
  return {
    queryPlanner: {
      namespace: `${ctx.db}.${name}`,
      parsedQuery: spec.filter ?? {},
      winningPlan: stages(plan, spec, keyPattern),
      rejectedPlans: [],
    },
    command: inner,
    serverInfo: { host: ctx.server.host, port: ctx.server.port, version: '7.0.0', gitVersion: 'embedded' },
    ok: 1,
  };
}

export const explainCommands: Record<string, CommandDef> = {
  explain: { handler: explain },
};
