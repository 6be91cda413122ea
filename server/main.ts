// Loads configuration, connects the database, repairs storage, listens, and shuts down gracefully.
import http from 'node:http';
import { createApp } from './app';
import { connectDatabase, DatabaseUnavailableError } from './db/connection';
import { createServices } from './services';
import { ConfigError, loadConfig } from './shared/config';
import { createLogger } from './shared/logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const database = await connectDatabase({ mongodbUri: config.mongodbUri, dbPath: config.dbPath, purpose: 'archive' }, logger);
  const services = await createServices(config, logger);
  await services.start();

  const app = createApp({ config, logger, ...services });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(`Provenance archive listening on http://localhost:${port}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing requests in flight, then closing`);
    // Stop accepting; idle keep-alive sockets are closed so in-flight requests are the only wait.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const forced = setTimeout(() => server.closeAllConnections(), 10_000);
    await closed;
    clearTimeout(forced);
    await services.stop();
    await database.close();
    logger.info('Stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof DatabaseUnavailableError) {
    process.stderr.write(`The archive could not start: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`The archive could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
