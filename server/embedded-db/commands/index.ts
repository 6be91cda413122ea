/** Command registry and dispatch: validation common to all commands, one transaction per write. */
import type { Document } from 'bson';
import { MongoCommandError } from '../errors';
import { adminCommands } from './admin';
import { aggregateCommands } from './aggregate';
import { crudCommands } from './crud';
import { ddlCommands } from './ddl';
import { explainCommands } from './explain';
import { validateDbName, type CommandContext, type CommandDef } from './context';

const COMMANDS: Record<string, CommandDef> = { ...adminCommands, ...crudCommands, ...aggregateCommands, ...ddlCommands, ...explainCommands };

export function runCommand(cmd: Document, ctx: Omit<CommandContext, 'db'>): Document {
  const name = Object.keys(cmd)[0];
  if (name === undefined) throw new MongoCommandError('FailedToParse', 'empty command object');
  const def = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!def) throw new MongoCommandError('CommandNotFound', `no such command: '${name}'`);
  if (cmd.txnNumber !== undefined || cmd.startTransaction !== undefined || cmd.autocommit !== undefined) {
    throw new MongoCommandError('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
  }
  const db = validateDbName(cmd.$db ?? 'admin');
  const full: CommandContext = { ...ctx, db };
  return def.write ? ctx.storage.transaction(() => def.handler(cmd, full)) : def.handler(cmd, full);
}
