// page.evaluate() callbacks run in the page: they use the DOM.
/// <reference lib="dom" />
import { createServer, Server } from 'node:http';
import { eventually, freePort, startTestApp, TestApp } from '../support/harness';
import { createCampaign, paidDonation } from '../support/flows';
import {
  launchBrowser,
  screenshots,
  TestBrowser,
  unexpectedProblems,
  waitForText,
} from '../support/browser';

jest.setTimeout(120_000);

describe('progress widget (/widget) on another site, in Chromium', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let site: Server;
  let siteUrl: string;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    const adminKey = await app.createKey('admin');
    ({ slug } = await createCampaign(app, adminKey, {
      title: 'Release the seven Ashraf hostages',
      goal: { amount: 1_000_000, currency: 'usd' },
    }));
    await paidDonation(app, slug, { amount: 25_000, name: 'Named Donor', message: 'Free them' });

    // A campaign's own site: another origin (localhost, another port), plain HTML.
    const port = await freePort();
    siteUrl = `http://localhost:${port}`;
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Free the seven</title></head>
      <body style="font-family: Georgia, serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
        <h1>Free the seven hostages of Camp Ashraf</h1>
        <p>Every gift funds the legal and diplomatic campaign.</p>
        <div data-campaign="${slug}" data-accent="#c2185b" data-donate-url="${siteUrl}/donate"
             data-donate-label="Give now"></div>
        <script src="${app.url}/widget/progress.js" async></script>
      </body></html>`;
    site = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(html);
    });
    await new Promise<void>((resolve) => site.listen(port, '127.0.0.1', resolve));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await app?.close();
  });

  it('shows goal, raised and percent with a donate button, and no donor data', async () => {
    const { page } = browser;
    await page.goto(siteUrl);
    const iframe = page.locator('iframe[title^="Campaign progress"]');
    await iframe.waitFor();
    const widget = page.frameLocator('iframe[title^="Campaign progress"]');
    await waitForText(widget.locator('.raised'), /^\$250\.00$/);
    expect(await widget.locator('.goal').textContent()).toBe('$10,000.00');
    expect(await widget.locator('.percent').textContent()).toBe('2.5%');
    expect(await widget.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('2.5');
    const donate = widget.getByRole('link', { name: 'Give now' });
    expect(await donate.getAttribute('href')).toBe(`${siteUrl}/donate`);
    // The accent attribute styles the button.
    expect(await donate.evaluate((a) => getComputedStyle(a).backgroundColor)).toBe(
      'rgb(194, 24, 91)',
    );
    const text = (await widget.locator('body').textContent()) ?? '';
    expect(text).not.toContain('Named Donor');
    expect(text).not.toContain('Free them');
    // The iframe takes its content's height (the widget tells it by postMessage).
    const frame = page.frames().find((f) => f.url().includes('/widget/embed.html'))!;
    await eventually(async () => {
      const content = await frame.evaluate(() => document.documentElement.scrollHeight);
      const box = await iframe.evaluate((f) => f.getBoundingClientRect().height);
      return Math.abs(box - content) <= 1;
    });
    await screenshots(page, 'widget');
    expect(unexpectedProblems(browser.problems)).toEqual([]);
    expect(browser.external).toEqual([]);
  });

  it('may be framed by any site; the dashboard and portal may not', async () => {
    const embed = await app.http.get(`/widget/embed.html?campaign=${slug}`).expect(200);
    expect(embed.headers['x-frame-options']).toBeUndefined();
    expect(embed.headers['content-security-policy']).toContain('frame-ancestors *');
    const script = await app.http.get('/widget/progress.js').expect(200);
    expect(script.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(script.headers['content-type']).toMatch(/javascript/);
    for (const path of ['/admin', '/admin/anything', '/donor', '/donor/sign-in']) {
      const res = await app.http.get(path).expect(200);
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'self'");
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    // Bull Board's /admin/queues is not the dashboard's to answer.
    const queues = await app.http.get('/admin/queues');
    expect(queues.text).not.toContain('<title>Staff dashboard</title>');
    // The JSON API is as it was.
    const api = await app.http.get('/v1/campaigns').expect(200);
    expect(api.headers['content-type']).toMatch(/application\/json/);
  });
});
