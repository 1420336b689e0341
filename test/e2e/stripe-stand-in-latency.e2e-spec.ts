/**
 * The Stripe stand-in at Stripe's speed: `latencyMs` (STRIPE_STAND_IN_LATENCY_MS when it runs
 * on its own) delays every API call, never the control routes nor the webhooks. Latencies are
 * short (150-400 ms) so the file stays fast; only lower bounds are timed strictly, upper ones
 * loosely, as a busy machine can only make an answer later.
 */
import { spawn } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Stripe from 'stripe';
import {
  connectStripeStandIn,
  describeLatency,
  parseStandInLatency,
  startStripeStandIn,
  StripeStandIn,
} from '../support/stripe-stand-in';

const ROOT = join(__dirname, '..', '..');
const VARIABLE = 'STRIPE_STAND_IN_LATENCY_MS';

const sdk = (url: string) => {
  const { hostname, port } = new URL(url);
  return new Stripe('sk_test_latency', {
    host: hostname,
    port: Number(port),
    protocol: 'http',
    maxNetworkRetries: 0,
  });
};

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await call();
  return { value, ms: performance.now() - started };
}

describe('Stripe stand-in latency', () => {
  describe('the setting', () => {
    it('reads milliseconds or a range, and nothing as none', () => {
      expect(parseStandInLatency('250', VARIABLE)).toBe(250);
      expect(parseStandInLatency(' 100-400 ', VARIABLE)).toEqual({ minMs: 100, maxMs: 400 });
      expect(parseStandInLatency('100 - 400', VARIABLE)).toEqual({ minMs: 100, maxMs: 400 });
      expect(parseStandInLatency('300-300', VARIABLE)).toBe(300);
      expect(parseStandInLatency('', VARIABLE)).toBe(0);
      expect(parseStandInLatency(undefined, VARIABLE)).toBe(0);
      expect(describeLatency(0)).toBe('none');
      expect(describeLatency(250)).toBe('250 ms');
      expect(describeLatency({ minMs: 100, maxMs: 400 })).toBe('100-400 ms (uniform)');
    });

    it.each(['fast', '-5', '1.5', '250ms', '100-', '400-100', '100-400-500', '999999'])(
      'refuses "%s", naming the variable',
      (value) => {
        expect(() => parseStandInLatency(value, VARIABLE)).toThrow(VARIABLE);
      },
    );

    it('refuses an unusable start option, naming it', async () => {
      await expect(startStripeStandIn({ latencyMs: -1 })).rejects.toThrow('latencyMs');
      await expect(startStripeStandIn({ latencyMs: { minMs: 300, maxMs: 100 } })).rejects.toThrow(
        'latencyMs',
      );
    });
  });

  describe('a fixed latency', () => {
    let standIn: StripeStandIn;
    let stripe: Stripe;

    beforeAll(async () => {
      standIn = await startStripeStandIn({ latencyMs: 150 });
      stripe = sdk(standIn.url);
    });
    afterAll(() => standIn.close());

    it('delays every API call by at least the latency, errors included', async () => {
      const created = await timed(() =>
        stripe.paymentIntents.create({ amount: 2000, currency: 'usd' }),
      );
      expect(created.ms).toBeGreaterThanOrEqual(150);
      const retrieved = await timed(() => stripe.paymentIntents.retrieve(created.value.id));
      expect(retrieved.ms).toBeGreaterThanOrEqual(150);
      expect(retrieved.value.id).toBe(created.value.id);
      const missing = await timed(() =>
        stripe.paymentIntents.retrieve('pi_missing').catch((error: Error) => error),
      );
      expect(missing.value).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(missing.ms).toBeGreaterThanOrEqual(150);
    });

    it('answers concurrent calls side by side, not one after another', async () => {
      const all = await timed(() =>
        Promise.all(Array.from({ length: 8 }, () => stripe.balance.retrieve())),
      );
      expect(all.ms).toBeGreaterThanOrEqual(150);
      expect(all.ms).toBeLessThan(8 * 150);
    });
  });

  describe('a range', () => {
    let standIn: StripeStandIn;

    beforeAll(async () => {
      standIn = await startStripeStandIn({ latencyMs: { minMs: 150, maxMs: 250 } });
    });
    afterAll(() => standIn.close());

    it('draws each call’s delay within the range', async () => {
      const stripe = sdk(standIn.url);
      const calls = await Promise.all(
        Array.from({ length: 10 }, () => timed(() => stripe.balance.retrieve())),
      );
      const ms = calls.map((call) => call.ms).sort((a, b) => a - b);
      expect(ms[0]).toBeGreaterThanOrEqual(150);
      // Uniform over 100 ms: ten draws all in one 10 ms band, or all above 240, are a one in
      // ten million chance; a fixed delay would be either.
      expect(ms[ms.length - 1] - ms[0]).toBeGreaterThan(10);
      expect(ms[0]).toBeLessThan(240);
    });
  });

  describe('what is not delayed', () => {
    let standIn: StripeStandIn;
    let receiver: Server;
    const arrivals: number[] = [];

    beforeAll(async () => {
      receiver = createServer((request, response) => {
        request.resume();
        request.on('end', () => {
          arrivals.push(performance.now());
          response.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const { port } = receiver.address() as AddressInfo;
      standIn = await startStripeStandIn({
        latencyMs: 400,
        webhooks: [{ url: `http://127.0.0.1:${port}/`, secret: 'whsec_latency' }],
      });
    });
    afterAll(async () => {
      await standIn.close();
      await new Promise((resolve) => receiver.close(resolve));
    });

    it('control routes and webhook deliveries go at the stand-in’s own speed', async () => {
      const intent = await sdk(standIn.url).paymentIntents.create({
        amount: 2000,
        currency: 'usd',
      });
      await standIn.settleDeliveries();
      arrivals.length = 0;
      // Over HTTP, as a demo page or another process drives it.
      const control = connectStripeStandIn(standIn.url);
      const started = performance.now();
      const succeeded = await timed(() => control.succeedPaymentIntent(intent.id));
      expect(succeeded.ms).toBeLessThan(400);
      await standIn.settleDeliveries();
      expect(arrivals.length).toBeGreaterThan(0);
      expect(arrivals[0] - started).toBeLessThan(400);
    });
  });

  describe(`running on its own (${VARIABLE})`, () => {
    function runMain(latency: string) {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', join(ROOT, 'test/support/stripe-stand-in/main.ts')],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME ?? '/tmp',
            STRIPE_STAND_IN_PORT: '0',
            [VARIABLE]: latency,
          },
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      return { child, output: () => output, exited };
    }

    it('stops at start with one line naming the variable when the value is not a latency', async () => {
      const main = runMain('fast');
      expect(await main.exited).toBe(1);
      expect(main.output()).toContain(`${VARIABLE} must be milliseconds`);
    });

    it('answers API calls after the latency', async () => {
      const main = runMain('150-200');
      try {
        // The latency line comes right after the one with the URL.
        const url = await new Promise<string>((resolve, reject) => {
          main.child.stdout.on('data', () => {
            if (!main.output().includes('API calls answered after 150-200 ms (uniform)')) return;
            resolve(/listening on (http:\/\/\S+)/.exec(main.output())![1]);
          });
          void main.exited.then(() => reject(new Error(`stand-in exited:\n${main.output()}`)));
        });
        const call = await timed(() => sdk(url).balance.retrieve());
        expect(call.ms).toBeGreaterThanOrEqual(150);
      } finally {
        main.child.kill('SIGTERM');
        await main.exited;
      }
    });
  });
});
