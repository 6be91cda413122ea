import { BSONRegExp, type Document } from 'bson';
import { isDocument } from './paths';

/** Field paths fixed by equality in a query (`{a: 1}`, `{a: {$eq: 1}}`, inside top-level $and). */
export function extractEqualities(query: Document): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const visit = (q: Document): void => {
    for (const [k, v] of Object.entries(q)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const sub of v) if (isDocument(sub)) visit(sub);
        continue;
      }
      if (k.startsWith('$')) continue;
      if (v instanceof RegExp || v instanceof BSONRegExp) continue;
      if (isDocument(v)) {
        const keys = Object.keys(v);
        if (keys.length > 0 && keys[0].startsWith('$') && keys[0] !== '$ref' && keys[0] !== '$id') {
          if ('$eq' in v) out.push([k, v.$eq]);
          continue;
        }
      }
      out.push([k, v]);
    }
  };
  visit(query);
  return out;
}
