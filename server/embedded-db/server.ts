/**
 * TCP front end: frames messages per connection, decodes them, runs commands synchronously
 * (better-sqlite3 is synchronous, so commands from all connections are naturally serialised) and
 * writes replies. A malformed message closes only its own connection.
 */
import net from 'node:net';
import type { Document } from 'bson';
import { runCommand } from './commands/index';
import { helloResponse } from './commands/admin';
import type { CommandContext, ServerInfo } from './commands/context';
import { CursorManager } from './cursors';
import { MongoCommandError, toCommandError } from './errors';
import { decodeOpMsg, decodeOpQuery, encodeOpMsg, encodeOpReply, OP_MSG, OP_QUERY, ProtocolError } from './protocol';
import { Storage } from './storage';
import { FramingError, MessageFramer, type RawMessage } from './wire';

export interface ServerConfig {
  dbPath: string;
  port: number;
  host: string;
  logger: (msg: string) => void;
}

const LEGACY_HELLO = new Set(['hello', 'isMaster', 'ismaster']);

export class EmbeddedDbServer {
  private readonly storage: Storage;
  private readonly cursors = new CursorManager();
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private nextConnectionId = 1;
  private readonly info: ServerInfo;
  private closed = false;

  constructor(private readonly config: ServerConfig) {
    this.storage = new Storage(config.dbPath);
    this.server = net.createServer((socket) => this.onConnection(socket));
    const sockets = this.sockets;
    this.info = { startedAt: Date.now(), host: config.host, port: config.port, connectionCount: () => sockets.size };
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.config.port, this.config.host, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.config.logger(`server error: ${err.message}`));
        const addr = this.server.address();
        const port = typeof addr === 'object' && addr ? addr.port : this.config.port;
        this.info.port = port;
        resolve(port);
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await done;
    this.cursors.close();
    this.storage.close();
  }

  private onConnection(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const connectionId = this.nextConnectionId++;
    const framer = new MessageFramer();
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      let messages: RawMessage[];
      try {
        messages = framer.push(chunk);
      } catch (err) {
        this.drop(socket, connectionId, err);
        return;
      }
      for (const msg of messages) {
        if (socket.destroyed) return;
        try {
          const reply = this.handle(msg, connectionId);
          if (reply) socket.write(reply);
        } catch (err) {
          this.drop(socket, connectionId, err);
          return;
        }
      }
    });
  }

  private drop(socket: net.Socket, connectionId: number, err: unknown): void {
    const reason = err instanceof FramingError || err instanceof ProtocolError ? err.message : String(err);
    this.config.logger(`closing connection ${connectionId}: ${reason}`);
    socket.destroy();
  }

  private context(connectionId: number): Omit<CommandContext, 'db'> {
    return { storage: this.storage, cursors: this.cursors, connectionId, server: this.info };
  }

  /** Returns the encoded reply, or undefined when the client asked for none (moreToCome). */
  private handle(msg: RawMessage, connectionId: number): Buffer | undefined {
    if (msg.opCode === OP_MSG) {
      const req = decodeOpMsg(msg);
      const response = this.execute(req.command, connectionId);
      return req.moreToCome ? undefined : encodeOpMsg(req.requestId, response);
    }
    if (msg.opCode === OP_QUERY) {
      const req = decodeOpQuery(msg);
      const name = Object.keys(req.command)[0] ?? '';
      if (!req.fullCollectionName.endsWith('.$cmd') || !LEGACY_HELLO.has(name)) {
        return encodeOpReply(req.requestId, new MongoCommandError(
          'UnsupportedOpQueryCommand',
          `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade.`,
        ).toResponse());
      }
      // The legacy handshake always gets the legacy field names, whatever the command was called.
      return encodeOpReply(req.requestId, helloResponse({ ...this.context(connectionId), db: 'admin' }, true));
    }
    throw new ProtocolError(`unsupported opCode ${msg.opCode}`);
  }

  private execute(command: Document, connectionId: number): Document {
    try {
      return runCommand(command, this.context(connectionId));
    } catch (err) {
      const e = isInternal(err) ? new MongoCommandError('InternalError', (err as Error).message) : toCommandError(err);
      if (e.code === 1) this.config.logger(`internal error in ${Object.keys(command)[0]}: ${(err as Error).stack ?? String(err)}`);
      return e.toResponse();
    }
  }
}

function isInternal(err: unknown): boolean {
  if (err instanceof MongoCommandError) return false;
  return err instanceof TypeError || err instanceof RangeError || (err instanceof Error && err.constructor.name === 'SqliteError');
}
