// The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.
import { describedImageSchema } from '../articles/described-images.schemas';
import { IMAGES_API_DEFAULTS, galleryQuerySchema, imagePatchSchema, uploadFieldsSchema } from '../images/images.schemas';
import { jsonSchemaOf } from '../shared/input';
import { newTokenSchema } from '../accounts/accounts.schemas';
import { groupRemovalSchema } from '../pictures/pictures.schemas';
import { downloadQuerySchema, knownHashesSchema } from '../transfer/transfer.schemas';
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const jsonBody = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });

const idParameter = { name: 'id', in: 'path', required: true, description: 'Image id (24 hex characters).', schema: { type: 'string', pattern: '^[a-f0-9]{24}$' } };

// The request parts come from the same schemas that parse the requests, so a limit is written once.
const uploadFields = jsonSchemaOf(uploadFieldsSchema).properties as Record<string, object>;
const { describedImage: describedImageField, ...uploadFieldsWithoutDescribed } = uploadFields;

/** The gallery's query parameters, one OpenAPI parameter per schema property. */
const galleryParameters = Object.entries(jsonSchemaOf(galleryQuerySchema(IMAGES_API_DEFAULTS)).properties as Record<string, { description?: string }>).map(([name, { description, ...schema }]) => ({
  name,
  in: 'query',
  schema,
  ...(description ? { description } : {}),
}));

const describedImageId = { name: 'id', in: 'path', required: true, description: 'Described image id (24 hex characters).', schema: { type: 'string' } };

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Provenance archive API',
    version: '0.1.0',
    description: 'Upload newsroom images with caption, credit and source; read what the files say; check where an image came from.',
  },
  paths: {
    '/api/images': {
      post: {
        summary: 'Upload one image (field "image") or several (field "images").',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: {
                  image: { type: 'string', format: 'binary' },
                  images: { type: 'array', items: { type: 'string', format: 'binary' } },
                  ...uploadFieldsWithoutDescribed,
                  describedImage: describedImageField,
                },
              },
            },
          },
        },
        responses: {
          201: { description: 'Stored: the new image (one file), or results of which at least one was stored.', content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/Image' }, { $ref: '#/components/schemas/UploadResults' }] } } } },
          200: { description: 'The identical file is already held: the existing image, with this upload recorded as a new use.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Image' } } } },
          400: errorResponse('No file, an unexpected field, or an invalid declared field.'),
          404: errorResponse('describedImage names no described image.'),
          409: errorResponse('A file was already uploaded for that described image.'),
          413: errorResponse('The file is over the size limit, or the image over the pixel limit.'),
          415: errorResponse('The content is not an accepted image format (decided from the bytes, not the name).'),
          422: errorResponse('The file claims to be an image but cannot be decoded.'),
        },
      },
      get: {
        summary: 'List images, newest first.',
        parameters: galleryParameters,
        responses: {
          200: { description: 'A page of images with the total count.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ImageList' } } } },
          400: errorResponse('A malformed parameter.'),
        },
      },
    },
    '/api/images/{id}': {
      get: {
        summary: 'Everything known about one image.',
        parameters: [idParameter],
        responses: { 200: { description: 'The image.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Image' } } } }, 400: errorResponse('Malformed id.'), 404: errorResponse('Unknown id.') },
      },
      patch: {
        summary: 'Edit caption, credit, source or verification status; every change is recorded in the hash-chained history.',
        parameters: [idParameter],
        requestBody: jsonBody(jsonSchemaOf(imagePatchSchema)),
        responses: { 200: { description: 'The updated image.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Image' } } } }, 400: errorResponse('Invalid change.'), 404: errorResponse('Unknown id.') },
      },
    },
    '/api/images/{id}/metadata': {
      get: { summary: 'The full raw metadata read from the file.', parameters: [idParameter], responses: { 200: { description: 'Raw metadata, grouped by block.' }, 400: errorResponse('Malformed id.'), 404: errorResponse('Unknown id.') } },
    },
    '/api/images/{id}/provenance': {
      get: { summary: "The image's provenance report.", parameters: [idParameter], responses: { 200: { description: 'Findings.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ProvenanceReport' } } } }, 404: errorResponse('Unknown id.') } },
    },
    '/api/images/{id}/history': {
      get: { summary: 'Every change to the record, hash-chained, and whether the chain verifies.', parameters: [idParameter], responses: { 200: { description: 'History.', content: { 'application/json': { schema: { $ref: '#/components/schemas/History' } } } }, 404: errorResponse('Unknown id.') } },
    },
    '/api/images/known': {
      post: {
        summary: 'Which of these files (by SHA-256) the archive already holds: the import tool asks before uploading.',
        requestBody: jsonBody(jsonSchemaOf(knownHashesSchema)),
        responses: {
          200: { description: 'The held ones, hash → image id; hashes not held are absent.', content: { 'application/json': { schema: { type: 'object', properties: { known: { type: 'object', additionalProperties: { type: 'string' } } } } } } },
          400: errorResponse('Not a list of 1 to 1,000 SHA-256 hashes.'),
        },
      },
    },
    '/api/images/{id}/original': {
      get: {
        summary: 'The original file byte for byte, as an attachment named from the caption. Headers X-Archive-SHA256 and X-Archive-Original-SHA256.',
        parameters: [idParameter],
        responses: { 200: { description: 'The file.' }, 400: errorResponse('Malformed id.'), 404: errorResponse('Unknown id, or the original is missing.') },
      },
    },
    '/api/images/{id}/download': {
      get: {
        summary: "With embed=1, a copy with the archive's caption, credit, source, creator and copyright written into XMP and IPTC-IIM (and the record's id and address into XMP) by ExifTool, pixels untouched. X-Archive-SHA256 is the copy's hash, X-Archive-Original-SHA256 the original's; for a file with Content Credentials, X-Archive-C2PA-Warning and a Link to the plain original.",
        parameters: [idParameter, { name: 'embed', in: 'query', schema: (jsonSchemaOf(downloadQuerySchema).properties as Record<string, object>).embed }],
        responses: { 200: { description: 'The file.' }, 400: errorResponse('Malformed id or parameter.'), 404: errorResponse('Unknown id.'), 422: errorResponse('The credits could not be written into this file.') },
      },
    },
    '/api/lookup': {
      post: {
        summary: 'Find any image file in the archive without storing it: the same file, near duplicates, and the held pictures it is a crop, mirrored or turned copy of, or that it contains (a screenshot, a captioned copy, a collage); each match says its relation.',
        requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { image: { type: 'string', format: 'binary' } } } } } },
        responses: {
          200: { description: 'Matches and the file\'s own metadata findings.', content: { 'application/json': { schema: { $ref: '#/components/schemas/LookupResult' } } } },
          400: errorResponse('No file.'),
          413: errorResponse('Too large.'),
          415: errorResponse('Not an accepted image.'),
          422: errorResponse('Undecodable.'),
        },
      },
    },
    '/api/images/{id}/group': {
      get: {
        summary: 'The picture group of an image: every copy of the picture held, with credit, source, first seen, size and how it relates; the earliest seen and the largest marked.',
        parameters: [idParameter],
        responses: { 200: { description: 'The group (groupId null and no members when the image is alone).', content: { 'application/json': { schema: { type: 'object' } } } }, 404: errorResponse('Unknown id.') },
      },
    },
    '/api/images/{id}/group/removal': {
      post: {
        summary: 'Take an image out of its picture group (editors): its links are kept as removed, the rest is regrouped, and the history of both sides records the reason.',
        parameters: [idParameter],
        requestBody: jsonBody(jsonSchemaOf(groupRemovalSchema)),
        responses: { 200: { description: 'The image’s group afterwards.', content: { 'application/json': { schema: { type: 'object' } } } }, 400: errorResponse('No reason.'), 404: errorResponse('Unknown id.') },
      },
    },
    '/api/articles': {
      get: {
        summary: 'The 500 most recent articles, with how many images each ran that the archive holds (heldCount) and holds no file for (withoutFileCount).',
        responses: { 200: { description: 'The list.', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } } } } } } } },
      },
    },
    '/api/articles/{id}': {
      get: {
        summary: 'An article and the images it ran, in printed order: held images (with their printed line) and images recorded without a file.',
        parameters: [{ name: 'id', in: 'path', required: true, description: 'Article id (24 hex characters).', schema: { type: 'string' } }],
        responses: { 200: { description: 'The article.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ArticleContents' } } } }, 404: errorResponse('Unknown id.') },
      },
    },
    '/api/described-images': {
      post: {
        summary: 'Record an image an article printed or described, without its file.',
        requestBody: jsonBody({
          ...jsonSchemaOf(describedImageSchema),
          description: 'The upload fields (an article headline or URL is required) and a description; at least one of printedLine, caption, description.',
        }),
        responses: {
          201: { description: 'Recorded.', content: { 'application/json': { schema: { $ref: '#/components/schemas/DescribedImage' } } } },
          400: errorResponse('No article, no text, or an invalid field.'),
        },
      },
    },
    '/api/described-images/{id}': {
      get: { summary: 'A described image, and the image record its file became, if one was uploaded.', parameters: [describedImageId], responses: { 200: { description: 'The record.', content: { 'application/json': { schema: { $ref: '#/components/schemas/DescribedImage' } } } }, 404: errorResponse('Unknown id.') } },
    },
    '/api/images/{id}/video-sources': {
      get: { summary: 'The held videos this image is a frame of, each with the timecode of the frame, its credit and its page opened at the frame.', parameters: [idParameter], responses: { 200: { description: 'The sources.', content: { 'application/json': { schema: { type: 'object', properties: { sources: { type: 'array', items: { $ref: '#/components/schemas/FrameLink' } } } } } } }, 404: errorResponse('Unknown id.') } },
    },
    '/api/videos/{id}': {
      get: {
        summary: "A video's declared fields, facts (duration, resolution, frame rate, codecs), contact sheet of keyframes and the held stills from it with their timecodes. The id is the video's image id.",
        parameters: [idParameter],
        responses: { 200: { description: 'The video.', content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' }, credit: { type: ['string', 'null'] }, facts: { type: 'object' }, keyframes: { type: 'array', items: { type: 'object' } }, stills: { type: 'array', items: { $ref: '#/components/schemas/FrameLink' } }, playUrl: { type: 'string' } } } } } }, 404: errorResponse('No video with this id.') },
      },
    },
    '/api/account': {
      get: { summary: 'Who the request acts as: the account, its role, and whether it came with a session or a token (and which).', responses: { 200: { description: 'The account.' }, 401: errorResponse('No credentials.') } },
    },
    '/api/tokens': {
      get: { summary: "The signed-in account's API tokens (never the secret: only its first characters, name, role, expiry and last use).", responses: { 200: { description: 'The tokens.' }, 401: errorResponse('No credentials.') } },
      post: {
        summary: "A new API token for the signed-in account, with a role no higher than the account's. The secret is in this answer only; it is stored as a SHA-256 hash.",
        requestBody: jsonBody(jsonSchemaOf(newTokenSchema)),
        responses: { 201: { description: 'The token, with its secret (shown once).' }, 400: errorResponse('An invalid field.'), 403: errorResponse('A role above the account\'s.') },
      },
    },
    '/api/tokens/{id}': {
      delete: { summary: 'Revokes a token of the signed-in account (an admin: any token).', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 204: { description: 'Revoked.' }, 404: errorResponse('No such token of this account.') } },
    },
    '/api/admin/accounts': {
      get: { summary: 'Every account with its role, whether it is disabled and whether it has a password (admins only).', responses: { 200: { description: 'The accounts.' }, 403: errorResponse('Not an admin.') } },
    },
    '/api/admin/sign-ins': {
      get: { summary: 'The 200 most recent sign-in attempts with their outcome and address (admins only).', responses: { 200: { description: 'The audit.' }, 403: errorResponse('Not an admin.') } },
    },
    '/api/openapi.json': {
      get: { summary: 'This document.', responses: { 200: { description: 'OpenAPI 3.1.' } } },
    },
    '/media/derivatives/{file}': {
      get: { summary: 'A web derivative (WebP, metadata stripped); cached forever.', parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'The file.' }, 400: errorResponse('Malformed name.'), 404: errorResponse('Unknown file.') } },
    },
    '/media/originals/{file}': {
      get: { summary: 'The original file as uploaded, with its own content type.', parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'The file.' }, 400: errorResponse('Malformed name.'), 404: errorResponse('Unknown file.') } },
    },
    '/media/video-frames/{file}': {
      get: { summary: "A keyframe of a video's contact sheet (WebP, metadata stripped).", parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'The file.' }, 400: errorResponse('Malformed name.'), 404: errorResponse('Unknown file.') } },
    },
  },
  // Who may call what is the matrix in server/accounts/authorization.ts (README, "Accounts and roles").
  security: [{ bearerToken: [] }, { session: [] }, {}],
  components: {
    securitySchemes: {
      bearerToken: { type: 'http', scheme: 'bearer', description: 'A personal API token (npm run user -- token, or /account). Exempt from the CSRF check.' },
      session: { type: 'apiKey', in: 'cookie', name: 'archive.sid', description: 'The session of a signed-in browser; state-changing calls with it need the CSRF token (header X-CSRF-Token).' },
    },
    schemas: {
      FrameLink: {
        type: 'object',
        description: 'A still and the video it is a frame of.',
        properties: { videoId: { type: 'string' }, imageId: { type: 'string' }, t: { type: 'number', description: 'Seconds into the video.' }, timecode: { type: 'string' }, distance: { type: 'integer' }, credit: { type: ['string', 'null'] }, caption: { type: ['string', 'null'] }, sourceUrl: { type: ['string', 'null'] }, heldSince: { type: 'string' }, thumbnailUrl: { type: 'string' }, url: { type: 'string' } },
      },
      Error: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } } } },
      },
      Finding: {
        type: 'object',
        required: ['code', 'severity', 'message', 'evidence'],
        properties: {
          code: { type: 'string' },
          severity: { type: 'string', enum: ['info', 'notice', 'warning'] },
          message: { type: 'string' },
          evidence: { type: 'array', items: { type: 'object' } },
        },
      },
      Image: {
        type: 'object',
        required: ['id', 'sha256', 'declared', 'embedded', 'file', 'derivatives'],
        properties: {
          id: { type: 'string' },
          sha256: { type: 'string' },
          phash: { type: 'string' },
          outcome: { type: 'string', enum: ['created', 'existing'] },
          declared: { type: 'object', description: 'What the uploader declared: caption, credit (and its parsed parts), source, printed line.' },
          embedded: { type: 'object', description: "What the file's own metadata says, normalised." },
          file: { type: 'object', description: 'Facts read by sharp: format, dimensions after orientation, colour space, ICC profile…' },
          c2pa: { type: ['object', 'null'], description: 'Content Credentials: validationState, validationText (in words), failedChecks, and the manifest chain (chain) with ingredients recursively.' },
          jpegQuality: {
            type: ['object', 'null'],
            description: 'JPEG only: the IJG quality the quantisation tables correspond to, whether exactly, and the known encoder whose tables these are.',
            properties: { quality: { type: 'integer' }, exact: { type: 'boolean' }, knownSource: { type: 'string' }, tables: { type: 'integer' } },
          },
          forensics: { type: ['object', 'null'], description: "What the file's bytes say: jpegQuality, thumbnail (perceptual-hash distance to the picture), modified (IFD0 ModifyDate), platformMarkers." },
          aiDeclared: { type: 'boolean', description: 'The file declares generative AI made or edited it (IPTC digital source type in C2PA or XMP).' },
          original: { type: 'object', properties: { url: { type: 'string' } } },
          derivatives: { type: 'object' },
          uses: { type: 'array', items: { type: 'object' } },
          status: { type: 'object' },
          provenance: { type: 'object', properties: { badge: { type: 'string' }, findings: { type: 'array', items: { $ref: '#/components/schemas/Finding' } } } },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
      ArticleContents: {
        type: 'object',
        required: ['id', 'images'],
        properties: {
          id: { type: 'string' },
          headline: { type: ['string', 'null'] },
          publisher: { type: ['string', 'null'] },
          url: { type: ['string', 'null'] },
          publishedAt: { type: ['string', 'null'], format: 'date-time' },
          images: {
            type: 'array',
            items: {
              type: 'object',
              required: ['position', 'kind', 'url'],
              description: 'kind "held": imageId, printedLine, caption, credit, addedAt, badge, status, thumbnailUrl. kind "described": describedImageId, printedLine, caption, credit, description, recordedAt.',
              properties: { position: { type: 'integer' }, kind: { type: 'string', enum: ['held', 'described'] }, url: { type: 'string' } },
            },
          },
        },
      },
      DescribedImage: {
        type: 'object',
        required: ['id', 'article', 'fulfilledBy'],
        properties: {
          id: { type: 'string' },
          article: { type: 'object', properties: { id: { type: 'string' }, headline: { type: ['string', 'null'] }, publisher: { type: ['string', 'null'] }, url: { type: ['string', 'null'] } } },
          printedLine: { type: ['string', 'null'] },
          caption: { type: ['string', 'null'] },
          credit: { type: ['string', 'null'] },
          description: { type: ['string', 'null'] },
          sourceUrl: { type: ['string', 'null'] },
          addedBy: { type: ['string', 'null'] },
          createdAt: { type: 'string', format: 'date-time' },
          fulfilledBy: { type: ['string', 'null'], description: 'The image record made when its file was uploaded.' },
          links: { type: 'object' },
        },
      },
      UploadResults: { type: 'object', properties: { results: { type: 'array', items: { type: 'object', description: 'An Image with status and outcome, or { status, fileName, error }.' } } } },
      ImageList: {
        type: 'object',
        properties: { items: { type: 'array', items: { type: 'object' } }, total: { type: 'integer' }, page: { type: 'integer' }, limit: { type: 'integer' }, pages: { type: 'integer' } },
      },
      ProvenanceReport: { type: 'object', properties: { imageId: { type: 'string' }, badge: { type: 'string' }, computedAt: { type: 'string' }, findings: { type: 'array', items: { $ref: '#/components/schemas/Finding' } } } },
      History: { type: 'object', properties: { entries: { type: 'array', items: { type: 'object' } }, chainValid: { type: 'boolean' } } },
      LookupResult: { type: 'object', properties: { sha256: { type: 'string' }, phash: { type: 'string' }, matches: { type: 'array', items: { type: 'object' } }, findings: { type: 'array', items: { $ref: '#/components/schemas/Finding' } }, c2pa: { type: 'object', description: 'Content Credentials: state, its words, and the manifest chain (chain).' }, jpegQuality: { type: ['object', 'null'] }, digitalSourceType: { type: 'string' } } },
    },
  },
} as const;
