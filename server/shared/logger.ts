// Logs through pino: one JSON object a line on stderr (pretty-printed when NODE_ENV=development), and
// inside a request every line carries that request's id, however deep in a service it was written.
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger as PinoLogger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** What call sites use. `extra` is logged under `err` (with its stack) when it is an Error, else under `detail`. */
export interface Logger {
  debug(message: string, extra?: unknown): void;
  info(message: string, extra?: unknown): void;
  warn(message: string, extra?: unknown): void;
  error(message: string, extra?: unknown): void;
}

export interface AppLogger extends Logger {
  /** The pino instance behind it (http-logging.ts writes each request's line through it). */
  readonly pino: PinoLogger;
  /** Runs `fn` so that every line logged inside it, synchronously or later, names `requestId`. */
  withRequestId<T>(requestId: string, fn: () => T): T;
}

export interface LoggerOptions {
  /** Human-readable lines (pino-pretty, a dev dependency); default: NODE_ENV is "development". */
  pretty?: boolean;
  /** Where lines go instead of stderr (tests read them). */
  destination?: { write(line: string): void };
}

export function createLogger(level: LogLevel = 'info', options: LoggerOptions = {}): AppLogger {
  const requests = new AsyncLocalStorage<string>();
  const pretty = options.pretty ?? process.env.NODE_ENV === 'development';
  const base = pino(
    {
      level,
      base: undefined, // no pid/hostname on every line
      timestamp: pino.stdTimeFunctions.isoTime,
      // Lines written while a request is handled get its id from the request's context (a line that
      // names one itself, as the request's own line does, keeps it).
      mixin: () => {
        const requestId = requests.getStore();
        return requestId ? { requestId } : {};
      },
      // Session cookies and credentials never reach a log.
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    },
    options.destination ?? (pretty ? pino.transport({ target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l' } }) : pino.destination({ fd: 2, sync: true })),
  );
  const write = (at: Exclude<LogLevel, 'silent'>) => (message: string, extra?: unknown) => {
    if (extra === undefined) base[at](message);
    else if (extra instanceof Error) base[at]({ err: extra }, message);
    else base[at]({ detail: extra }, message);
  };
  return {
    pino: base,
    withRequestId: (requestId, fn) => requests.run(requestId, fn),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}
