// `npm run seed:demo` while the archive runs (it used to fail with "database is locked"): a client
// of the running server's API, safe to run twice.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { projectRoot, startArchiveProcess, tokenThroughCli, type ArchiveProcess } from '../support/archive-process';

const run = promisify(execFile);

describe('npm run seed:demo', function () {
  this.timeout(180_000);
  let archive: ArchiveProcess;
  let work: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'archive-seed-'));
    const folders = { DATA_DIR: path.join(work, 'data'), UPLOAD_DIR: path.join(work, 'uploads') };
    archive = await startArchiveProcess(folders);
    // An editor's token, made with npm run user while the archive runs, as a newsroom would.
    env = { ...process.env, ARCHIVE_TOKEN: await tokenThroughCli(folders, 'editor') };
  });
  after(async () => {
    await archive.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('loads the founding case into the running archive, and a second run adds nothing', async () => {
    const first = await run('npm', ['run', '-s', 'seed:demo', '--', '--server', archive.url], { cwd: projectRoot, env });
    expect(first.stdout).to.include('Added: A North Korean soldier fighting for Russia in Ukraine, according to a video shared by Zelensky (Office of the President of Ukraine)');
    expect(first.stdout).to.include('(Telegram/Volodymyr Zelensky)');
    const second = await run('npm', ['run', '-s', 'seed:demo', '--', '--server', archive.url], { cwd: projectRoot, env });
    expect(second.stdout.match(/Already held/g)).to.have.length(2);
    expect(second.stdout.match(/Already recorded/g)).to.have.length(3);
    const { items } = (await (await fetch(`${archive.url}/api/articles`)).json()) as { items: Array<{ headline: string; heldCount: number; withoutFileCount: number }> };
    expect(items).to.have.length(1);
    expect(items[0]).to.include({ headline: 'What happened to the North Korean troops fighting Ukraine on the frontline?', heldCount: 2, withoutFileCount: 3 });
  });

  it('says to start the archive when none is listening', async () => {
    const failed = await run('npm', ['run', '-s', 'seed:demo', '--', '--server', 'http://127.0.0.1:9'], { cwd: projectRoot, env }).catch((error: { code: number; stderr: string }) => error);
    expect((failed as { code: number }).code).to.equal(1);
    expect((failed as { stderr: string }).stderr).to.include('Start the archive first (npm start)');
  });
});
