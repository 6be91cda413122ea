// The input of the picture groups: taking a member out of its group, with the reason.
import { z } from 'zod';
import { text } from '../shared/input';

const REASON_REQUIRED = 'Say why the image is taken out of the group: the "reason" field is required.';

export const groupRemovalSchema = z.strictObject(
  {
    reason: text('reason', 1000, { multiLine: true, missing: REASON_REQUIRED }).meta({
      description: 'Why this image does not show the same picture as the rest of its group; kept in the history of both.',
    }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unknown field(s): ${issue.keys.join(', ')}. Send only "reason".` : undefined) },
).refine((body) => Boolean(body.reason), { path: ['reason'], message: REASON_REQUIRED });

export type GroupRemoval = z.output<typeof groupRemovalSchema>;
