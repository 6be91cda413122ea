// The inputs of the images capability, one schema each: the fields sent with an upload, the PATCH
// body of an edit, and the gallery's query string. They parse requests (server/shared/input.ts)
// and describe them in the OpenAPI document (server/openapi/openapi.ts), so a limit is written once.
import { z } from 'zod';
import { dateText, recordId, text, webAddress } from '../shared/input';
import { normaliseText } from '../shared/text';
import { VERIFICATION_STATUSES } from './image.types';
import { SUPPLIER_KINDS } from '../credits/sources';

/** What the uploader declares with a file (form fields of POST /api/images and of the upload page). */
export const uploadFieldsSchema = z.object({
  caption: text('caption', undefined, { multiLine: true }).optional(),
  credit: text('credit', 500).optional().meta({ description: 'Credit as printed, e.g. "Telegram/Volodymyr Zelensky".' }),
  sourceUrl: webAddress('sourceUrl').optional().meta({ description: 'Where the supplier posted or sent the image.' }),
  sourceNote: text('sourceNote', undefined, { multiLine: true }).optional(),
  // Pasted from a page, a printed line may wrap.
  printedLine: text('printedLine', undefined, { multiLine: true })
    .optional()
    .meta({ description: 'Caption line as printed; split into caption and credit (the parenthetical at its end) when those are not given.' }),
  claimedDate: dateText('claimedDate')
    .optional()
    .meta({ description: 'When the event happened or the picture was first posted, as the source claims; compared with the capture date in the file.' }),
  articleUrl: webAddress('articleUrl').optional(),
  articleHeadline: text('articleHeadline', 500).optional(),
  articlePublisher: text('articlePublisher', 200).optional(),
  articlePublishedAt: dateText('articlePublishedAt').optional(),
  describedImage: recordId('describedImage', 'The field "describedImage" must be the id of a described image.')
    .optional()
    .meta({
      description:
        'Id of a described image (a record without a file) this file is for: its printed line, caption, credit and article fill in what is not given, and the image takes its place in the article.',
    }),
});

export type UploadFields = z.output<typeof uploadFieldsSchema>;

/** A field a PATCH may set, or clear with null (or ""). */
function clearable<Schema extends z.ZodType>(schema: Schema) {
  // nullable rather than a union with null: a union would hide the field's own message.
  return schema.nullable().optional();
}

const REASON_REQUIRED = 'Say why the record is being changed: the "reason" field is required.';

const PATCHABLE = ['caption', 'credit', 'sourceUrl', 'claimedDate', 'supplierKind', 'status', 'statusNote', 'evidenceUrl', 'reason'] as const;

/** A usage-rights kind; "" or null clears the editor's choice (the credit's kind applies again). */
const supplierKind = z
  .union([z.enum(SUPPLIER_KINDS), z.literal('')], { error: `"supplierKind" must be one of: ${SUPPLIER_KINDS.join(', ')}.` })
  .transform((value) => (value === '' ? undefined : value))
  .meta({ description: 'Usage-rights kind of the picture (handout, social-media, agency, staff, screengrab, unknown); derived from the credit unless set.' });

/** The body of PATCH /api/images/:id (and of the image page's edit form). */
export const imagePatchSchema = z
  .strictObject(
    {
      caption: clearable(text('caption', undefined, { multiLine: true })),
      credit: clearable(text('credit', 500)),
      sourceUrl: clearable(webAddress('sourceUrl')),
      claimedDate: clearable(dateText('claimedDate')),
      supplierKind: clearable(supplierKind),
      status: z.enum(VERIFICATION_STATUSES, { error: `"status" must be one of: ${VERIFICATION_STATUSES.join(', ')}.` }).optional(),
      statusNote: clearable(text('statusNote', 2000, { multiLine: true })),
      evidenceUrl: clearable(webAddress('evidenceUrl')),
      reason: text('reason', 1000, { multiLine: true, missing: REASON_REQUIRED }).meta({ description: 'Why the record is being changed; kept in the history.' }),
    },
    {
      error: (issue) => {
        if (issue.code === 'unrecognized_keys') return `Unknown field(s): ${issue.keys.join(', ')}. Editable: ${PATCHABLE.join(', ')}.`;
        if (issue.code === 'invalid_type' && (issue.path ?? []).length === 0) return 'Send a JSON object.';
        return undefined;
      },
    },
  )
  .transform((patch, context) => {
    if (!patch.reason) {
      context.addIssue({ code: 'custom', path: ['reason'], message: REASON_REQUIRED });
      return z.NEVER;
    }
    // A cleared field ("" or null) is null: the difference from "not sent" (undefined) matters.
    const cleared = <T>(name: keyof typeof patch, value: T | null | undefined) => (name in patch ? (value ?? null) : undefined);
    const result = {
      caption: cleared('caption', patch.caption),
      credit: cleared('credit', patch.credit),
      sourceUrl: cleared('sourceUrl', patch.sourceUrl),
      status: patch.status,
      statusNote: cleared('statusNote', patch.statusNote),
      evidenceUrl: cleared('evidenceUrl', patch.evidenceUrl),
      claimedDate: cleared('claimedDate', patch.claimedDate),
      supplierKind: cleared('supplierKind', patch.supplierKind),
      reason: patch.reason,
    };
    if (Object.entries(result).every(([key, value]) => key === 'reason' || value === undefined)) {
      context.addIssue({ code: 'custom', message: 'Nothing to change: send at least one of caption, credit, sourceUrl, claimedDate, supplierKind, status, statusNote, evidenceUrl.' });
      return z.NEVER;
    }
    return result;
  });

export type ImagePatch = z.output<typeof imagePatchSchema>;

export const SORTS = ['newest', 'oldest', 'captured'] as const;
export type GallerySort = (typeof SORTS)[number];

export const DEFAULT_PAGE_SIZE = 48;
export const MAX_PAGE_SIZE = 100;
const MAX_PAGE = 10_000;

/** One query-string parameter, given at most once; blank is absent; long values are cut, not refused. */
function parameter(name: string) {
  return z
    .string({ error: `The parameter "${name}" must be given once.` })
    .transform((value, context) => {
      // A search for a credit matches what the stored credits are: NFC, no bidi controls or invisible characters.
      const normalised = normaliseText(value, { singleLine: true });
      if (!normalised.ok) {
        context.addIssue({ code: 'custom', message: `The parameter "${name}" ${normalised.reason}.` });
        return z.NEVER;
      }
      const trimmed = normalised.text.trim().slice(0, 500);
      return trimmed === '' ? undefined : trimmed;
    })
    .optional();
}

function count(name: string, fallback: number, max: number) {
  const message = `The parameter "${name}" must be a whole number of at least 1.`;
  return z
    .string({ error: `The parameter "${name}" must be given once.` })
    .overwrite((value) => value.trim())
    .regex(/^(\d*)$/, { error: message })
    .transform((value, context) => {
      if (value === '') return fallback;
      const number = Number(value);
      if (number < 1) {
        context.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return Math.min(number, max);
    })
    .optional()
    .transform((value) => value ?? fallback)
    .meta({ type: 'integer', minimum: 1, maximum: max });
}

/** How a listing reads a parameter left out: the page size, and whether picture groups are folded. */
export interface ListingDefaults {
  limit: number;
  /** The gallery page folds each picture group into one card; the JSON API lists every file. */
  group: boolean;
}

export const GALLERY_PAGE_DEFAULTS: ListingDefaults = { limit: DEFAULT_PAGE_SIZE, group: true };
export const IMAGES_API_DEFAULTS: ListingDefaults = { limit: 24, group: false };

/** The gallery's filters, sort and page (GET / and GET /api/images); unknown parameters are ignored. */
export function galleryQuerySchema(defaults: ListingDefaults = GALLERY_PAGE_DEFAULTS) {
  const defaultLimit = defaults.limit;
  return z.object({
    q: parameter('q').meta({ description: 'Words that must all appear in caption, credit or source.' }),
    credit: parameter('credit').meta({ description: 'Exact credit, case and accents ignored.' }),
    platform: parameter('platform').transform((value) => value?.toLowerCase()),
    article: parameter('article')
      .pipe(z.string().regex(/^[0-9a-f]{24}$/i, { error: 'The parameter "article" must be an article id.' }).optional())
      .meta({ pattern: '^[0-9a-f]{24}$', description: 'Images an article ran (its id).' }),
    status: parameter('status')
      .pipe(z.enum(VERIFICATION_STATUSES, { error: `The parameter "status" must be one of: ${VERIFICATION_STATUSES.join(', ')}.` }).optional())
      .meta({ enum: [...VERIFICATION_STATUSES] }),
    gps: parameter('gps')
      .pipe(z.enum(['yes', 'no', 'true', 'false', '1', '0'], { error: 'The parameter "gps" must be yes or no.' }).optional())
      .transform((value) => (value === undefined ? undefined : ['yes', 'true', '1'].includes(value)))
      .meta({ enum: ['yes', 'no'], description: 'Only images whose file carries GPS coordinates (yes), or only those without (no).' }),
    // Only "yes": a "no" would select records by a missing flag, which the index does not serve.
    ai: parameter('ai')
      .pipe(z.enum(['yes'], { error: 'The parameter "ai" can only be yes (files that declare generative AI).' }).optional())
      .transform((value) => (value === 'yes' ? (true as const) : undefined))
      .meta({ enum: ['yes'], description: 'Only images whose file declares generative AI made or edited them (IPTC digital source type in C2PA or XMP).' }),
    kind: parameter('kind')
      .pipe(z.enum(SUPPLIER_KINDS, { error: `The parameter "kind" must be one of: ${SUPPLIER_KINDS.join(', ')}.` }).optional())
      .meta({ enum: [...SUPPLIER_KINDS], description: 'Only images of this usage-rights kind (from the credit, or as an editor set it).' }),
    group: parameter('group')
      .pipe(z.enum(['1', '0', 'yes', 'no'], { error: 'The parameter "group" must be 1 (one card per picture group) or 0 (every file).' }).optional())
      .transform((value) => (value === undefined ? defaults.group : value === '1' || value === 'yes'))
      .meta({ enum: ['1', '0'], description: `One card per picture group, with the number of copies (1${defaults.group ? ', the default' : ''}), or every file (0${defaults.group ? '' : ', the default'}).` }),
    sort: parameter('sort')
      .pipe(z.enum(SORTS, { error: `The parameter "sort" must be one of: ${SORTS.join(', ')}.` }).optional())
      .transform((value) => value ?? 'newest')
      .meta({ enum: [...SORTS] }),
    page: count('page', 1, MAX_PAGE),
    limit: count('limit', defaultLimit, MAX_PAGE_SIZE),
  });
}

export type GalleryQuery = z.output<ReturnType<typeof galleryQuerySchema>>;
