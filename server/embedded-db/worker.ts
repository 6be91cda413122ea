/**
 * Worker-thread side of startEmbeddedServer: owns the SQLite storage and the TCP listener, so
 * query execution never blocks the app's event loop. Talks to index.ts with small messages:
 * out: {type: 'listening', port} | {type: 'log', message} | {type: 'error', message, code?}
 * in:  {type: 'close'}
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EmbeddedDbServer, type ServerConfig } from './server';

export interface WorkerOptions {
  dbPath: string;
  port: number;
  host: string;
  /** Only forward log lines when the parent has a logger. */
  log: boolean;
}

const port = parentPort!;
const options = workerData as WorkerOptions;
const config: ServerConfig = {
  dbPath: options.dbPath,
  port: options.port,
  host: options.host,
  logger: options.log ? (message) => port.postMessage({ type: 'log', message }) : () => {},
};

let server: EmbeddedDbServer | undefined;
try {
  server = new EmbeddedDbServer(config);
  const listening = await server.listen();
  port.postMessage({ type: 'listening', port: listening });
} catch (err) {
  await server?.close().catch(() => {});
  const e = err as Error & { code?: unknown };
  port.postMessage({ type: 'error', message: e.message, code: typeof e.code === 'string' ? e.code : undefined });
  port.close();
}

port.on('message', (msg: { type?: string }) => {
  if (msg?.type !== 'close' || !server) return;
  const s = server;
  server = undefined;
  s.close().then(
    () => {
      // Closing the port lets the worker's event loop empty, so the thread exits by itself.
      port.close();
    },
    (err: unknown) => {
      port.postMessage({ type: 'error', message: (err as Error).message });
      port.close();
    },
  );
});
