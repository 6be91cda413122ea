// The one place where errors become responses: JSON for the API, a page for the browser,
// and never a stack trace or an internal message for a 500.
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import multer from 'multer';
import { AppError, BadRequestError, NotFoundError, PayloadTooLargeError, TooManyRequestsError, UnauthorizedError, normalizeError } from './errors';
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

/** Translates errors raised by libraries at the edge (multer, body parsers) into AppErrors. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof multer.MulterError) {
    const make = multerMessages[error.code];
    if (make) return make(error.field);
    return new BadRequestError(error.message);
  }
  if (isHttpError(error) && error.status >= 400 && error.status < 500) {
    if (error.type === 'entity.parse.failed') return new BadRequestError('The request body is not valid JSON.', { code: 'invalid_json' });
    if (error.status === 413) return new PayloadTooLargeError('The request body is too large.');
    return new BadRequestError(error.expose === false ? 'The request could not be read.' : error.message);
  }
  return normalizeError(error);
}

function isHttpError(error: unknown): error is { status: number; type?: string; expose?: boolean; message: string } {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
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
    if (error.status >= 500) logger.error(`${req.method} ${req.originalUrl} failed`, error.cause ?? error);
    const message = error.expose ? error.message : 'Something went wrong on our side. The error has been logged.';
    if (res.headersSent) {
      res.end();
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
      res.json({ error: { code: error.code, message, ...(error.expose && error.details ? { details: error.details } : {}) } });
      return;
    }
    res.render('error.njk', { status: error.status, code: error.code, message, title: PAGE_TITLES[error.status] ?? 'Error', signIn: error.status === 401 || error.status === 403 });
  };
}
