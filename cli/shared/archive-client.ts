// An HTTP client of the archive's own API, shared by the import and export tools: the token sent
// as a bearer token, JSON errors turned into messages, and retries where a retry can help
// (connection errors and 5xx, never a 4xx, which would only be refused again).
import { setTimeout as sleep } from 'node:timers/promises';

export interface ArchiveClientOptions {
  server: string;
  token?: string;
  /** Tries in all for a request that failed for a retryable reason. */
  tries?: number;
  /** First wait between tries; doubled each time, with jitter. */
  backoffMs?: number;
}

/** The archive answered with an error, or could not be reached. */
export class ArchiveRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ArchiveRequestError';
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ENOTFOUND']);

function connectionCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof TypeError && /fetch failed/i.test(error.message) ? 'fetch_failed' : undefined;
}

async function errorFrom(response: Response): Promise<ArchiveRequestError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } };
    if (body.error?.message) return new ArchiveRequestError(body.error.message, response.status, body.error.code ?? `http_${response.status}`, body.error.details);
  } catch {
    // not JSON: fall through to the status line
  }
  return new ArchiveRequestError(`The archive answered ${response.status} ${response.statusText}`, response.status, `http_${response.status}`);
}

export function createArchiveClient(options: ArchiveClientOptions) {
  const base = options.server.replace(/\/+$/, '');
  const tries = options.tries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const headers = (extra: Record<string, string> = {}) => ({
    ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
    ...extra,
  });

  /** One request, retried on connection errors and 5xx; `init` is called again for each try (a form's file stream is read once). */
  async function send(path: string, init: () => Promise<RequestInit> | RequestInit, onRetry?: (reason: string, attempt: number) => void): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let failure: ArchiveRequestError;
      try {
        const request = await init();
        const response = await fetch(`${base}${path}`, { ...request, headers: headers(request.headers as Record<string, string> | undefined) });
        if (response.ok) return response;
        failure = await errorFrom(response);
        if (response.status < 500) throw failure;
      } catch (error) {
        if (error instanceof ArchiveRequestError && error.status !== undefined && error.status < 500) throw error;
        const code = error instanceof ArchiveRequestError ? undefined : connectionCode(error);
        if (!(error instanceof ArchiveRequestError) && !code) throw error;
        failure = error instanceof ArchiveRequestError ? error : new ArchiveRequestError(`Could not reach the archive at ${base} (${code})`, undefined, 'unreachable');
      }
      if (attempt >= tries) throw failure;
      onRetry?.(failure.message, attempt);
      await sleep(backoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2));
    }
  }

  return {
    base,
    send,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await send(path, () => ({
        method,
        headers: body === undefined ? { Accept: 'application/json' } : ({ Accept: 'application/json', 'Content-Type': 'application/json' } as Record<string, string>),
        body: body === undefined ? undefined : JSON.stringify(body),
      }));
      return (await response.json()) as T;
    },
  };
}

export type ArchiveClient = ReturnType<typeof createArchiveClient>;
