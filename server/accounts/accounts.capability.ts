// Makes the accounts capability's instances (needs the database connected).
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { AccountsConfig } from '../shared/config';
import type { Logger } from '../shared/logger';
import { createAccountsRepository } from './accounts.repository';
import { createAccountsService } from './accounts.service';
import { createLoginThrottle } from './login-throttle';

export async function createAccountsCapability(config: AccountsConfig, logger: Logger, connection: mongoose.Connection = mongoose.connection) {
  const repository = createAccountsRepository();
  const accounts = createAccountsService({ repository, logger });
  const loginThrottle = createLoginThrottle(connection, config.loginThrottle);
  // One secret for every app instance on this database, unless SESSION_SECRET sets it.
  const sessionSecret = config.sessionSecret ?? (await repository.archiveSecret('session-cookie', randomBytes(32).toString('base64url')));
  return { accounts, loginThrottle, sessionSecret, connection };
}

export type AccountsCapability = Awaited<ReturnType<typeof createAccountsCapability>>;
