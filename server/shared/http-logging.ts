// One log line per request (pino-http) and a request id for everything logged while it is handled.
// The id is the client's X-Request-Id when it is a plain token (a proxy's), else a new UUID; it is sent
// back in X-Request-Id and in every error response, so a user's report can be found in the logs.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { AppLogger } from './logger';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Set by the error handler for a 4xx, so the request's line says what was wrong (without a stack). */
export interface ClientErrorSummary {
  code: string;
  message: string;
}

function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

function clientError(res: ServerResponse): ClientErrorSummary | undefined {
  return (res as ServerResponse & { locals?: { clientError?: ClientErrorSummary } }).locals?.clientError;
}

export function createRequestLogging(logger: AppLogger): RequestHandler[] {
  const http = pinoHttp({
    logger: logger.pino,
    genReqId: requestIdFor,
    customAttributeKeys: { reqId: 'requestId' },
    quietReqLogger: true,
    customLogLevel: (_req, res) => {
      if (!res.writableFinished) return 'info'; // the client went away: nothing is wrong with the archive
      if (res.statusCode >= 500) return 'error';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    customSuccessMessage: (req, res) => {
      const line = `${req.method} ${(req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url}`;
      if (!res.writableFinished) return `${line}: the client closed the connection before the response`;
      const summary = clientError(res);
      return summary ? `${line} ${res.statusCode} ${summary.code}: ${summary.message}` : `${line} ${res.statusCode}`;
    },
    customErrorMessage: (req, res) => `${req.method} ${(req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url} ${res.statusCode}`,
  });
  const context: RequestHandler = (req, _res, next) => logger.withRequestId(String(req.id), next);
  return [http as unknown as RequestHandler, context];
}
