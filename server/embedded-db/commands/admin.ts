/** Handshake, diagnostics and session commands asked by the driver, mongosh and Compass. */
import os from 'node:os';
import { Long, type Document } from 'bson';
import { MongoCommandError } from '../errors';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE_BYTES } from '../wire';
import type { CommandContext, CommandDef } from './context';

export const SERVER_VERSION = '7.0.0';
/** MongoDB 7.0; the Node driver 7 needs at least 9 (4.4). */
export const MAX_WIRE_VERSION = 21;

export function helloResponse(ctx: CommandContext, legacy: boolean): Document {
  return {
    helloOk: true,
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    // No topologyVersion: the driver then polls instead of using the streaming (exhaust) protocol.
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

function hello(_cmd: Document, ctx: CommandContext): Document {
  return helloResponse(ctx, false);
}

function isMaster(_cmd: Document, ctx: CommandContext): Document {
  return helloResponse(ctx, true);
}

function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'embedded-sqlite',
    versionArray: [7, 0, 0, 0],
    modules: [],
    allocator: 'system',
    javascriptEngine: 'none',
    sysInfo: 'deprecated',
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['sqlite'],
    openssl: { running: 'disabled', compiled: 'disabled' },
    buildEnvironment: { distmod: 'embedded', target_os: process.platform, target_arch: process.arch },
    ok: 1,
  };
}

function getParameter(cmd: Document): Document {
  const known: Document = {
    featureCompatibilityVersion: { version: '7.0' },
    authenticationMechanisms: [],
    maxBSONDepth: 100,
    quiet: false,
  };
  const out: Document = {};
  const all = cmd.getParameter === '*' || (typeof cmd.getParameter === 'object' && cmd.getParameter !== null && (cmd.getParameter as Document).allParameters === true);
  for (const [k, v] of Object.entries(known)) if (all || k in cmd) out[k] = v;
  if (Object.keys(out).length === 0) throw new MongoCommandError('InvalidOptions', 'no option found to get');
  return { ...out, ok: 1 };
}

function hostInfo(): Document {
  return {
    system: {
      currentTime: new Date(),
      hostname: os.hostname(),
      cpuAddrSize: 64,
      memSizeMB: Long.fromNumber(Math.round(os.totalmem() / 1024 / 1024)),
      memLimitMB: Long.fromNumber(Math.round(os.totalmem() / 1024 / 1024)),
      numCores: os.cpus().length,
      cpuArch: os.arch(),
      numaEnabled: false,
    },
    os: { type: os.type(), name: os.type(), version: os.release() },
    extra: {},
    ok: 1,
  };
}

function serverStatus(_cmd: Document, ctx: CommandContext): Document {
  const uptimeMs = Date.now() - ctx.server.startedAt;
  return {
    host: `${os.hostname()}:${ctx.server.port}`,
    version: SERVER_VERSION,
    process: 'embedded-db',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMs / 1000),
    uptimeMillis: Long.fromNumber(uptimeMs),
    localTime: new Date(),
    connections: { current: ctx.server.connectionCount(), available: 1000 },
    metrics: { cursor: { open: { total: ctx.cursors.size } } },
    mem: { bits: 64, resident: Math.round(process.memoryUsage().rss / 1024 / 1024) },
    ok: 1,
  };
}

function listDatabases(cmd: Document, ctx: CommandContext): Document {
  const names = ctx.storage.listDatabaseNames();
  if (cmd.nameOnly === true) return { databases: names.map((name) => ({ name })), ok: 1 };
  let totalSize = 0;
  const databases = names.map((name) => {
    const size = ctx.storage.listCollections(name).reduce((s, c) => s + ctx.storage.dataSize(c), 0);
    totalSize += size;
    return { name, sizeOnDisk: size, empty: size === 0 };
  });
  return { databases, totalSize, totalSizeMb: Math.round(totalSize / 1024 / 1024), ok: 1 };
}

function dbStats(_cmd: Document, ctx: CommandContext): Document {
  const colls = ctx.storage.listCollections(ctx.db);
  let objects = 0;
  let dataSize = 0;
  let indexes = 0;
  for (const c of colls) {
    objects += ctx.storage.count(c);
    dataSize += ctx.storage.dataSize(c);
    indexes += c.indexes.length + 1;
  }
  return {
    db: ctx.db, collections: colls.length, views: 0, objects, avgObjSize: objects ? dataSize / objects : 0,
    dataSize, storageSize: dataSize, indexes, indexSize: 0, totalSize: dataSize, scaleFactor: 1, ok: 1,
  };
}

const ok = (): Document => ({ ok: 1 });

export const adminCommands: Record<string, CommandDef> = {
  hello: { handler: hello },
  isMaster: { handler: isMaster },
  ismaster: { handler: isMaster },
  ping: { handler: ok },
  buildInfo: { handler: buildInfo },
  buildinfo: { handler: buildInfo },
  getParameter: { handler: getParameter },
  hostInfo: { handler: hostInfo },
  serverStatus: { handler: serverStatus },
  listDatabases: { handler: listDatabases },
  dbStats: { handler: dbStats },
  endSessions: { handler: ok },
  killAllSessions: { handler: ok },
  refreshSessions: { handler: ok },
  startSession: { handler: () => ({ id: { id: new Long(0) }, timeoutMinutes: 30, ok: 1 }) },
  getLog: { handler: (cmd) => (cmd.getLog === '*' ? { names: ['startupWarnings'], ok: 1 } : { totalLinesWritten: 0, log: [], ok: 1 }) },
  getCmdLineOpts: { handler: () => ({ argv: process.argv.slice(1), parsed: {}, ok: 1 }) },
  connectionStatus: { handler: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }) },
  whatsmyuri: { handler: (_c, ctx) => ({ you: `127.0.0.1:${ctx.connectionId}`, ok: 1 }) },
  getFreeMonitoringStatus: { handler: () => ({ state: 'disabled', ok: 1 }) },
  logout: { handler: ok },
};
