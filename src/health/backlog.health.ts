import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Environment } from '../common/config/environment';
import { BacklogService, OutboxBacklog } from '../maintenance/backlog.service';

type Read = { backlog: OutboxBacklog[] } | { error: string };

/**
 * Whether work stored in Postgres is being done: the longest wait of an unprocessed Stripe event
 * and of a receipt, email or action delivery, counted from when the row last became pending (so a resend or
 * replay starts a new wait), each `down` once longer than READY_MAX_BACKLOG_AGE_SECONDS (0:
 * reported, never down). This is shared state: every API process reports it alike.
 */
@Injectable()
export class BacklogHealthIndicator {
  constructor(
    private readonly env: Environment,
    private readonly indicators: HealthIndicatorService,
    private readonly backlog: BacklogService,
  ) {}

  /** One read for both indicators of a readiness check; a Postgres that hangs is a failure. */
  read(timeoutMs = 1500): Promise<Read> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Read>((resolve) => {
      timer = setTimeout(() => resolve({ error: `no answer in ${timeoutMs} ms` }), timeoutMs);
    });
    const read = this.backlog.read().then(
      (backlog): Read => ({ backlog }),
      (error: Error): Read => ({ error: error.message }),
    );
    return Promise.race([read, timeout]).finally(() => clearTimeout(timer));
  }

  async events(key: string, read: Promise<Read>) {
    const indicator = this.indicators.check(key);
    const result = await read;
    if ('error' in result) return indicator.down({ message: 'the backlog could not be read' });
    const events = result.backlog.find((b) => b.outbox === 'stripe_events');
    const details = {
      waiting: events?.waiting ?? 0,
      oldestAgeSeconds: events?.oldestAgeSeconds ?? 0,
    };
    return this.tooOld(details.oldestAgeSeconds)
      ? indicator.down({ ...details, message: this.message('a Stripe event') })
      : indicator.up(details);
  }

  async outbox(key: string, read: Promise<Read>) {
    const indicator = this.indicators.check(key);
    const result = await read;
    if ('error' in result) return indicator.down({ message: 'the backlog could not be read' });
    const of = (outbox: 'receipts' | 'emails' | 'action_deliveries') => {
      const b = result.backlog.find((r) => r.outbox === outbox);
      return { waiting: b?.waiting ?? 0, oldestAgeSeconds: b?.oldestAgeSeconds ?? 0 };
    };
    const receipts = of('receipts');
    const emails = of('emails');
    const actionDeliveries = of('action_deliveries');
    const oldestAgeSeconds = Math.max(
      receipts.oldestAgeSeconds,
      emails.oldestAgeSeconds,
      actionDeliveries.oldestAgeSeconds,
    );
    const details = { oldestAgeSeconds, receipts, emails, actionDeliveries };
    return this.tooOld(oldestAgeSeconds)
      ? indicator.down({ ...details, message: this.message('a receipt, email or delivery') })
      : indicator.up(details);
  }

  private tooOld(ageSeconds: number): boolean {
    const max = this.env.READY_MAX_BACKLOG_AGE_SECONDS;
    return max > 0 && ageSeconds > max;
  }

  private message(what: string): string {
    return `${what} has waited more than ${this.env.READY_MAX_BACKLOG_AGE_SECONDS} s`;
  }
}
