/**
 * Embedded MongoDB-compatible server (wire protocol over TCP, SQLite storage). Self-contained:
 * nothing here imports from the rest of the app.
 *
 * By default the server runs in a worker thread (worker.ts): SQLite calls are synchronous, and on
 * the app's own event loop every millisecond of query time would hold up HTTP handling. The
 * worker owns the storage and the listener; this side only starts it, forwards its log lines and
 * stops it. `inProcess: true` (or EMBEDDED_DB_IN_PROCESS=1) runs it on the caller's event loop.
 */
import { Worker } from 'node:worker_threads';
import { EmbeddedDbServer } from './server';
import type { WorkerOptions } from './worker';

export interface EmbeddedServerOptions {
  dbPath: string;
  /** 0 = any free port (default). */
  port?: number;
  /** Default '127.0.0.1' (loopback only). */
  host?: string;
  logger?: (msg: string) => void;
  /** Run on the caller's event loop instead of a worker thread. */
  inProcess?: boolean;
}

export interface EmbeddedServer {
  /** e.g. mongodb://127.0.0.1:PORT/ */
  readonly uri: string;
  readonly port: number;
  close(): Promise<void>;
}

/** How long close() waits for the worker to shut down cleanly before terminating it. */
const CLOSE_TIMEOUT_MS = 15_000;

function uriFor(host: string, port: number): string {
  return `mongodb://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}

export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const host = options.host ?? '127.0.0.1';
  if (options.inProcess || process.env.EMBEDDED_DB_IN_PROCESS === '1') return startInProcess(options, host);
  return startInWorker(options, host);
}

async function startInProcess(options: EmbeddedServerOptions, host: string): Promise<EmbeddedServer> {
  const server = new EmbeddedDbServer({ dbPath: options.dbPath, port: options.port ?? 0, host, logger: options.logger ?? (() => {}) });
  let port: number;
  try {
    port = await server.listen();
  } catch (err) {
    await server.close();
    throw err;
  }
  return { uri: uriFor(host, port), port, close: () => server.close() };
}

type FromWorker =
  | { type: 'listening'; port: number }
  | { type: 'log'; message: string }
  | { type: 'error'; message: string; code?: string };

function startInWorker(options: EmbeddedServerOptions, host: string): Promise<EmbeddedServer> {
  const logger = options.logger;
  const data: WorkerOptions = { dbPath: options.dbPath, port: options.port ?? 0, host, log: logger !== undefined };
  const worker = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), { workerData: data });
  let exited = false;
  const exit = new Promise<number>((resolve) => worker.once('exit', (code) => {
    exited = true;
    resolve(code);
  }));
  return new Promise<EmbeddedServer>((resolve, reject) => {
    let started = false;
    const fail = (err: Error) => {
      if (!started) {
        started = true;
        reject(err);
        return;
      }
      logger?.(`embedded database worker failed: ${err.stack ?? err.message}`);
    };
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'log') logger?.(msg.message);
      else if (msg.type === 'error') fail(Object.assign(new Error(msg.message), msg.code ? { code: msg.code } : {}));
      else if (msg.type === 'listening' && !started) {
        started = true;
        const port = msg.port;
        let closing: Promise<void> | undefined;
        resolve({
          uri: uriFor(host, port),
          port,
          close: () => (closing ??= (async () => {
            if (exited) return;
            worker.postMessage({ type: 'close' });
            // A worker that does not finish closing (stuck, or crashed without exiting) is
            // terminated rather than left to hang the caller's shutdown.
            let timer: NodeJS.Timeout | undefined;
            const timeout = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), CLOSE_TIMEOUT_MS); });
            const result = await Promise.race([exit, timeout]);
            clearTimeout(timer);
            if (result === 'timeout') {
              logger?.('embedded database worker did not close in time; terminating it');
              await worker.terminate();
            }
          })()),
        });
      }
    });
    // An uncaught exception in the worker: reject a pending start, or log (the thread is gone).
    worker.on('error', (err) => fail(err));
    void exit.then((code) => {
      if (!started) fail(new Error(`embedded database worker exited with code ${code} before listening`));
      else if (code !== 0) logger?.(`embedded database worker exited with code ${code}`);
    });
  });
}
