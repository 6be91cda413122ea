// The project's one error hierarchy. Every failure a user can cause becomes one of these;
// the error handler (server/shared/error-handler.ts) turns them into responses in one place.

export interface AppErrorOptions {
  cause?: unknown;
  /** Extra, user-safe facts for the response body (e.g. which field, which limit). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  /** HTTP status the error maps to. */
  readonly status: number;
  /** Stable, machine-readable code for API clients. */
  readonly code: string;
  /** Whether `message` may be shown to the user as is (false for internal failures). */
  readonly expose: boolean;
  readonly details?: Record<string, unknown>;

  constructor(status: number, code: string, message: string, expose: boolean, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.expose = expose;
    this.details = options.details;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, options?: AppErrorOptions & { code?: string }) {
    super(400, options?.code ?? 'bad_request', message, true, options);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message: string, options?: AppErrorOptions & { code?: string }) {
    super(401, options?.code ?? 'unauthorized', message, true, options);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, options?: AppErrorOptions & { code?: string }) {
    super(403, options?.code ?? 'forbidden', message, true, options);
  }
}

/** `retryAfterSeconds` becomes the response's Retry-After header. */
export class TooManyRequestsError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options?: AppErrorOptions & { code?: string }) {
    super(429, options?.code ?? 'too_many_requests', message, true, { ...options, details: { ...options?.details, retryAfterSeconds } });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found', options?: AppErrorOptions & { code?: string }) {
    super(404, options?.code ?? 'not_found', message, true, options);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, options?: AppErrorOptions & { code?: string }) {
    super(409, options?.code ?? 'conflict', message, true, options);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string, options?: AppErrorOptions & { code?: string }) {
    super(413, options?.code ?? 'too_large', message, true, options);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string, options?: AppErrorOptions & { code?: string }) {
    super(415, options?.code ?? 'unsupported_type', message, true, options);
  }
}

export class UnprocessableError extends AppError {
  constructor(message: string, options?: AppErrorOptions & { code?: string }) {
    super(422, options?.code ?? 'unprocessable', message, true, options);
  }
}

/** The client closed the connection mid-request (an upload cancelled): nobody is there to answer. */
export class ClientClosedError extends AppError {
  constructor(options?: AppErrorOptions) {
    super(400, 'client_closed', 'The connection was closed before the request was complete.', true, options);
  }
}

export class InternalError extends AppError {
  constructor(message = 'Something went wrong on our side.', options?: AppErrorOptions) {
    super(500, 'internal', message, false, options);
  }
}

/** Turns anything thrown into an AppError; unknown failures become a non-exposed 500. */
export function normalizeError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new InternalError(undefined, { cause: error });
}
