// Shared helpers for Baken's browser tests: start a Baken server with demo data, launch
// Chromium through playwright-core, log in, and check a page for accessibility violations.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import AxeBuilder from '@axe-core/playwright';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

/** The Baken binary under test. */
export const BAKEN_BIN = process.env.BAKEN_BIN || path.join(repoRoot, 'target', 'debug', 'baken');

/** The password of the demo users (handed to Baken as BAKEN_DEMO_PASSWORD). */
export const DEMO_PASSWORD = 'Baken-demo-2026';

const STARTUP_TIMEOUT_MS = 180_000;

/** Asks the OS for a free TCP port on 127.0.0.1. */
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `baken serve --demo` in a fresh temporary directory and waits until /healthz answers.
 * Returns { baseURL, stop }; stop() ends the process and removes the directory.
 */
export async function startBaken() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'baken-e2e-'));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const args = [
    'serve',
    '--demo',
    '--addr', `127.0.0.1:${port}`,
    '--database', `sqlite://${dir}/baken.db`,
    '--audit-key-file', `${dir}/audit.key`,
    '--data-key-file', `${dir}/data.key`,
  ];
  const child = spawn(BAKEN_BIN, args, {
    cwd: dir,
    env: { ...process.env, BAKEN_DEMO_PASSWORD: DEMO_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  // Keep the last part of Baken's output, to explain a failed start.
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  let spawnError = null;
  child.on('error', (err) => {
    spawnError = err;
  });
  // If the test process ends without calling stop(), do not leave Baken running.
  const killOnExit = () => {
    if (exited === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const stop = async () => {
    if (exited === null && !spawnError) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (exited === null) child.kill('SIGKILL');
      }, 5_000);
      await exitPromise;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`could not start ${BAKEN_BIN}: ${spawnError.message}`);
    }
    if (exited !== null) {
      await stop();
      throw new Error(
        `Baken exited during start-up (code ${exited.code}, signal ${exited.signal}):\n${output}`,
      );
    }
    try {
      const res = await fetch(`${baseURL}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Baken did not answer /healthz within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return { baseURL, stop, output: () => output };
}

/** Launches headless Chromium (the system one; playwright-core downloads no browser). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** A fresh browser context (no cookies) with a Dutch locale, for one test. */
export async function newContext(browser, baseURL) {
  const context = await browser.newContext({ locale: 'nl-NL', baseURL });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

/**
 * Runs axe-core on the page (WCAG 2.0/2.1 A and AA) and fails on any violation of impact
 * 'serious' or 'critical', listing each with its id, impact, help text and target selectors.
 */
export async function checkA11y(page, label) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad
    .map((v) => {
      const targets = v.nodes
        .map((n) => {
          const why = (n.failureSummary ?? '').split('\n').slice(1).join(' ').trim();
          return `    - ${JSON.stringify(n.target)}${why ? `: ${why}` : ''}`;
        })
        .join('\n');
      return `  [${v.id}] (${v.impact}) ${v.help}\n${targets}`;
    })
    .join('\n');
  assert.equal(
    bad.length,
    0,
    `accessibility violations on ${label} (${page.url()}):\n${report}`,
  );
}

/** Navigates with page.goto and checks the resulting page's accessibility. */
export async function visit(page, url, label = url) {
  const response = await page.goto(url);
  await checkA11y(page, label);
  return response;
}

/**
 * Logs in on the current login page with the given labels (Dutch by default) and waits until
 * the browser has left the login page.
 */
export async function login(page, email, password = DEMO_PASSWORD, labels = {}) {
  const {
    email: emailLabel = 'E-mailadres',
    password: passwordLabel = 'Wachtwoord',
    submit = 'Inloggen',
  } = labels;
  await page.getByLabel(emailLabel, { exact: true }).fill(email);
  await page.getByLabel(passwordLabel, { exact: true }).fill(password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/inloggen')),
    page.getByRole('button', { name: submit, exact: true }).click(),
  ]);
}

/** Opens /inloggen, logs in as the given user, and checks both pages' accessibility. */
export async function loginAs(page, email, password = DEMO_PASSWORD) {
  await visit(page, '/inloggen', 'login page');
  await login(page, email, password);
  await checkA11y(page, `home page after login as ${email}`);
}

/** Asserts that a locator eventually satisfies a condition (polls, no fixed sleeps). */
export async function expectVisible(locator, message) {
  try {
    await locator.first().waitFor({ state: 'visible' });
  } catch (err) {
    assert.fail(`${message ?? 'expected element to be visible'}: ${err.message.split('\n')[0]}`);
  }
}
