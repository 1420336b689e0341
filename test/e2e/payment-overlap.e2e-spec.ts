import { createServer, IncomingMessage, request as httpRequest, Server } from 'node:http';
import { INestApplicationContext } from '@nestjs/common';
import { createWorker } from '../../src/bootstrap';
import { eventually, freePort, startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, ledger, progress } from '../support/flows';

/**
 * Between the worker and the Stripe stand-in, at the HTTP boundary: forwards every request at
 * once, and can hold the answer to one (the answer as Stripe gave it then, handed over later),
 * as a slow network would.
 */
class HoldingProxy {
  private server?: Server;
  private holdPath?: string;
  private held?: () => void;
  heldOnce = false;
  url = '';

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    const port = await freePort();
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const upstream = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (answer: IncomingMessage) => {
            const body: Buffer[] = [];
            answer.on('data', (c: Buffer) => body.push(c));
            answer.on('end', () => {
              const send = () => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                res.end(Buffer.concat(body));
              };
              const hold =
                !this.heldOnce && this.holdPath && req.method === 'GET'
                  ? req.url?.startsWith(this.holdPath)
                  : false;
              if (!hold) return send();
              this.heldOnce = true;
              this.held = send;
            });
          },
        );
        upstream.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Holds the answer to the next GET whose path starts with `path`. */
  holdNext(path: string): void {
    this.holdPath = path;
  }

  release(): void {
    this.held?.();
    this.held = undefined;
  }

  async close(): Promise<void> {
    this.release();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('two jobs for one payment overlap: the newer state wins, nothing waits on Stripe', () => {
  let app: TestApp;
  let adminKey: string;
  let proxy: HoldingProxy;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    app = await startTestApp();
    adminKey = await app.createKey('admin');
    proxy = new HoldingProxy(app.standIn.url);
    await proxy.start();
    // The worker reaches Stripe through the proxy; the API and the test straight.
    const direct = process.env.STRIPE_API_URL;
    process.env.STRIPE_API_URL = proxy.url;
    worker = await createWorker({ destination: { write: () => undefined } });
    process.env.STRIPE_API_URL = direct;
  });
  afterAll(async () => {
    await proxy?.close();
    await worker?.close();
    await app?.close();
  });

  const eventStatus = async (type: string, objectId: string) => {
    const { rows } = await app.db.query(
      `SELECT status FROM stripe_events WHERE type = $1 AND payload::text LIKE '%' || $2 || '%'`,
      [type, objectId],
    );
    return rows[0]?.status as string | undefined;
  };

  it('a refund applied while an older fetch of the payment is slow stays applied', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const gift = await donate(app, slug, { amount: 3000 });
    // The success event's job reads the PaymentIntent, and its answer (succeeded, no refund)
    // is held on the way back.
    proxy.holdNext(`/v1/payment_intents/${gift.paymentIntentId}`);
    await app.standIn.succeedPaymentIntent(gift.paymentIntentId);
    await eventually(async () => proxy.heldOnce, 15_000);

    // Meanwhile the payment is refunded at Stripe: its event's job runs to the end, though the
    // first job's Stripe call has not come back (no lock or connection is held while it waits).
    await app.stripe.refunds.create({ payment_intent: gift.paymentIntentId });
    await eventually(
      async () => (await eventStatus('charge.refunded', gift.paymentIntentId)) === 'processed',
      15_000,
    );
    const refunded = async () =>
      (
        await app.db.query(`SELECT status, refunded_amount::int FROM donations WHERE id = $1`, [
          gift.donationId,
        ])
      ).rows[0];
    expect(await refunded()).toEqual({ status: 'succeeded', refunded_amount: 3000 });

    // The first job now gets its older answer: it must not undo the refund.
    proxy.release();
    await eventually(
      async () =>
        (await eventStatus('payment_intent.succeeded', gift.paymentIntentId)) === 'processed',
      15_000,
    );
    expect(await refunded()).toEqual({ status: 'succeeded', refunded_amount: 3000 });
    const entries = await ledger(app, gift.donationId);
    expect(entries.filter((e) => e.kind === 'charge').map((e) => e.amount)).toEqual([3000]);
    expect(entries.filter((e) => e.kind === 'refund').map((e) => e.amount)).toEqual([-3000]);
    expect((await progress(app, slug)).raised).toBe(0);
  });
});
