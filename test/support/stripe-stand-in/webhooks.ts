/**
 * Webhook event delivery (endpoints themselves: webhook-endpoints.ts).
 *
 * Every event goes to each enabled endpoint whose `enabled_events` match, as a JSON POST
 * signed the way Stripe signs (`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">`), so `stripe.webhooks.constructEvent` accepts it. Delivery never blocks the
 * API response. By default first attempts to an endpoint go out one at a time in generation
 * order; configured (`configure`), up to `concurrency` go out to an endpoint at once, picked
 * at random from the queue (`shuffle`) and each held back a random 0..`jitterMs` first, as
 * Stripe, which promises no order, does under load. A non-2xx answer or network error is
 * retried after each of `retryDelaysMs` (a retry does not hold back later events).
 * Deliveries can be paused, individual events dropped (a lost webhook: still listed by the
 * API, never delivered) or redelivered on demand.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest, ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type Stripe from 'stripe';
import { invalidRequest } from './errors';
import { StandInState } from './state';
import { listens } from './webhook-endpoints';

type WebhookEndpoint = Stripe.WebhookEndpoint;

/** Stripe's signature scheme (v1): HMAC-SHA256 of `${timestamp}.${payload}`, hex. */
export function signatureHeader(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

export type DeliveryTrigger = 'automatic' | 'retry' | 'redelivery';

export interface DeliveryAttempt {
  event_id: string;
  endpoint_id: string;
  url: string;
  trigger: DeliveryTrigger;
  /** ISO time the attempt started. */
  at: string;
  duration_ms: number;
  outcome: 'succeeded' | 'failed';
  http_status: number | null;
  error: string | null;
}

export type DeliveryStatus =
  'queued' | 'in_flight' | 'retry_scheduled' | 'succeeded' | 'failed' | 'dropped';

export interface EndpointDelivery {
  endpoint_id: string;
  url: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
}

/** What `GET /_stand-in/events` lists: each event, oldest first, with its deliveries. */
export interface StandInEventRecord {
  id: string;
  type: string;
  created: number;
  dropped: boolean;
  deliveries: EndpointDelivery[];
  event: Stripe.Event;
}

interface Job {
  eventId: string;
  endpointId: string;
  trigger: DeliveryTrigger;
  /** Retries already used in this run of attempts. */
  retries: number;
}

/** How deliveries go out; the defaults send one at a time, oldest first, at once. */
export interface DeliveryMode {
  /** First attempts in flight to one endpoint at once (default 1). */
  concurrency: number;
  /** Start a random queued delivery instead of the oldest (default false). */
  shuffle: boolean;
  /** Hold each attempt back a random 0..jitterMs first (default 0). */
  jitterMs: number;
  /**
   * Seed of the random choices (default random): with concurrency 1 and no jitter the order
   * replays exactly; otherwise network timing mixes in.
   */
  seed: number | null;
}

export const DEFAULT_DELIVERY_MODE: DeliveryMode = {
  concurrency: 1,
  shuffle: false,
  jitterMs: 0,
  seed: null,
};

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DelivererOptions {
  retryDelaysMs: number[];
  timeoutMs: number;
  log: (line: string) => void;
}

export class WebhookDeliverer {
  private readonly records = new Map<string, StandInEventRecord>();
  private queue: Job[] = [];
  /** Endpoint id -> attempts in flight from the queue. */
  private readonly busy = new Map<string, number>();
  private mode: DeliveryMode = { ...DEFAULT_DELIVERY_MODE };
  private random: () => number = Math.random;
  private readonly timers = new Map<NodeJS.Timeout, Job>();
  private readonly requests = new Set<ClientRequest>();
  private readonly idleWaiters = new Set<() => void>();
  private paused = false;
  private pumpScheduled = false;
  private generation = 0;

  constructor(
    private readonly state: StandInState,
    private readonly options: DelivererOptions,
  ) {}

  /** Called for every new event: records it and queues one delivery per listening endpoint. */
  enqueue(event: Stripe.Event): void {
    const endpoints = this.state.store
      .all<WebhookEndpoint>('webhook_endpoint')
      .filter((endpoint) => listens(endpoint, event.type));
    const record: StandInEventRecord = {
      id: event.id,
      type: event.type,
      created: event.created,
      dropped: false,
      deliveries: endpoints.map((endpoint) => ({
        endpoint_id: endpoint.id,
        url: endpoint.url,
        status: 'queued',
        attempts: [],
      })),
      event,
    };
    this.records.set(event.id, record);
    for (const endpoint of endpoints) {
      this.queue.push({
        eventId: event.id,
        endpointId: endpoint.id,
        trigger: 'automatic',
        retries: 0,
      });
    }
    this.updatePending(record);
    this.schedulePump();
  }

  list(): StandInEventRecord[] {
    return [...this.records.values()].map((record) => structuredClone(record));
  }

  record(eventId: string): StandInEventRecord {
    const record = this.records.get(eventId);
    if (!record) throw this.missing(eventId);
    return record;
  }

  /** Changes how deliveries go out from now on; unnamed settings keep their value. */
  configure(mode: Partial<DeliveryMode>): DeliveryMode {
    this.mode = { ...this.mode, ...mode };
    this.random = this.mode.seed === null ? Math.random : seededRandom(this.mode.seed);
    this.schedulePump();
    return { ...this.mode };
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedulePump();
  }

  /** Never deliver this event (again); it stays in the event list. */
  drop(eventId: string): StandInEventRecord {
    const record = this.record(eventId);
    record.dropped = true;
    this.queue = this.queue.filter((job) => job.eventId !== eventId);
    this.cancelTimers((job) => job.eventId === eventId);
    for (const delivery of record.deliveries) {
      if (delivery.status !== 'succeeded' && delivery.status !== 'in_flight') {
        delivery.status = 'dropped';
      }
    }
    this.updatePending(record);
    this.checkIdle();
    return structuredClone(record);
  }

  /**
   * Sends the events now, one after another in the given order, to each endpoint that was
   * to receive them, ignoring pause and drop. Their queued or scheduled deliveries are
   * replaced by this one, so a paused queue does not send them a second time. A failed
   * redelivery is retried like a first attempt. Resolves with the attempts made.
   */
  async redeliver(eventIds: string[]): Promise<DeliveryAttempt[]> {
    const records = eventIds.map((id) => this.record(id));
    const attempts: DeliveryAttempt[] = [];
    for (const record of records) {
      record.dropped = false;
      this.queue = this.queue.filter((job) => job.eventId !== record.id);
      this.cancelTimers((job) => job.eventId === record.id);
      if (record.deliveries.length === 0) this.addCurrentEndpoints(record);
      for (const delivery of record.deliveries) {
        const job: Job = {
          eventId: record.id,
          endpointId: delivery.endpoint_id,
          trigger: 'redelivery',
          retries: 0,
        };
        attempts.push(await this.attempt(job));
      }
    }
    return attempts;
  }

  /**
   * Resolves once nothing is queued (or deliveries are paused), in flight or scheduled for
   * retry; rejects after `timeoutMs`.
   */
  settle(timeoutMs = 10_000): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.idleWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.idleWaiters.delete(done);
        reject(
          new Error(
            `Webhook deliveries did not settle within ${timeoutMs} ms (${this.queue.length} queued, ${this.inFlight()} in flight, ${this.timers.size} retries scheduled)`,
          ),
        );
      }, timeoutMs);
      this.idleWaiters.add(done);
    });
  }

  /** Forgets everything and cancels pending work (reset, close). */
  clear(): void {
    this.generation += 1;
    this.records.clear();
    this.queue = [];
    this.cancelTimers(() => true);
    this.busy.clear();
    this.paused = false;
    this.configure(DEFAULT_DELIVERY_MODE);
    this.checkIdle();
  }

  close(): void {
    this.clear();
    this.paused = true;
    for (const request of this.requests) request.destroy();
    this.requests.clear();
  }

  private addCurrentEndpoints(record: StandInEventRecord): void {
    for (const endpoint of this.state.store.all<WebhookEndpoint>('webhook_endpoint')) {
      if (!listens(endpoint, record.type)) continue;
      record.deliveries.push({
        endpoint_id: endpoint.id,
        url: endpoint.url,
        status: 'queued',
        attempts: [],
      });
    }
  }

  private missing(eventId: string) {
    return invalidRequest(`No such event: '${eventId}'`, {
      status: 404,
      code: 'resource_missing',
      param: 'id',
    });
  }

  private delivery(record: StandInEventRecord, endpointId: string): EndpointDelivery | undefined {
    return record.deliveries.find((delivery) => delivery.endpoint_id === endpointId);
  }

  private updatePending(record: StandInEventRecord): void {
    record.event.pending_webhooks = record.deliveries.filter(
      (delivery) => delivery.status !== 'succeeded',
    ).length;
  }

  private cancelTimers(predicate: (job: Job) => boolean): void {
    for (const [timer, job] of this.timers) {
      if (!predicate(job)) continue;
      clearTimeout(timer);
      this.timers.delete(timer);
    }
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /**
   * Fills every endpoint's free slots (`concurrency`) from the queue: oldest first, or at
   * random when shuffling.
   */
  private pump(): void {
    if (!this.paused) {
      for (;;) {
        const ready = this.queue.filter(
          (job) => (this.busy.get(job.endpointId) ?? 0) < this.mode.concurrency,
        );
        if (ready.length === 0) break;
        const job = this.mode.shuffle ? ready[Math.floor(this.random() * ready.length)] : ready[0];
        this.queue.splice(this.queue.indexOf(job), 1);
        this.busy.set(job.endpointId, (this.busy.get(job.endpointId) ?? 0) + 1);
        const generation = this.generation;
        const jitter = Math.floor(this.random() * this.mode.jitterMs);
        void this.delay(jitter)
          .then(async () => {
            // Reset or dropped while held back: nothing to send any more.
            if (generation !== this.generation || this.records.get(job.eventId)?.dropped) return;
            await this.attempt(job);
          })
          .finally(() => {
            // A reset in between has emptied the counts already.
            if (generation !== this.generation) return;
            const left = (this.busy.get(job.endpointId) ?? 1) - 1;
            if (left > 0) this.busy.set(job.endpointId, left);
            else this.busy.delete(job.endpointId);
            this.schedulePump();
          });
      }
    }
    this.checkIdle();
  }

  private delay(ms: number): Promise<void> {
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }

  private inFlight(): number {
    let count = 0;
    for (const n of this.busy.values()) count += n;
    return count;
  }

  private async attempt(job: Job): Promise<DeliveryAttempt> {
    const generation = this.generation;
    const record = this.record(job.eventId);
    const delivery = this.delivery(record, job.endpointId);
    const endpoint = this.state.store.find(job.endpointId) as WebhookEndpoint | undefined;
    const secret = this.state.webhookSecrets.get(job.endpointId);
    const startedAt = Date.now();
    const attempt: DeliveryAttempt = {
      event_id: job.eventId,
      endpoint_id: job.endpointId,
      url: endpoint?.url ?? delivery?.url ?? '',
      trigger: job.trigger,
      at: new Date(startedAt).toISOString(),
      duration_ms: 0,
      outcome: 'failed',
      http_status: null,
      error: null,
    };
    if (delivery) delivery.status = 'in_flight';
    if (!endpoint || secret === undefined) {
      attempt.error = 'webhook endpoint no longer exists';
    } else {
      const payload = JSON.stringify(
        { ...record.event, api_version: endpoint.api_version ?? record.event.api_version },
        null,
        2,
      );
      // Real time, not the virtual clock: receivers check the timestamp's age.
      const header = signatureHeader(payload, secret, Math.floor(startedAt / 1000));
      try {
        attempt.http_status = await this.post(endpoint.url, payload, header);
        if (attempt.http_status >= 200 && attempt.http_status < 300) attempt.outcome = 'succeeded';
      } catch (error) {
        attempt.error = error instanceof Error ? error.message : String(error);
      }
    }
    attempt.duration_ms = Date.now() - startedAt;
    if (generation !== this.generation || !delivery) return attempt;

    delivery.attempts.push(attempt);
    if (attempt.outcome === 'succeeded') {
      delivery.status = 'succeeded';
    } else {
      const reason = attempt.http_status !== null ? `HTTP ${attempt.http_status}` : attempt.error;
      this.options.log(
        `webhook ${record.id} (${record.type}) to ${attempt.url} failed: ${String(reason)}`,
      );
      const delay = this.options.retryDelaysMs[job.retries];
      if (endpoint && delay !== undefined && !record.dropped) {
        delivery.status = 'retry_scheduled';
        const retry: Job = { ...job, trigger: 'retry', retries: job.retries + 1 };
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          delivery.status = 'queued';
          this.queue.push(retry);
          this.schedulePump();
        }, delay);
        this.timers.set(timer, retry);
      } else {
        delivery.status = record.dropped ? 'dropped' : 'failed';
      }
    }
    this.updatePending(record);
    this.checkIdle();
    return attempt;
  }

  private post(url: string, payload: string, signature: string): Promise<number> {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(
        target,
        {
          method: 'POST',
          agent: false,
          timeout: this.options.timeoutMs,
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': Buffer.byteLength(payload),
            'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            'Stripe-Signature': signature,
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        },
      );
      this.requests.add(request);
      request.on('close', () => this.requests.delete(request));
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', reject);
      request.end(payload);
    });
  }

  private isIdle(): boolean {
    return (
      (this.paused || this.queue.length === 0) && this.busy.size === 0 && this.timers.size === 0
    );
  }

  private checkIdle(): void {
    if (!this.isIdle() || this.pumpScheduled) return;
    for (const resolve of [...this.idleWaiters]) resolve();
  }
}
