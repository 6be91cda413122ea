// Drives the system Chromium (Debian's /usr/bin/chromium; CI installs it with apt) through
// playwright-core, each browser on a fresh temporary profile, and saves screenshots for review.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { emptyUploads, resetDatabase, startTestApp, type TestApp } from '../support/app';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Every JavaScript dialog (alert/confirm/prompt) the pages opened; an XSS payload that ran lands here. */
  dialogs: string[];
  /** Uncaught errors in the pages' own scripts. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openBrowser(options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'archive-e2e-profile-'));
  // A persistent context is how playwright takes a profile folder; it is fresh and removed on close.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: options.viewport ?? { width: 1280, height: 900 },
  });
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  context.on('page', (page) => watch(page, dialogs, pageErrors));
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page, dialogs, pageErrors);
  return {
    context,
    page,
    dialogs,
    pageErrors,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

const watched = new WeakSet<Page>();

function watch(page: Page, dialogs: string[], pageErrors: string[]): void {
  if (watched.has(page)) return;
  watched.add(page);
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs in through the login page, as a person does. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#l-email', email);
  await page.fill('#l-password', password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('button[type=submit]')]);
}

export interface E2eSuite {
  app: TestApp;
  /** The account the suite's browser is signed in with (a verifier). */
  account: { email: string; password: string; name: string };
  browser: BrowserSession;
  /** A temporary folder for files the tests make. */
  scratch: string;
}

/**
 * Registers a suite's before/after hooks: a test app on an empty database, a scratch folder and a
 * browser; all removed afterwards. The returned object is filled in by the time the tests run.
 */
export function e2eSuite(scratchPrefix: string): E2eSuite {
  const suite = {} as E2eSuite;
  before(async () => {
    suite.app = await startTestApp();
    await resetDatabase();
    suite.scratch = await mkdtemp(path.join(os.tmpdir(), scratchPrefix));
    suite.browser = await openBrowser();
    suite.account = await suite.app.accountWithPassword('verifier', 'Vera Verifier');
    await signIn(suite.browser.page, suite.app.url, suite.account.email, suite.account.password);
  });
  after(async () => {
    await suite.browser?.close();
    await resetDatabase();
    if (suite.app) {
      await emptyUploads(suite.app);
      await suite.app.close();
    }
    if (suite.scratch) await rm(suite.scratch, { recursive: true, force: true });
  });
  return suite;
}
