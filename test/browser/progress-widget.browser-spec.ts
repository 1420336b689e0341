// page.evaluate() callbacks run in the page: they use the DOM.
/// <reference lib="dom" />
import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, paidDonation } from '../support/flows';
import type { Page } from 'playwright-core';
import {
  launchBrowser,
  SCREENSHOTS,
  screenshots,
  TestBrowser,
  unexpectedProblems,
  waitForText,
  campaignSite,
  CampaignSite,
} from '../support/browser';

jest.setTimeout(120_000);

describe('progress widget (/widget) on another site, in Chromium', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let site: CampaignSite;
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
    site = await campaignSite(
      ({ origin: siteUrl }) =>
        `<!doctype html><html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Free the seven</title></head>
        <body style="font-family: Georgia, serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
          <h1>Free the seven hostages of Camp Ashraf</h1>
          <p>Every gift funds the legal and diplomatic campaign.</p>
          <div id="light" data-campaign="${slug}" data-accent="#c2185b"
               data-donate-url="${siteUrl}/donate" data-donate-label="Give now"></div>
          <div id="dark-site" style="background: #0d1117; padding: 1rem; margin-top: 1rem">
            <div id="dark" data-campaign="${slug}" data-theme="dark"
                 data-donate-url="${siteUrl}/donate"></div>
          </div>
          <script src="${app.url}/widget/progress.js" async></script>
        </body></html>`,
    );
    siteUrl = site.url;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await app?.close();
  });

  it('shows goal, raised and percent with a donate button, and no donor data', async () => {
    const { page } = browser;
    await page.goto(siteUrl);
    const iframe = page.locator('#light iframe[title^="Campaign progress"]');
    await iframe.waitFor();
    const widget = page.frameLocator('#light iframe[title^="Campaign progress"]');
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
    await fitsItsCard(page, 'light');
    await screenshots(page, 'widget');
    expect(unexpectedProblems(browser.problems)).toEqual([]);
    expect(browser.external).toEqual([]);
  });

  /**
   * The frame is as tall as the widget's card, on both themes and at a phone's width: no
   * blank band under the Donate button (the frame starts at 170 px and must shrink too).
   */
  async function fitsItsCard(page: Page, id: 'light' | 'dark', wide = true) {
    const iframe = page.locator(`#${id} iframe`);
    const widget = page.frameLocator(`#${id} iframe`);
    await widget.getByRole('link').waitFor();
    const measure = async () => ({
      frame: await iframe.evaluate((f) => f.getBoundingClientRect().height),
      card: await widget.locator('#widget').evaluate((w) => w.getBoundingClientRect().height),
      // The Donate button's bottom, inside the frame, and the card's padding below it.
      button: await widget.getByRole('link').evaluate((a) => a.getBoundingClientRect().bottom),
    });
    let last = await measure();
    await eventually(async () => {
      last = await measure();
      return Math.abs(last.frame - last.card) <= 2;
    }, 5_000).catch(() => {
      throw new Error(`${id}: frame ${last.frame}px, card ${last.card}px`);
    });
    // At a desktop's width the card is shorter than the frame's first 170 px: it shrank.
    if (wide) expect(last.frame).toBeLessThan(170);
    // 12 px of the card's padding under the button, nothing more.
    expect(last.frame - last.button).toBeGreaterThanOrEqual(10);
    expect(last.frame - last.button).toBeLessThanOrEqual(14);
  }

  it('fits the frame to the card on the dark theme and on a phone, with no blank band', async () => {
    const { page } = browser;
    const dark = page.frameLocator('#dark iframe');
    await waitForText(dark.locator('.raised'), /^\$250\.00$/);
    expect(await dark.getByRole('link', { name: 'Donate' }).count()).toBe(1);
    // The dark card's colours, not the light ones.
    expect(await dark.locator('html').evaluate((h) => getComputedStyle(h).backgroundColor)).toBe(
      'rgb(22, 27, 34)',
    );
    await fitsItsCard(page, 'dark');
    await fitsItsCard(page, 'light');
    // A phone's width wraps the figures: the frames follow.
    await page.setViewportSize({ width: 320, height: 800 });
    try {
      await fitsItsCard(page, 'dark', false);
      await fitsItsCard(page, 'light', false);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    await page.locator('#dark').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/widget-dark.png` });
    expect(unexpectedProblems(browser.problems)).toEqual([]);
  });

  it('can be tried locally on the demo page the API serves (light and dark)', async () => {
    const { page } = browser;
    await page.goto(`${app.url}/widget/demo.html?campaign=${slug}`);
    for (const id of ['demo-light', 'demo-dark']) {
      const widget = page.frameLocator(`#${id} iframe`);
      await waitForText(widget.locator('.raised'), /^\$250\.00$/);
      const frame = await page
        .locator(`#${id} iframe`)
        .evaluate((f) => f.getBoundingClientRect().height);
      const card = await widget
        .locator('#widget')
        .evaluate((w) => w.getBoundingClientRect().height);
      expect(Math.abs(frame - card)).toBeLessThanOrEqual(2);
    }
    expect(await page.locator('#demo-snippet').textContent()).toContain(
      `<div data-campaign="${slug}"`,
    );
    await screenshots(page, 'widget-demo');
    expect(unexpectedProblems(browser.problems)).toEqual([]);
    expect(browser.external).toEqual([]);
  });

  it('shows a tenth of a percent on the bar, and an empty bar only when nothing is raised', async () => {
    const adminKey = await app.createKey('admin');
    const big = await createCampaign(app, adminKey, {
      title: 'Legal fund',
      goal: { amount: 10_000_000, currency: 'usd' },
    });
    const empty = await createCampaign(app, adminKey, { title: 'Not started' });
    await paidDonation(app, big.slug, { amount: 40_000 });
    const { page } = browser;
    await page.goto(`${app.url}/widget/embed.html?campaign=${big.slug}`);
    await waitForText(page.locator('.percent'), /^0\.4%$/);
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('0.4');
    // 0.4 % of the bar is under 2 px: a sliver shows that something is raised.
    expect(
      await page.locator('.fill').evaluate((f) => f.getBoundingClientRect().width),
    ).toBeGreaterThanOrEqual(8);
    await page.goto(`${app.url}/widget/embed.html?campaign=${empty.slug}`);
    await waitForText(page.locator('.percent'), /^0%$/);
    expect(await page.locator('.fill').evaluate((f) => f.getBoundingClientRect().width)).toBe(0);
  });

  it('shows the next goal once the goal is reached, its bar and percent toward it', async () => {
    const adminKey = await app.createKey('admin');
    const growing = await createCampaign(app, adminKey, {
      title: 'Goals that grow',
      goal: { amount: 10_000, currency: 'usd' },
      stretchGoals: [15_000, 30_000],
    });
    await paidDonation(app, growing.slug, { amount: 6000 });
    const { page } = browser;
    await page.goto(`${app.url}/widget/embed.html?campaign=${growing.slug}`);
    // Before the goal: the goal, as a campaign without stretch goals shows it.
    await waitForText(page.locator('.raised'), /^\$60\.00$/);
    expect(await page.locator('.goal').textContent()).toBe('$100.00');
    expect(await page.locator('.percent').textContent()).toBe('60%');
    expect(await page.locator('.next-goal').count()).toBe(0);

    await paidDonation(app, growing.slug, { amount: 4000 });
    await page.reload();
    await waitForText(page.locator('.next-goal'), /^Goal reached — next goal \$150\.00$/);
    expect(await page.locator('.raised').textContent()).toBe('$100.00');
    expect(await page.locator('.goal').textContent()).toBe('$150.00');
    expect(await page.locator('.percent').textContent()).toBe('66.6%');
    const bar = page.getByRole('progressbar');
    expect(await bar.getAttribute('aria-valuenow')).toBe('66.6');
    expect(await bar.getAttribute('aria-label')).toBe(
      'Goals that grow: progress toward the next goal',
    );
    await page.screenshot({ path: `${SCREENSHOTS}/widget-next-goal.png` });

    // Past the last stretch goal: the last goal, full, and that every goal is reached.
    await paidDonation(app, growing.slug, { amount: 20_000 });
    await page.reload();
    await waitForText(page.locator('.next-goal'), /^Every goal reached$/);
    expect(await page.locator('.goal').textContent()).toBe('$300.00');
    expect(await page.locator('.percent').textContent()).toBe('100%');
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    expect(unexpectedProblems(browser.problems)).toEqual([]);
  });

  it('says a closed campaign has closed, with no donate button; its form says so too', async () => {
    const adminKey = await app.createKey('admin');
    const ended = await createCampaign(app, adminKey, { title: 'A campaign that ended' });
    await paidDonation(app, ended.slug, { amount: 3000 });
    await app.http
      .post(`/v1/admin/campaigns/${ended.slug}/close`)
      .set('Authorization', `Bearer ${adminKey}`)
      .send({})
      .expect(200);
    const { page } = browser;
    await page.goto(
      `${app.url}/widget/embed.html?campaign=${ended.slug}&donate=${encodeURIComponent(`${siteUrl}/donate`)}`,
    );
    await waitForText(page.locator('.closed'), /^This campaign has closed\. Thank you\.$/);
    expect(await page.locator('.raised').textContent()).toBe('$30.00');
    expect(await page.locator('a.donate').count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/widget-closed.png` });
    await page.goto(`${app.url}/donate/${ended.slug}`);
    await waitForText(page.getByRole('status'), /This campaign has closed and takes no more gifts/);
    expect(unexpectedProblems(browser.problems)).toEqual([]);
  });

  it('answers /favicon.ico and /favicon.svg, linked from every page', async () => {
    const ico = await app.http.get('/favicon.ico').expect(200);
    expect(ico.headers['content-type']).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
    expect([...(ico.body as Buffer).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    const svg = await app.http.get('/favicon.svg').expect(200);
    expect(svg.headers['content-type']).toMatch(/image\/svg\+xml/);
    for (const path of ['/admin', '/donor', '/widget/embed.html', '/widget/demo.html']) {
      const page = await app.http.get(path).expect(200);
      expect(page.text).toContain('<link rel="icon" href="/favicon.svg"');
    }
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
