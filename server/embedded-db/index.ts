/**
 * Embedded MongoDB-compatible server (wire protocol over TCP, SQLite storage). Self-contained:
 * nothing here imports from the rest of the app.
 */
import { EmbeddedDbServer } from './server';

export interface EmbeddedServerOptions {
  dbPath: string;
  /** 0 = any free port (default). */
  port?: number;
  /** Default '127.0.0.1' (loopback only). */
  host?: string;
  logger?: (msg: string) => void;
}

export interface EmbeddedServer {
  /** e.g. mongodb://127.0.0.1:PORT/ */
  readonly uri: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const host = options.host ?? '127.0.0.1';
  const server = new EmbeddedDbServer({
    dbPath: options.dbPath,
    port: options.port ?? 0,
    host,
    logger: options.logger ?? (() => {}),
  });
  let port: number;
  try {
    port = await server.listen();
  } catch (err) {
    await server.close();
    throw err;
  }
  const uriHost = host.includes(':') ? `[${host}]` : host;
  return {
    uri: `mongodb://${uriHost}:${port}/`,
    port,
    close: () => server.close(),
  };
}
