/**
 * The floor the webhook is measured against: plain node:http, the raw body, the same
 * signature check as the API (`stripe.webhooks.constructEvent` against every secret, 300 s
 * tolerance), one INSERT of the event, 200. No framework, no queue.
 * Env: PORT, DATABASE_URL, STRIPE_WEBHOOK_SECRETS.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'pg';
import Stripe from 'stripe';

const secrets = (process.env.STRIPE_WEBHOOK_SECRETS ?? '').split(',').filter(Boolean);
const stripe = new Stripe('sk_test_minimal_receiver');
// The same pool size as the API's TypeORM pool.
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });

function verify(raw: Buffer, signature: string | undefined): Stripe.Event | null {
  if (!signature) return null;
  for (const secret of secrets) {
    try {
      return stripe.webhooks.constructEvent(raw, signature, secret, 300);
    } catch {
      continue;
    }
  }
  return null;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/webhook') return answer(res, 404, {});
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const event = verify(Buffer.concat(chunks), req.headers['stripe-signature'] as string);
  if (!event) return answer(res, 400, { error: 'bad signature' });
  try {
    await pool.query(
      `INSERT INTO bench_webhook_events (id, type, payload) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
      [event.id, event.type, JSON.stringify(event)],
    );
  } catch {
    return answer(res, 503, { error: 'not stored' });
  }
  answer(res, 200, { received: true });
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => answer(res, 500, {}));
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});
