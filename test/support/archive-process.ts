// The archive as its own process (server/main.ts, as `npm start` runs it), for crash tests and benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const projectRoot = path.resolve(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface ArchiveProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `server/main.ts` as its own process (as `npm start` does) on temp folders. */
export async function startArchiveProcess(env: Record<string, string>, startTimeoutMs = 60_000): Promise<ArchiveProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'server/main.ts')], {
    cwd: projectRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', process.env.ARCHIVE_PROCESS_LOGS ? 'inherit' : 'ignore'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the archive exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/api/openapi.json`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // Not left running behind the caller's back.
      child.kill('SIGKILL');
      throw new Error(`the archive did not start within ${startTimeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    child,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run user -- <args>` (server/accounts/cli.ts) with this environment, as a person would. */
export async function runUserCli(env: Record<string, string>, args: string[], stdin?: string): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'server/accounts/cli.ts'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin ?? '');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

let cliAccounts = 0;

/** A new account of this role made through the CLI; its API token (the CLI's last line of output). */
export async function tokenThroughCli(env: Record<string, string>, role: 'viewer' | 'editor' | 'verifier' | 'admin'): Promise<string> {
  cliAccounts += 1;
  const result = await runUserCli(env, ['create', `${role}-${process.pid}-${cliAccounts}-${Date.now()}@cli.example`, '--role', role]);
  if (result.code !== 0) throw new Error(`npm run user -- create failed (${result.code}): ${result.stderr}`);
  return result.stdout.trim().split('\n').at(-1)!;
}
