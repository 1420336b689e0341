// page.evaluate() callbacks run in the page: they use the DOM.
/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { freePort } from './harness';

/**
 * Debian's Chromium, headless, driven by playwright-core (Playwright's own browser download
 * cannot work on these machines). One browser per test file; a fresh profile each time.
 */

export const SCREENSHOTS = resolve(__dirname, '..', '..', 'test-results', 'screenshots');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors and failed requests the pages caused (CSP violations included). */
  problems: string[];
  /** Requests that left 127.0.0.1 (there must be none: the machine's network is closed). */
  external: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(
      `Chromium is missing: ${executablePath} does not exist, so the browser tests cannot run. ` +
        'Install Debian’s chromium package (bash scripts/ensure-chromium.sh, as root or with ' +
        'sudo) or point CHROMIUM_PATH at a Chromium binary.',
    );
  const profile = mkdtempSync(join(tmpdir(), 'pledges-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    acceptDownloads: true,
    viewport: DESKTOP,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const problems: string[] = [];
  const external: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      // The URL tells which request failed ("Failed to load resource" does not say).
      const url = m.location().url;
      if (m.type() === 'error') problems.push(`console: ${m.text()}${url ? ` [${url}]` : ''}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  };
  context.on('page', watch);
  context.on('request', (r) => {
    const host = new URL(r.url()).hostname;
    if (!['127.0.0.1', 'localhost'].includes(host) && !r.url().startsWith('blob:'))
      external.push(r.url());
  });
  // Nothing leaves the machine: anything not local is refused before it is sent.
  await context.route(
    (url) => !['127.0.0.1', 'localhost'].includes(url.hostname) && url.protocol !== 'blob:',
    (route) => route.abort('blockedbyclient'),
  );
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  return {
    context,
    page,
    problems,
    external,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Saves `<name>.png` at desktop width and `<name>-phone.png` at a phone's width. `settle`, when
 * given, runs after each change of width, before the shot (an embedded form's frame takes its
 * new height by postMessage a moment after the width changes). A page that embeds another
 * site's frame is shot with a viewport as tall as the page: Chromium paints an out-of-process
 * frame only where the viewport is, so a full-page shot would show it cut off at the fold.
 */
export async function screenshots(
  page: Page,
  name: string,
  settle?: () => Promise<void>,
): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize() ?? DESKTOP;
  const shoot = async (viewport: { width: number; height: number }, file: string) => {
    await page.setViewportSize(viewport);
    await settle?.();
    if (settle) {
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      if (height > viewport.height) await page.setViewportSize({ ...viewport, height });
    }
    await page.screenshot({ path: join(SCREENSHOTS, file), fullPage: true });
  };
  await shoot(DESKTOP, `${name}.png`);
  await page.setViewportSize(PHONE);
  // A phone must not scroll sideways: the page fits its width.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  if (overflow > 1) throw new Error(`${name}: ${overflow}px wider than a phone's screen`);
  await shoot(PHONE, `${name}-phone.png`);
  await page.setViewportSize(size);
}

/**
 * At a phone's width, the table cells (and what is in them: a Download PDF button, say) that
 * reach past the screen's right edge or are cut off inside their table's scroll box. None may:
 * on a phone each row is a card. Also how many cells it looked at, so that a page whose tables
 * have not loaded yet cannot pass for one that fits.
 */
export async function tableCellsPastPhoneEdge(
  page: Page,
): Promise<{ cells: number; outside: string[] }> {
  const size = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(PHONE);
  try {
    return await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const outside: string[] = [];
      let cells = 0;
      for (const td of Array.from(document.querySelectorAll('main td'))) {
        const box = td.getBoundingClientRect();
        if (!box.width && !box.height) continue; // an empty cell takes no line on a phone
        // uPlot draws a chart's legend as a table, inside the chart (an image to screen readers).
        if (td.closest('[role="img"]')) continue;
        cells++;
        const wrap = td.closest('.table-wrap');
        const edge = Math.min(width, wrap ? wrap.getBoundingClientRect().right : width);
        for (const el of [td, ...Array.from(td.querySelectorAll('*'))]) {
          const right = el.getBoundingClientRect().right;
          if (right > edge + 0.5)
            outside.push(
              `${td.getAttribute('data-label') ?? '?'} "${(el.textContent ?? '').trim().slice(0, 30)}": right ${Math.round(right)} > ${Math.round(edge)}`,
            );
        }
      }
      return { cells, outside };
    });
  } finally {
    await page.setViewportSize(size);
  }
}

/** Waits until the locator's text matches (the pages load and refresh asynchronously). */
export async function waitForText(
  locator: import('playwright-core').Locator,
  expected: RegExp,
  timeoutMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = (
      (await locator
        .first()
        .textContent({ timeout: 1_000 })
        .catch(() => null)) ?? ''
    ).trim();
    if (expected.test(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`text ${JSON.stringify(last)} still does not match ${expected}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A failed response a test provokes on purpose: its status, and its URL's path. */
export interface ExpectedFailure {
  status: number;
  /** The path (no query), exactly, or a pattern for it. */
  path: string | RegExp;
}

const FAILED_LOAD =
  /^console: Failed to load resource: the server responded with a status of (\d{3})\b.* \[(.+)\]$/;

/**
 * The problems left once the failed responses the test declares (a wrong key's 401 on
 * /v1/admin/me, say) are set aside. Any other failed response, console error or page error
 * stays: a 4xx the test did not ask for is a bug it must see.
 */
export function unexpectedProblems(problems: string[], expected: ExpectedFailure[] = []): string[] {
  return problems.filter((problem) => {
    const failed = FAILED_LOAD.exec(problem);
    if (!failed) return true;
    const status = Number(failed[1]);
    const path = new URL(failed[2]).pathname;
    return !expected.some(
      (e) =>
        e.status === status && (typeof e.path === 'string' ? e.path === path : e.path.test(path)),
    );
  });
}

/** A campaign site's plain page: its heading, then `body` (the one line a site pastes). */
export function campaignPage(body: string, lang = 'en'): string {
  return `<!doctype html><html lang="${lang}"><head>
    <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Free the seven</title></head>
    <body style="font-family: Georgia, serif; max-width: 48rem; margin: 1rem auto; padding: 0 1rem">
      <h1>Free the seven hostages of Camp Ashraf</h1>
      ${body}
    </body></html>`;
}

/** A campaign's own site, for embedding tests: another origin than the API's. */
export interface CampaignSite {
  /** http://localhost:<port>: localhost, where the API is 127.0.0.1, and a port of its own. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a campaign's plain HTML site from another origin: `page` answers each URL with its
 * HTML, or null for a 404.
 */
export async function campaignSite(page: (url: URL) => string | null): Promise<CampaignSite> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const server = createServer((req, res) => {
    const html = page(new URL(req.url ?? '/', url));
    res.writeHead(html === null ? 404 : 200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
