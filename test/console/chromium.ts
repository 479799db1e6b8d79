import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, installed by .ci/run. */
export const CHROMIUM = process.env.SCIMD_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a quiet, reproducible headless Chromium that makes no requests of its own. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A browser with a fresh profile of its own; `close` removes the profile. */
export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'scimd-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport,
    timeout: 60_000,
  });
  context.setDefaultTimeout(20_000);
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A fresh browser signed in to the console at `origin` with an admin secret, on the Directories page. */
export async function signedInConsole(origin: string, adminSecret: string): Promise<{ browser: { context: BrowserContext; close(): Promise<void> }; page: Page }> {
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  await page.goto(`${origin}/`);
  await page.getByLabel('Admin secret').fill(adminSecret);
  await page.getByLabel('Admin secret').press('Enter');
  await page.getByRole('heading', { name: 'Directories', level: 1 }).waitFor();
  return { browser, page };
}

/** The admin API at `origin` with an admin secret: each call asserts a 2xx answer and returns its JSON. */
export function adminApi(origin: string, adminSecret: string) {
  return async (method: string, path: string, body?: unknown): Promise<any> => {
    const response = await fetch(`${origin}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminSecret}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
    return response.json();
  };
}
