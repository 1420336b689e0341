import { createServer, IncomingMessage, request as httpRequest, Server } from 'node:http';
import { freePort } from './harness';

/**
 * Between the worker and the Stripe stand-in, at the HTTP boundary: forwards every request at
 * once, and can hold the answers to GETs (each answer as Stripe gave it then, handed over
 * later), as a slow network would.
 */
export class HoldingProxy {
  private server?: Server;
  private rule?: { path: string; once: boolean };
  private waiting: { path: string; send: () => void }[] = [];
  /** Whether an answer was held since the last `holdNext`/`holdAll`. */
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
              const rule = this.rule;
              const hold =
                rule &&
                !(rule.once && this.heldOnce) &&
                req.method === 'GET' &&
                req.url?.startsWith(rule.path);
              if (!hold) return send();
              this.heldOnce = true;
              this.waiting.push({ path: req.url!, send });
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
    this.rule = { path, once: true };
    this.heldOnce = false;
  }

  /** Holds the answer to every GET whose path starts with `path`, until `release`. */
  holdAll(path: string): void {
    this.rule = { path, once: false };
    this.heldOnce = false;
  }

  /** The paths (with their query) of the answers held now. */
  heldPaths(): string[] {
    return this.waiting.map((w) => w.path);
  }

  /** Hands every held answer over, and holds no more. */
  release(): void {
    this.rule = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    for (const { send } of waiting) send();
  }

  async close(): Promise<void> {
    this.release();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
