// npm run user -- create|token|list|disable|revoke: accounts and tokens from the command line.
// Works while the archive runs on the same data folder (connectDatabase joins its database).
import { Command, Option } from 'commander';
import { AppError } from '../shared/errors';
import { connectDatabase, DatabaseUnavailableError, type Database } from '../db/connection';
import { ConfigError, loadConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { createAccountsRepository } from './accounts.repository';
import { createAccountsService, type AccountsService } from './accounts.service';
import { ROLES, type Role } from './roles';

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // The line end a shell adds (echo, a here-string) is not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads a line from the terminal without echoing it. */
function askHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    let typed = '';
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new Error('Cancelled.'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else if (char >= ' ') typed += char;
      }
    };
    input.on('data', onData);
  });
}

async function passwordFor(options: { passwordStdin?: boolean }): Promise<string | undefined> {
  if (options.passwordStdin) return readAllStdin();
  if (!process.stdin.isTTY) return undefined;
  const first = await askHidden('Password (at least 12 characters): ');
  const second = await askHidden('The same password again: ');
  if (first !== second) throw new Error('The two passwords differ; nothing was created.');
  return first;
}

async function withAccounts<T>(work: (accounts: AccountsService) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'debug' ? 'debug' : 'warn');
  let database: Database | undefined;
  try {
    database = await connectDatabase({ mongodbUri: config.mongodbUri, dbPath: config.dbPath }, logger);
    return await work(createAccountsService({ repository: createAccountsRepository(), logger }));
  } finally {
    await database?.close();
  }
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function buildProgram(): Command {
  const program = new Command('user').description('Accounts and API tokens of the provenance archive').showHelpAfterError();

  program
    .command('create')
    .description('Create an account; prints a new API token on its last line')
    .argument('<email>')
    .addOption(new Option('--role <role>', 'viewer, editor, verifier or admin').choices(ROLES).makeOptionMandatory())
    .option('--name <name>', 'display name shown in the history')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (email: string, options: { role: Role; name?: string; passwordStdin?: boolean }) => {
      const password = await passwordFor(options);
      await withAccounts(async (accounts) => {
        const account = await accounts.createAccount({ email, role: options.role, name: options.name, password });
        const { token } = await accounts.issueToken(account._id, { name: 'created with the account' });
        print(`Created ${account.role} account ${account.email} (${account.name})${password === undefined ? ', without a password: it can use its tokens until a password is set (an admin can send a reset link)' : ''}.`);
        print('Its API token (shown only now; send it as "Authorization: Bearer <token>"):');
        print(token);
      });
    });

  program
    .command('token')
    .description('Issue another API token for an account; prints it on its last line')
    .argument('<email>')
    .option('--name <name>', 'what the token is for', 'command line')
    .addOption(new Option('--role <role>', 'a role no higher than the account\'s').choices(ROLES))
    .option('--expires-in-days <days>', 'stop working after this many days')
    .action(async (email: string, options: { name: string; role?: Role; expiresInDays?: string }) => {
      await withAccounts(async (accounts) => {
        const account = await accounts.byEmail(email);
        if (!account) throw new Error(`No account for ${email}.`);
        const { token, record } = await accounts.issueToken(account._id, { name: options.name, role: options.role, expiresInDays: options.expiresInDays === undefined ? undefined : Number(options.expiresInDays) });
        print(`Token "${record.name}" (${record.role}) for ${account.email}${record.expiresAt ? `, until ${record.expiresAt.toISOString()}` : ''} (shown only now):`);
        print(token);
      });
    });

  program
    .command('list')
    .description('List the accounts and their tokens')
    .action(async () => {
      await withAccounts(async (accounts) => {
        const list = await accounts.list();
        if (list.length === 0) print('No accounts yet. Create the first admin: npm run user -- create you@example.org --role admin --name "Your Name"');
        const now = new Date();
        for (const account of list) {
          print(`${account.email}\t${account.role}\t${account.name}\t${account.disabled ? 'disabled' : 'active'}\t${account.passwordHash ? 'password' : 'no password'}`);
          for (const token of await accounts.tokensOf(String(account._id))) {
            const state = token.revokedAt ? 'revoked' : token.expiresAt && token.expiresAt <= now ? 'expired' : 'active';
            print(`  token ${token.prefix}…\t${token.role}\t${token.name}\t${state}\tlast used ${token.lastUsedAt?.toISOString() ?? 'never'}`);
          }
        }
      });
    });

  program
    .command('disable')
    .description('Disable an account: its sessions and tokens stop working')
    .argument('<email>')
    .action(async (email: string) => {
      await withAccounts(async (accounts) => {
        const account = await accounts.disableByEmail(email);
        print(`Disabled ${account.email}.`);
      });
    });

  program
    .command('revoke')
    .description('Revoke the API token starting with this prefix (as shown by list), or the whole token')
    .argument('<token-prefix>')
    .action(async (prefix: string) => {
      await withAccounts(async (accounts) => {
        const token = await accounts.revokeByPrefix(prefix.replace(/…$/, ''));
        print(`Revoked token ${token.prefix}… ("${token.name}").`);
      });
    });

  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    const known = error instanceof AppError || error instanceof ConfigError || error instanceof DatabaseUnavailableError || (error instanceof Error && !(error instanceof TypeError));
    process.stderr.write(`${known && error instanceof Error ? error.message : String((error as Error)?.stack ?? error)}\n`);
    process.exitCode = 1;
  });
