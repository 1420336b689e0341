// page.evaluate() callbacks run in the page: they use the DOM.
/// <reference lib="dom" />
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign } from '../support/flows';
import {
  launchBrowser,
  PHONE,
  screenshots,
  tableCellsPastPhoneEdge,
  TestBrowser,
  unexpectedProblems,
  waitForText,
  campaignSite,
  CampaignSite,
  campaignPage,
} from '../support/browser';

jest.setTimeout(240_000);

/**
 * The embeddable sign form (#18), on a plain page of another origin holding only the one-line
 * act.js (and the progress widget): a supporter signs by keyboard, the confirmation email's
 * link opens the confirm page, which confirms only when asked, and the count rises in the
 * embedded form and the widget; the Persian form right to left; the staff dashboard's Actions
 * section and the donor portal's signatures.
 */
describe('sign form (/widget/act.js) on another site, in Chromium', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let site: CampaignSite;
  let siteUrl: string;
  let slug: string;
  let adminKey: string;
  let actionId: string;
  const action = 'write-to-the-un';
  const target = 'UN Working Group on Enforced or Involuntary Disappearances';
  const signer = 'maryam.signer@example.org';

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
    ({ slug } = await createCampaign(app, adminKey, {
      title: 'Release the seven Ashraf hostages',
      goal: { amount: 100_000, currency: 'usd' },
    }));
    const created = await app.http
      .post(`/v1/admin/campaigns/${slug}/actions`)
      .set('Authorization', `Bearer ${adminKey}`)
      .send({
        slug: action,
        title: 'Write to the UN: free the seven hostages',
        description:
          'Seven residents of Camp Ashraf were abducted in 2013. Add your name to our letter.',
        target: { name: target, email: 'wgeid@example.org' },
        letterSubject: 'Urgent appeal: the seven hostages of Camp Ashraf',
        letterBody:
          'Dear members of the Working Group,\n\nWe ask for your urgent intervention on behalf of seven residents of Camp Ashraf, abducted on 1 September 2013.\n\nRespectfully,',
        goal: 10,
        status: 'active',
      });
    if (created.status !== 201)
      throw new Error(`action not created: ${created.status} ${JSON.stringify(created.body)}`);
    actionId = created.body.id;

    // The campaign's own site: another origin (localhost, another port), one line each.
    const page = campaignPage;
    const act = (extra = '') =>
      `<script src="${app.url}/widget/act.js" data-campaign="${slug}" data-action="${action}"${extra}></script>`;
    const pages: Record<string, string> = {
      '/': page(
        `<div data-campaign="${slug}"></div><script src="${app.url}/widget/progress.js" async></script>${act()}`,
      ),
      '/fa': page(act(' data-lang="fa"'), 'fa'),
      '/missing': page(
        `<script src="${app.url}/widget/act.js" data-campaign="${slug}" data-action="no-such-action"></script>`,
      ),
    };
    site = await campaignSite((url) => pages[url.pathname] ?? null);
    siteUrl = site.url;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await app?.close();
  });

  const FRAME = 'iframe[src*="/act/"]';
  /** The failed responses the tests provoke on purpose (problems accumulate across tests). */
  const KNOWN_FAILURES: { status: number; path: string | RegExp }[] = [
    { status: 404, path: /^\/v1\/campaigns\/[^/]+\/actions\/no-such-action$/ },
    { status: 400, path: '/v1/signatures/confirm' },
  ];
  const WIDGET = 'iframe[src*="/widget/embed.html"]';

  async function openForm(path = '/'): Promise<FrameLocator> {
    const { page } = browser;
    await page.goto(`${siteUrl}${path}`);
    await page.locator(FRAME).waitFor();
    const form = page.frameLocator(FRAME);
    await form.locator('form.sign-form').waitFor();
    return form;
  }

  /** Keyboard only (the frame is another site's: no pointer needed, none assumed). */
  async function press(button: Locator) {
    await button.focus();
    await button.press('Enter');
  }
  async function check(box: Locator) {
    await box.focus();
    await box.press('Space');
    expect(await box.isChecked()).toBe(true);
  }

  /** The iframe is as tall as the page inside it (told by postMessage). */
  async function frameFitsContent(page: Page, frame: FrameLocator) {
    await eventually(async () => {
      const outer = await page.locator(FRAME).evaluate((f) => f.getBoundingClientRect().height);
      const inner = await frame
        .locator('#app')
        .evaluate((a) => Math.ceil(a.getBoundingClientRect().height));
      return Math.abs(outer - inner) <= 2;
    }, 5_000);
  }

  async function fitsPhone(page: Page, frame: FrameLocator) {
    const size = page.viewportSize();
    await page.setViewportSize(PHONE);
    try {
      await eventually(async () => {
        const overflow = await frame.locator('html').evaluate((h) => h.scrollWidth - h.clientWidth);
        return overflow <= 1;
      }, 5_000);
    } finally {
      if (size) await page.setViewportSize(size);
    }
  }

  /** The emailed link: /act/confirm, in the language signed in if any, the token in the fragment. */
  const CONFIRM_LINK = /https?:\/\/\S+\/act\/confirm(?:\?lang=[a-z]+)?#token=[\w-]+/;

  const signatureRows = async () =>
    (
      await app.db.query(
        `SELECT status, email, public, display_name, country, comment FROM signatures ORDER BY created_at`,
      )
    ).rows;

  it('signs by keyboard, confirms from the emailed link only when asked, and the embedded count rises', async () => {
    const { page } = browser;
    const form = await openForm();
    await waitForText(form.locator('.signature-count .figures'), /^Signatures: 0 of 10$/);
    // The letter is there to read before signing.
    expect(await form.locator('.letter-body').textContent()).toContain(
      'We ask for your urgent intervention',
    );
    await frameFitsContent(page, form);
    await screenshots(page, 'act-form', () => frameFitsContent(page, form));
    await fitsPhone(page, form);

    // Nothing filled: each field says what is wrong, and the first takes focus.
    await press(form.getByRole('button', { name: 'Sign the letter' }));
    await waitForText(form.locator('.form-status'), /correct the fields/);
    expect(await form.locator('#name').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('#country-error').textContent()).toBe('Choose your country.');
    expect(await form.locator('#name').evaluate((el) => el === document.activeElement)).toBe(true);

    await form.getByLabel('Full name').fill('Maryam Rahimi');
    await form.getByLabel('Email').fill(signer);
    // Country names come from Intl in the page's language.
    await form.getByLabel('Country').selectOption({ label: 'France' });
    await form.getByLabel('Comment (optional)').fill('Free them now.');
    await waitForText(form.locator('#comment-count'), /^14 of 500 characters$/);
    // Private by default: the public name appears only when asked for.
    expect(await form.getByLabel('Name to show (optional)').count()).toBe(0);
    await check(form.getByRole('checkbox', { name: 'Show my name on this page' }));
    await form.getByLabel('Name to show (optional)').fill('Maryam R.');
    const signing = page.waitForRequest(
      (r) => r.method() === 'POST' && /\/signatures$/.test(new URL(r.url()).pathname),
    );
    await press(form.getByRole('button', { name: 'Sign the letter' }));
    // The form tells the API its language (for the confirmation email and its page).
    expect((await signing).postDataJSON()).toMatchObject({ email: signer, lang: 'en' });
    await form.getByRole('heading', { name: 'Check your email' }).waitFor();
    await frameFitsContent(page, form);
    await screenshots(page, 'act-form-check-email', () => frameFitsContent(page, form));

    expect(await signatureRows()).toEqual([
      {
        status: 'pending',
        email: signer,
        public: true,
        display_name: 'Maryam R.',
        country: 'FR',
        comment: 'Free them now.',
      },
    ]);

    const mail = await app.mail.waitFor(
      (m) => m.to.includes(signer) && CONFIRM_LINK.test(m.text ?? ''),
      20_000,
    );
    const link = new URL(CONFIRM_LINK.exec(mail.text ?? '')![0]);
    // Signed on the English form: the confirmation page opens in English.
    expect(link.search).toBe('?lang=en');
    await page.goto(`${app.url}${link.pathname}${link.search}${link.hash}`);
    const confirm = page.getByRole('button', { name: 'Confirm my signature' });
    await confirm.waitFor();
    // Opening the link (as a mail scanner would) confirms nothing; the token leaves the address.
    expect((await signatureRows())[0].status).toBe('pending');
    expect(new URL(page.url()).hash).toBe('');
    await screenshots(page, 'act-confirm');
    await press(confirm);
    await page.getByRole('heading', { name: 'Thank you: your signature counts' }).waitFor();
    await waitForText(page.locator('.confirmed .figures'), /^Signatures: 1 of 10$/);
    expect((await signatureRows())[0]).toMatchObject({ status: 'confirmed', email: null });
    await screenshots(page, 'act-confirmed');
    // The way back to the letter, in the same language.
    const back = page.getByRole('link', { name: 'Back to the letter' });
    expect(await back.getAttribute('href')).toBe(`/act/${slug}/${action}?lang=en`);
    await back.click();
    await page.locator('form.sign-form').waitFor();
    await waitForText(page.locator('.signature-count .figures'), /^Signatures: 1 of 10$/);

    // Back on the campaign's site: the embedded form and the widget count the signature.
    const again = await openForm();
    await waitForText(again.locator('.signature-count .figures'), /^Signatures: 1 of 10$/);
    expect(
      Number(await again.getByRole('progressbar').getAttribute('aria-valuenow')),
    ).toBeGreaterThan(0);
    await waitForText(again.locator('.signers li').first(), /^Maryam R\. · France · /);
    const widget = page.frameLocator(WIDGET);
    await waitForText(widget.locator(`.action[data-action="${action}"]`), /1 of 10 signatures/);
    expect(unexpectedProblems(browser.problems, KNOWN_FAILURES)).toEqual([]);
    expect(browser.external).toEqual([]);
  });

  it('says a used link no longer works, and never confirms twice', async () => {
    const { page } = browser;
    await page.goto(`${app.url}/act/confirm#token=not-a-real-token`);
    await press(page.getByRole('button', { name: 'Confirm my signature' }));
    await waitForText(page.locator('.form-status'), /This link no longer works/);
    // Pressing again cannot help: the button is gone (and no letter is known to link to).
    expect(await page.getByRole('button', { name: 'Confirm my signature' }).count()).toBe(0);
    expect(await page.locator('#app a[href^="/act/"]').count()).toBe(0);
    await screenshots(page, 'act-confirm-used');
    await page.goto(`${app.url}/act/confirm`);
    await waitForText(page.getByRole('alert'), /This link is incomplete/);
    expect(unexpectedProblems(browser.problems, KNOWN_FAILURES)).toEqual([]);
  });

  it('renders the Persian form right to left, countries named in Persian', async () => {
    const { page } = browser;
    const form = await openForm('/fa');
    const html = form.locator('html');
    expect(await html.getAttribute('dir')).toBe('rtl');
    expect(await html.getAttribute('lang')).toBe('fa');
    await form.getByRole('button', { name: 'امضای نامه' }).waitFor();
    // Persian digits, and the form's labels sit on the right.
    await waitForText(form.locator('.signature-count .figures'), /[۰-۹]/);
    const label = await form.locator('label[for="name"]').evaluate((el) => {
      const box = el.getBoundingClientRect();
      return { right: box.right, width: document.documentElement.clientWidth };
    });
    expect(label.width - label.right).toBeLessThan(40);
    const options = await form
      .locator('#country option')
      .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    expect(options).toContain('فرانسه');
    await frameFitsContent(page, form);
    await screenshots(page, 'act-form-fa', () => frameFitsContent(page, form));
    await fitsPhone(page, form);

    // Signing in Persian tells the API so (its email and confirm page follow the form).
    await form.locator('#name').fill('رضا احمدی');
    await form.locator('#email').fill('reza.fa@example.org');
    await form.locator('#country').selectOption({ label: 'فرانسه' });
    const signing = page.waitForRequest(
      (r) => r.method() === 'POST' && /\/signatures$/.test(new URL(r.url()).pathname),
    );
    await press(form.getByRole('button', { name: 'امضای نامه' }));
    expect((await signing).postDataJSON()).toMatchObject({ lang: 'fa' });
    await form.getByRole('heading', { name: 'ایمیل خود را ببینید' }).waitFor();

    // The confirmation page in Persian too (?lang=, else the browser's language), the token
    // still read from the fragment behind the query.
    await page.goto(`${app.url}/act/confirm?lang=fa#token=x`);
    const confirmFa = page.getByRole('button', { name: 'امضای من را تأیید کن' });
    await confirmFa.waitFor();
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(new URL(page.url()).search).toBe('?lang=fa');
    await screenshots(page, 'act-confirm-fa');
    const confirming = page.waitForRequest((r) => r.url().endsWith('/v1/signatures/confirm'));
    await press(confirmFa);
    expect((await confirming).postDataJSON()).toEqual({ token: 'x' });
    await page.locator('.form-status .alert-error').waitFor();
    expect(await confirmFa.count()).toBe(0);
    expect(unexpectedProblems(browser.problems, KNOWN_FAILURES)).toEqual([]);
    expect(browser.external).toEqual([]);
  });

  it('says "not found" for an unknown action', async () => {
    const { page } = browser;
    await page.goto(`${siteUrl}/missing`);
    await page.frameLocator(FRAME).getByRole('heading', { name: 'Letter not found' }).waitFor();
  });

  it('shows staff the Actions section: counts, the letter-version rule, a new action, deliveries', async () => {
    const { page } = browser;
    await page.goto(`${app.url}/admin`);
    await page.getByLabel('Staff API key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const section = page.locator('#actions');
    await section.getByRole('heading', { name: 'Actions' }).waitFor();
    const row = section.locator('tr', { hasText: 'Write to the UN' });
    await waitForText(row.locator('.signatures'), /^1$/);

    // Editing a signed letter says it makes a new version.
    await row.getByRole('button', { name: /^Edit / }).click();
    await waitForText(section.locator('#letter-versioning'), /makes version 2/);
    await screenshots(page, 'admin-action-edit');
    await section.getByRole('button', { name: 'Cancel' }).click();

    await section.getByRole('button', { name: 'New action' }).click();
    await section.getByLabel('Slug (in the page’s address)').fill('protect-the-residents');
    await section.getByLabel('Title').fill('Protect the remaining residents');
    await section.getByLabel('Target’s name (public)').fill('UNHCR');
    await section.getByLabel('Target’s delivery email (staff only)').fill('unhcr@example.org');
    await section.getByLabel('Subject').fill('Protection for the residents');
    await section.getByLabel('Body').fill('Dear High Commissioner,\n\nPlease protect them.');
    await section.getByLabel('Goal (signatures)').fill('500');
    await section.getByRole('button', { name: 'Create action' }).click();
    await waitForText(section.getByRole('status').first(), /created \(draft\)/);
    const { rows } = await app.db.query(
      `SELECT slug, status, goal FROM actions WHERE slug = 'protect-the-residents'`,
    );
    expect(rows).toEqual([{ slug: 'protect-the-residents', status: 'draft', goal: 500 }]);

    await row.getByRole('button', { name: /^Details of / }).click();
    const details = page.locator('#action-details');
    await details.getByRole('heading', { name: /Deliveries to/ }).waitFor();
    // Signatures per day: the chart (uPlot draws on a canvas), its figures as a table.
    await details.locator('.chart canvas').first().waitFor();
    const perDay = await details
      .locator('figure td[data-label="Signatures"]')
      .evaluateAll((cells) => cells.map((c) => Number(c.textContent)));
    expect(perDay.length).toBe(30);
    expect(perDay.reduce((a, b) => a + b, 0)).toBe(1);
    // The one line for the campaign's site, with a button that copies it.
    const embed = `<script src="${app.url}/widget/act.js" data-campaign="${slug}" data-action="${action}"></script>`;
    expect(await details.locator('#action-embed').textContent()).toBe(embed);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: app.url,
    });
    await details.getByRole('button', { name: 'Copy the embed code' }).click();
    await waitForText(details.getByRole('status').first(), /^Copied/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(embed);
    await screenshots(page, 'admin-actions');

    await details.getByRole('button', { name: 'Deliver now…' }).click();
    await page
      .getByRole('dialog')
      .getByText(/signatures confirmed since the action started/)
      .waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Deliver now' }).click();
    // Sent moments later by the job: the list shows it without a reload.
    await waitForText(details.locator('.deliveries tbody tr').first(), /sent.*version 1/, 20_000);
    // Nothing confirmed since: nothing to deliver, and no button offering to.
    await waitForText(details.locator('#nothing-new'), /Nothing new to deliver/);
    expect(await details.getByRole('button', { name: 'Deliver now…' }).count()).toBe(0);
    await screenshots(page, 'admin-actions-delivered');

    // A second supporter signs and confirms; Refresh shows the count and offers a delivery
    // of what came since the last one.
    const second = 'second.signer@example.org';
    await app.http
      .post(`/v1/campaigns/${slug}/actions/${action}/signatures`)
      .send({ name: 'Second Signer', email: second, country: 'DE' })
      .expect(202);
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(second) && CONFIRM_LINK.test(m.text ?? ''),
      20_000,
    );
    const token = /#token=([\w-]+)/.exec(CONFIRM_LINK.exec(mail.text ?? '')![0])![1];
    await app.http.post('/v1/signatures/confirm').send({ token }).expect(200);
    await section.getByRole('button', { name: 'Refresh' }).click();
    await waitForText(row.locator('.signatures'), /^2$/);
    await details.getByRole('button', { name: 'Deliver now…' }).click();
    await page
      .getByRole('dialog')
      .getByText(/signatures confirmed since the last delivery \(/)
      .waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    const fit = await tableCellsPastPhoneEdge(page);
    expect(fit.outside).toEqual([]);
    expect(unexpectedProblems(browser.problems, KNOWN_FAILURES)).toEqual([]);
  });

  it('lists the signer’s signatures in the donor portal, and withdraws one after asking', async () => {
    const { page } = browser;
    const earlier = new Set(app.mail.messages().map((m) => m.id));
    await page.goto(`${app.url}/donor`);
    await page.getByLabel('Email address').fill(signer);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    const mail = await app.mail.waitFor(
      (m) =>
        m.to.includes(signer) && !earlier.has(m.id) && /\/donor\/sign-in#token=/.test(m.text ?? ''),
      15_000,
    );
    const link = new URL(/https?:\/\/\S+\/donor\/sign-in#token=[\w-]+/.exec(mail.text ?? '')![0]);
    await page.goto(`${app.url}${link.pathname}${link.hash}`);
    await page.getByRole('button', { name: 'Confirm sign-in' }).click();
    const section = page.locator('#signatures');
    await section.getByRole('heading', { name: 'Your signatures' }).waitFor();
    const row = section.locator('tr', { hasText: 'Write to the UN' });
    await waitForText(row, /Counted/);
    // Signed, never gave: a neutral heading, and no empty gift, pledge or receipt lists.
    await waitForText(page.getByRole('heading', { level: 1 }), /^Your support/);
    expect(await page.title()).toMatch(/^Your support for /);
    for (const id of ['pledges', 'gifts', 'receipts', 'statements'])
      expect(await page.locator(`#${id}`).count()).toBe(0);
    await waitForText(page.locator('.no-gifts'), /^No gifts yet/);
    await screenshots(page, 'donor-signatures');
    // Erasing says what happens to the signatures.
    await page.getByRole('button', { name: 'Erase my data…' }).click();
    const erase = page.getByRole('dialog', { name: 'Erase your personal data?' });
    await erase.getByText(/your signatures on letters/).waitFor();
    await erase.getByRole('button', { name: 'Cancel' }).click();

    await row.getByRole('button', { name: /^Withdraw your signature/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/stops counting/).waitFor();
    await dialog.getByRole('button', { name: 'Withdraw signature' }).click();
    await waitForText(section.getByRole('status'), /is withdrawn/);
    await waitForText(row, /Withdrawn/);
    expect((await signatureRows())[0].status).toBe('withdrawn');
    const count = await app.http.get(`/v1/campaigns/${slug}/actions/${action}`).expect(200);
    // The second signer's signature (confirmed in the staff test) still counts.
    expect(count.body.signatures).toBe(1);
    expect(unexpectedProblems(browser.problems, KNOWN_FAILURES)).toEqual([]);
    expect(browser.external).toEqual([]);
  });

  it('serves the sign form frameable by any site, the confirm page not, and the loader', async () => {
    const form = await app.http.get(`/act/${slug}/${action}`).expect(200);
    expect(form.headers['x-frame-options']).toBeUndefined();
    expect(form.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(form.headers['content-security-policy']).not.toContain('stripe');
    expect(form.headers['cache-control']).toBe('no-cache');
    const confirm = await app.http.get('/act/confirm').expect(200);
    expect(confirm.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(confirm.headers['content-security-policy']).not.toContain('frame-ancestors *');
    const loader = await app.http.get('/widget/act.js').expect(200);
    expect(loader.headers['content-type']).toMatch(/javascript/);
    expect(loader.text).not.toMatch(/\bimport\b/);
    expect(actionId).toBeTruthy();
  });
});
