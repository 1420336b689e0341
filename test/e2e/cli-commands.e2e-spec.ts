import { runCli } from '../support/cli';
import { createCampaign, donate, paidDonation, progress, settled } from '../support/flows';
import { startTestApp, TestApp } from '../support/harness';

/**
 * The operator commands as the README shows them (`npm run cli -- …`), each a process of its
 * own against this file's database, the Stripe stand-in and the mail catcher, with the worker
 * running beside them. Asserted: what the operator reads and the exit code, and what changed
 * for everyone else (events stored, mail sent, totals repaired).
 */
describe('npm run cli: stripe:sync, statements:send, reconcile', () => {
  let app: TestApp;
  let slug: string;
  const year = new Date().getUTCFullYear();
  // The process environment the test app runs with (database, Redis, stand-in, catcher).
  const cli = (...args: string[]) => runCli(args, { ...process.env });

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    ({ slug } = await createCampaign(app, await app.createKey('admin')));
  });
  afterAll(() => app?.close());

  it('stripe:sync --since stores and processes the events Stripe never delivered', async () => {
    const gift = await donate(app, slug, { amount: 4200 });
    await settled(app);
    const delivered = new Set((await app.standIn.events()).map((e) => e.id));
    await app.standIn.pauseDeliveries();
    await app.standIn.succeedPaymentIntent(gift.paymentIntentId);
    // Everything the payment caused at Stripe: lost on the way.
    const lost = (await app.standIn.events()).filter((e) => !delivered.has(e.id));
    expect(lost.length).toBeGreaterThan(0);
    for (const e of lost) await app.standIn.dropEvent(e.id);
    await app.standIn.resumeDeliveries();
    await settled(app);
    expect((await progress(app, slug)).raised).toBe(0);

    const since = new Date(Date.now() - 3600_000).toISOString().slice(0, 10);
    const run = await cli('stripe:sync', '--since', since);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(
      new RegExp(
        `^looked at \\d+ events since ${since}T00:00:00.000Z: ${lost.length} were missing and are now stored and queued$`,
      ),
    );
    const { rows } = await app.db.query(`SELECT id FROM stripe_events WHERE id = ANY($1)`, [
      lost.map((e) => e.id),
    ]);
    expect(rows).toHaveLength(lost.length);
    await settled(app);
    expect((await progress(app, slug)).raised).toBe(4200);

    const again = await cli('stripe:sync', '--since', since);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/: 0 were missing/);

    const bad = await cli('stripe:sync', '--since', 'last week');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      '--since must be a date such as 2026-11-01 or 2026-11-01T12:00:00Z',
    );
  });

  it('statements:send --year emails each donor of the year one statement', async () => {
    const email = 'cli-statement@example.org';
    await paidDonation(app, slug, { amount: 5000, email, name: 'Yearly Giver' });

    const run = await cli('statements:send', '--year', String(year));
    expect(run.code).toBe(0);
    const queued = Number(/^queued (\d+) year-end statements for (\d+)$/m.exec(run.stdout)?.[1]);
    expect(queued).toBeGreaterThanOrEqual(1);
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(email) && m.subject === `Your ${year} giving statement`,
      20_000,
    );
    expect(mail.attachments[0].filename).toMatch(/\.pdf$/);
    const { rows } = await app.db.query(
      `SELECT staff_key_name, action, status_code FROM audit_log WHERE action = 'cli statements:send'`,
    );
    expect(rows).toEqual([
      { staff_key_name: 'cli', action: 'cli statements:send', status_code: 200 },
    ]);

    const bad = await cli('statements:send', '--year', '26');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('--year must be a year such as 2026');
  });

  it('reconcile reports drift with exit code 3; reconcile --fix repairs the totals', async () => {
    const clean = await cli('reconcile');
    expect(clean.code).toBe(0);
    expect(clean.stdout.trim()).toBe('no drift: totals match the ledger');

    const before = await progress(app, slug);
    const {
      rows: [campaign],
    } = await app.db.query(`SELECT id FROM campaigns WHERE slug = $1`, [slug]);
    // A total that no longer matches the ledger (as a bug or a hand edit would leave it).
    await app.db.query(
      `UPDATE campaign_progress SET raised = raised + 100 WHERE campaign_id = $1`,
      [campaign.id],
    );
    expect((await progress(app, slug)).raised).toBe(before.raised + 100);

    const drift = await cli('reconcile');
    expect(drift.code).toBe(3);
    expect(drift.stdout.trim().split('\n')).toEqual([
      `drift  campaign ${campaign.id}  raised  stored ${before.raised + 100}  ledger ${before.raised}`,
      '1 totals drift: run with --fix to repair',
    ]);
    // Reporting repairs nothing.
    expect((await progress(app, slug)).raised).toBe(before.raised + 100);

    const fix = await cli('reconcile', '--fix');
    expect(fix.code).toBe(0);
    expect(fix.stdout.trim().split('\n')).toEqual([
      `drift  campaign ${campaign.id}  raised  stored ${before.raised + 100}  ledger ${before.raised}`,
      'repaired 1 totals from the ledger',
    ]);
    expect((await progress(app, slug)).raised).toBe(before.raised);

    const after = await cli('reconcile');
    expect(after.code).toBe(0);
    expect(after.stdout.trim()).toBe('no drift: totals match the ledger');
  });
});
