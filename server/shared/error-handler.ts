// The one place where errors become responses: JSON for the API, a page for the browser,
// and never a stack trace or an internal message for a 500. Errors raised by the libraries at the
// edge (multer and busboy, the body parsers, the static file server) are translated by meaning here,
// so a bad request is a 4xx logged at warn in one line, and 500 is kept for the archive's own faults.
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import multer from 'multer';
import { AppError, BadRequestError, ClientClosedError, NotFoundError, PayloadTooLargeError, TooManyRequestsError, UnauthorizedError, UnsupportedMediaTypeError, normalizeError } from './errors';
import type { ClientErrorSummary } from './http-logging';
import type { Logger } from './logger';

const multerMessages: Record<string, (field?: string) => AppError> = {
  LIMIT_FILE_SIZE: () => new PayloadTooLargeError('The file is larger than the upload limit.', { code: 'file_too_large' }),
  LIMIT_FILE_COUNT: () => new PayloadTooLargeError('Too many files in one upload.', { code: 'too_many_files' }),
  LIMIT_PART_COUNT: () => new PayloadTooLargeError('Too many parts in one upload.', { code: 'too_many_parts' }),
  LIMIT_FIELD_COUNT: () => new PayloadTooLargeError('Too many form fields in one upload.', { code: 'too_many_fields' }),
  LIMIT_FIELD_VALUE: (field) => new PayloadTooLargeError(`The field "${field}" is too long.`, { code: 'field_too_long' }),
  LIMIT_FIELD_KEY: () => new BadRequestError('A form field name is too long.'),
  LIMIT_UNEXPECTED_FILE: (field) =>
    new BadRequestError(`Unexpected file field "${field}": send the file as "image", or several as "images".`, { code: 'unexpected_file_field' }),
  MISSING_FIELD_NAME: () => new BadRequestError('A form field has no name.'),
};

/** body-parser's error types (http-errors with `type`), by what they mean for the client. */
const bodyParserErrors: Record<string, (error: HttpError) => AppError> = {
  'entity.parse.failed': () => new BadRequestError('The request body is not valid JSON.', { code: 'invalid_json' }),
  'entity.too.large': () => new PayloadTooLargeError('The request body is too large.', { code: 'body_too_large' }),
  'charset.unsupported': (error) =>
    new UnsupportedMediaTypeError(`The body's character set ${JSON.stringify(error.charset ?? '')} is not supported: send UTF-8.`, { code: 'unsupported_charset' }),
  'encoding.unsupported': (error) =>
    new UnsupportedMediaTypeError(`The body's content encoding ${JSON.stringify(error.encoding ?? '')} is not supported: send it uncompressed, gzip or deflate.`, { code: 'unsupported_encoding' }),
  'request.aborted': () => new ClientClosedError(),
  'request.size.invalid': () => new BadRequestError('The request body is shorter or longer than its Content-Length.', { code: 'body_length_mismatch' }),
  'stream.encoding.set': () => new BadRequestError('The request body could not be read.'),
  'parameters.too.many': () => new PayloadTooLargeError('Too many form fields.', { code: 'too_many_fields' }),
  'depth.exceeded': () => new BadRequestError('The form nests fields too deeply.'),
};

interface HttpError {
  status: number;
  type?: string;
  expose?: boolean;
  message: string;
  charset?: string;
  encoding?: string;
}

function isHttpError(error: unknown): error is HttpError {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}

/** An error of the operating system (disk full, permissions): ours, not the client's. */
function isSystemError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as { syscall?: unknown }).syscall === 'string';
}

/** Translates errors raised by libraries at the edge (multer, body parsers, static files) into AppErrors. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof multer.MulterError) {
    const make = multerMessages[error.code];
    if (make) return make(error.field);
    return new BadRequestError(error.message);
  }
  if (isHttpError(error) && error.status >= 400 && error.status < 500) {
    const byType = error.type ? bodyParserErrors[error.type] : undefined;
    if (byType) return byType(error);
    // The static file server: 404 for a missing asset, 403 for a path that climbs out of its folder
    // (said as "no such file" too: what lies outside is not the client's business).
    if (error.status === 404 || error.status === 403) return new NotFoundError('There is no such file.');
    if (error.status === 413) return new PayloadTooLargeError('The request body is too large.');
    if (error.status === 415) return new UnsupportedMediaTypeError(error.expose === false ? 'The body is of a type the archive does not read.' : error.message);
    return new BadRequestError(error.expose === false ? 'The request could not be read.' : error.message);
  }
  return normalizeError(error);
}

/**
 * Errors out of multer's parsing of one request. busboy reports a malformed body (a boundary that is
 * not the header's, none at all, a body that ends mid-part, a part header it cannot read, a NUL in a
 * file name) as plain Errors without a code; a client that goes away mid-upload looks the same.
 */
export function uploadError(error: unknown, req: Request): unknown {
  if (error instanceof AppError || error instanceof multer.MulterError || isSystemError(error)) return error;
  if (req.readableAborted || (req.destroyed && !req.complete)) return new ClientClosedError({ cause: error });
  if (error instanceof Error && !('code' in error)) {
    return new BadRequestError(`The upload could not be read: it is not a well-formed multipart form (${error.message}).`, { code: 'malformed_multipart', cause: error });
  }
  return error;
}

export function wantsJson(req: Request): boolean {
  if (req.path.startsWith('/api/')) return true;
  return !req.accepts('html') && Boolean(req.accepts('json'));
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new NotFoundError('There is nothing at this address.'));
};

const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

function drained(req: Request): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    req.once('end', done);
    req.once('close', done);
    req.once('error', done);
    req.resume();
  });
}

const PAGE_TITLES: Record<number, string> = { 401: 'Sign-in needed', 403: 'Not allowed', 404: 'Not found', 429: 'Too many attempts' };

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return async (rawError, req, res, _next) => {
    const error = toAppError(rawError);
    const requestId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : undefined;
    if (error.status >= 500) logger.error(`${req.method} ${req.originalUrl} failed`, error.cause ?? error);
    // A 4xx is the client's mistake: the request's own log line says what it was, at warn, without a stack.
    else (res.locals as { clientError?: ClientErrorSummary }).clientError = { code: error.code, message: error.message };
    const message = error.expose ? error.message : 'Something went wrong on our side. The error has been logged.';
    if (res.headersSent || error instanceof ClientClosedError) {
      if (!res.writableEnded) res.end();
      return;
    }
    // A request refused before its body was read (an upload without credentials): a body of
    // reasonable size is drained first, so the client can finish sending and read the answer
    // instead of a broken pipe.
    if (!req.complete && Number(req.get('content-length') ?? Infinity) <= DRAIN_LIMIT_BYTES) {
      await drained(req);
      if (res.headersSent) return;
    }
    res.status(error.status);
    if (error instanceof TooManyRequestsError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    if (error instanceof UnauthorizedError) res.setHeader('WWW-Authenticate', 'Bearer realm="provenance-archive"');
    if (wantsJson(req)) {
      res.json({ error: { code: error.code, message, ...(requestId ? { requestId } : {}), ...(error.expose && error.details ? { details: error.details } : {}) } });
      return;
    }
    res.render('error.njk', { status: error.status, code: error.code, message, requestId, title: PAGE_TITLES[error.status] ?? 'Error', signIn: error.status === 401 || error.status === 403 });
  };
}
