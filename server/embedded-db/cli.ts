/** Foreground runner: `npm run embedded-db -- --port 27018 --dbpath ./data/db [--bind 127.0.0.1]`. */
import { parseArgs } from 'node:util';
import { startEmbeddedServer } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '27017' },
    dbpath: { type: 'string', default: './data/db' },
    bind: { type: 'string', default: '127.0.0.1' },
    quiet: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}

const log = (msg: string) => {
  if (!values.quiet) console.error(`[embedded-db] ${msg}`);
};

try {
  const server = await startEmbeddedServer({ dbPath: values.dbpath!, port, host: values.bind, logger: log });
  console.log(server.uri);
  log(`listening on ${server.uri} (data in ${values.dbpath})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, shutting down`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  console.error(`failed to start: ${(err as Error).message}`);
  process.exit(1);
}
