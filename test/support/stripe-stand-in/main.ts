/**
 * Runs the Stripe stand-in on its own (offline demo, docker compose):
 *   node dist/test/support/stripe-stand-in/main.js
 *
 * Environment:
 *   STRIPE_STAND_IN_PORT            port to listen on (default 12111)
 *   STRIPE_STAND_IN_HOST            interface (default 127.0.0.1; 0.0.0.0 in a container)
 *   STRIPE_STAND_IN_PUBLIC_URL      base URL browsers use for Checkout pages (default own URL)
 *   STRIPE_STAND_IN_WEBHOOK_URL     optional: register one webhook endpoint at this URL ...
 *   STRIPE_STAND_IN_WEBHOOK_SECRET  ... signed with this secret (required with the URL)
 *   STRIPE_STAND_IN_LOG_REQUESTS    "true": log one line per request (method, path, status)
 *   STRIPE_STAND_IN_LATENCY_MS      delay of every API call: ms ("250") or a uniform range
 *                                   ("100-400"); default 0. Not control routes nor webhooks.
 */
import { describeLatency, parseStandInLatency, StandInLatency } from './latency';
import { startStripeStandIn } from './stand-in.server';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function port(value: string | undefined): number {
  if (value === undefined || value === '') return 12111;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65535) {
    fail(`STRIPE_STAND_IN_PORT must be a port number (0-65535), got "${value}"`);
  }
  return number;
}

function latency(value: string | undefined): StandInLatency {
  try {
    return parseStandInLatency(value, 'STRIPE_STAND_IN_LATENCY_MS');
  } catch (error) {
    return fail((error as Error).message);
  }
}

async function main(): Promise<void> {
  const env = process.env;
  const latencyMs = latency(env.STRIPE_STAND_IN_LATENCY_MS);
  const webhookUrl = env.STRIPE_STAND_IN_WEBHOOK_URL || undefined;
  const webhookSecret = env.STRIPE_STAND_IN_WEBHOOK_SECRET || undefined;
  if (webhookUrl && !webhookSecret) {
    fail('STRIPE_STAND_IN_WEBHOOK_SECRET is required when STRIPE_STAND_IN_WEBHOOK_URL is set');
  }
  const standIn = await startStripeStandIn({
    port: port(env.STRIPE_STAND_IN_PORT),
    host: env.STRIPE_STAND_IN_HOST || undefined,
    publicUrl: env.STRIPE_STAND_IN_PUBLIC_URL || undefined,
    webhooks: webhookUrl && webhookSecret ? [{ url: webhookUrl, secret: webhookSecret }] : [],
    // Ids, paths and statuses only: never bodies, query strings or personal data.
    log: (line) => process.stdout.write(`[stripe-stand-in] ${line}\n`),
    logRequests: env.STRIPE_STAND_IN_LOG_REQUESTS === 'true',
    latencyMs,
  });
  process.stdout.write(`Stripe stand-in listening on ${standIn.url} (payments are simulated)\n`);
  const delay = describeLatency(latencyMs);
  if (delay !== 'none') process.stdout.write(`API calls answered after ${delay}\n`);
  const stop = () => {
    standIn.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
