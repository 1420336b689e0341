import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, progress } from '../support/flows';
import { drillReport, FROM_SOURCES } from '../support/processes';

const ROOT = join(__dirname, '..', '..');

/** The worker as its own process, as in production, so the test can SIGKILL it. */
function startWorker(): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [...FROM_SOURCES, join(ROOT, 'src', 'worker.ts')], {
    cwd: ROOT,
    env: { ...process.env },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, output: () => output };
}

describe('drill: the worker SIGKILLed in the middle of a batch', () => {
  let app: TestApp;
  let worker: ReturnType<typeof startWorker> | undefined;

  beforeAll(async () => {
    // The API in-process; the worker in its own process, restarted by the test.
    app = await startTestApp({
      worker: false,
      env: { SWEEP_INTERVAL_MS: '500', WORKER_LOCK_DURATION_MS: '2000', WORKER_CONCURRENCY: '4' },
    });
  });
  afterAll(async () => {
    worker?.child.kill('SIGKILL');
    await app?.close();
  });

  it('loses and doubles nothing: every payment counted once, every receipt sent once (one Message-ID each)', async () => {
    const { slug } = await createCampaign(app, await app.createKey('admin'));
    const gifts = [];
    for (let i = 0; i < 40; i++)
      gifts.push(await donate(app, slug, { amount: 1000 + i, email: `crash${i}@example.org` }));
    for (const gift of gifts) await app.standIn.succeedPaymentIntent(gift.paymentIntentId);

    worker = startWorker();
    await eventually(async () => app.mail.messages().length >= 5, 60_000, 20);
    worker.child.kill('SIGKILL');
    await new Promise((resolve) => worker!.child.once('exit', resolve));
    const sentBeforeKill = app.mail.messages().length;
    expect(sentBeforeKill).toBeLessThan(40);

    worker = startWorker();
    await eventually(
      async () => {
        const { rows } = await app.db.query(
          `SELECT count(*)::int AS n FROM receipts WHERE send_status = 'sent'`,
        );
        return rows[0].n === 40;
      },
      90_000,
      200,
    );
    await app.standIn.settleDeliveries({ timeout_ms: 20_000 });
    await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT count(*)::int AS n FROM stripe_events WHERE status = 'pending'`,
      );
      return rows[0].n === 0;
    }, 30_000);

    const expected = gifts.reduce((sum, g) => sum + g.amount, 0);
    expect(await progress(app, slug)).toMatchObject({ raised: expected, donationCount: 40 });
    const receipts = (await app.db.query(`SELECT id, number FROM receipts`)).rows as {
      id: string;
      number: string;
    }[];
    expect(receipts).toHaveLength(40);
    const mails = app.mail.messages().filter((m) => /^Your receipt /.test(m.subject));
    const events = (
      await app.db.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE status IN ('processed', 'ignored'))::int AS p FROM stripe_events`,
      )
    ).rows[0];
    const distinct = new Set(mails.map((m) => m.messageId)).size;
    drillReport({
      drill: 'worker SIGKILLed mid-batch, restarted',
      eventsSent: (await app.standIn.events()).length,
      stored: events.n,
      processed: events.p,
      receipts: distinct,
      lost: receipts.length - distinct,
      // Two different emails for one receipt; a resend of the same Message-ID is one message.
      doubled: receipts.filter(
        (r) =>
          new Set(
            mails.filter((m) => m.subject === `Your receipt ${r.number}`).map((m) => m.messageId),
          ).size > 1,
      ).length,
    });
    // A kill between SMTP's acceptance and the sent marker can make the next worker send that
    // receipt again; it carries the same Message-ID, so the donor's mail system shows it once.
    for (const receipt of receipts) {
      const ids = new Set(
        mails.filter((m) => m.subject === `Your receipt ${receipt.number}`).map((m) => m.messageId),
      );
      expect({ receipt: receipt.number, messageIds: [...ids] }).toEqual({
        receipt: receipt.number,
        messageIds: [`<receipt-${receipt.id}@localhost>`],
      });
    }
    // Only a receipt in flight at the moment of the kill can be sent twice.
    expect(mails.length - receipts.length).toBeLessThanOrEqual(4);
  }, 180_000);
});
