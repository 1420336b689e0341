import { Injectable, Logger } from '@nestjs/common';
import { Environment } from '../config/environment';
import { DomainError } from '../errors/domain-error';
import { QueueService } from '../queue/queue.service';
import { clientOf, keyedDigest, mailboxOf } from './abuse-keys';

/** What an attempt starts: a gift (a donation, a pledge, a Checkout) or a signature. */
export type CreationKind = 'gift' | 'signature';

/** Who started a donation, pledge or signature, as limits count it: nothing here is stored in clear. */
export interface CreationAttempt {
  /** Gifts and signatures count in windows of their own; only gifts are blocked for failed payments. Gift when absent. */
  kind?: CreationKind;
  /** The client's address as express resolved it with TRUST_PROXY. */
  ip: string | undefined;
  /** The donor email of the request, as sent (before validation). */
  email: string | undefined;
  campaignSlug: string;
}

/** A declined payment attempt, as the worker learns it from Stripe. */
export interface FailedPayment {
  donationId: string;
  pledgeId: string | null;
  /** What tells this attempt apart from another on the same payment (the failed charge's id). */
  attemptId: string;
}

const EMAIL_WINDOW_SECONDS = 3600;
const CAMPAIGN_WINDOW_SECONDS = 60;
/** How long a gift stays linked to the (hashed) client and email that started it. */
const GIFT_LINK_SECONDS = 24 * 3600;
/** How long a retry with the same Idempotency-Key and CAPTCHA token skips the CAPTCHA. */
const CAPTCHA_RETRY_SECONDS = 3600;

/**
 * Limits on starting donations, pledges and signatures, beyond the per-client one of
 * RateLimitGuard (signatures count in windows of their own, of the same sizes):
 * per donor email (RATE_LIMIT_DONATIONS_PER_EMAIL an hour, from any client), per campaign
 * (RATE_LIMIT_DONATIONS_PER_CAMPAIGN a minute, everyone together: a ceiling on a distributed
 * card-testing run) and a temporary block of a client or email whose gifts failed to pay
 * RATE_LIMIT_FAILED_PAYMENTS times within the window. Counted in Redis under keyed digests,
 * each key with a TTL; if Redis is down, gifts go through and the log says so.
 */
@Injectable()
export class CreationLimitsService {
  private readonly logger = new Logger(CreationLimitsService.name);
  private readonly digest: (value: string) => string;
  private readonly prefix: string;

  constructor(
    private readonly env: Environment,
    private readonly queues: QueueService,
  ) {
    this.digest = keyedDigest(env.STRIPE_SECRET_KEY);
    this.prefix = `${env.QUEUE_PREFIX}:abuse`;
  }

  /**
   * Refuses an attempt that a block or a full window stops: `temporarily_blocked` or
   * `rate_limited`, with Retry-After; a signature over its email window is not refused but
   * `quiet` (answered as any other, nothing mailed). Counts nothing: `count` does, once the
   * attempt has got past validation and found its campaign.
   */
  async admit(attempt: CreationAttempt): Promise<{ quiet: boolean }> {
    const { client, email } = this.subjects(attempt);
    const { campaignKey, emailKey } = this.counterKeys(attempt, email);
    let replies: (number | string | null)[];
    try {
      replies = await this.run((multi) => {
        multi.ttl(`${this.prefix}:block:client:${client}`);
        multi.ttl(email ? `${this.prefix}:block:email:${email}` : `${this.prefix}:none`);
        multi.get(campaignKey).ttl(campaignKey);
        multi.get(emailKey ?? `${this.prefix}:none`).ttl(emailKey ?? `${this.prefix}:none`);
      });
    } catch (error) {
      this.logger.warn(`creation limits not applied (${(error as Error).message})`);
      return { quiet: false };
    }
    const [clientBlock, emailBlock, campaignCount, campaignTtl, emailCount, emailTtl] = replies.map(
      (r) => Number(r ?? 0),
    );
    const signature = attempt.kind === 'signature';
    const noun = signature ? 'signatures' : 'donation attempts';
    // Failed payments say nothing about signing.
    const blocked = signature ? 0 : Math.max(clientBlock, emailBlock);
    if (blocked > 0) {
      const who = clientBlock > 0 ? 'this client' : 'this email address';
      throw new DomainError(
        'temporarily_blocked',
        `Too many failed payments from ${who}: new donations are blocked for ${blocked} seconds`,
        { retryAfterSeconds: blocked },
      );
    }
    if (email && emailCount >= this.env.RATE_LIMIT_DONATIONS_PER_EMAIL) {
      // A signature answers the same whatever happens to it: a 429 here would tell whoever
      // knows an address whether signing just mailed it (that is, whether it had signed).
      // Over its window, signing goes quiet instead: the same 202, and no mail.
      if (signature) return { quiet: true };
      const seconds = emailTtl > 0 ? emailTtl : EMAIL_WINDOW_SECONDS;
      throw new DomainError(
        'rate_limited',
        `Too many ${noun} with this email address: try again in ${seconds} seconds`,
        { retryAfterSeconds: seconds },
      );
    }
    if (campaignCount >= this.env.RATE_LIMIT_DONATIONS_PER_CAMPAIGN) {
      const seconds = campaignTtl > 0 ? campaignTtl : CAMPAIGN_WINDOW_SECONDS;
      throw new DomainError(
        'rate_limited',
        `Too many ${noun} on this campaign right now: try again in ${seconds} seconds`,
        { retryAfterSeconds: seconds },
      );
    }
    return { quiet: false };
  }

  /**
   * Counts an attempt against its email and campaign windows. Only attempts that got past
   * validation and found their open campaign are counted (the interceptor calls this when a
   * gift was started, or Stripe failed while starting one): a request that starts nothing
   * must not use up a donor's or a campaign's allowance, or anyone who knows an email address
   * could lock its owner out with a few malformed requests.
   */
  async count(attempt: CreationAttempt): Promise<void> {
    const { campaignKey, emailKey } = this.counterKeys(attempt, this.subjects(attempt).email);
    try {
      await this.run((multi) => {
        multi.set(campaignKey, 0, 'EX', CAMPAIGN_WINDOW_SECONDS, 'NX').incr(campaignKey);
        if (emailKey) multi.set(emailKey, 0, 'EX', EMAIL_WINDOW_SECONDS, 'NX').incr(emailKey);
      });
    } catch (error) {
      this.logger.warn(`creation attempt not counted (${(error as Error).message})`);
    }
  }

  /** The window keys of an attempt, given its email's digest (from `subjects`). */
  private counterKeys(attempt: CreationAttempt, email: string | null) {
    // Gifts keep the keys they always had; signatures count apart from them.
    const window = attempt.kind === 'signature' ? `${this.prefix}:signature` : this.prefix;
    return {
      campaignKey: `${window}:campaign:${this.digest(attempt.campaignSlug)}`,
      emailKey: email ? `${window}:email:${email}` : null,
    };
  }

  /** Links a new gift to the digests of who started it, so its failed payments count against them. */
  async remember(gift: { kind: 'donation' | 'pledge'; id: string }, attempt: CreationAttempt) {
    const { client, email } = this.subjects(attempt);
    try {
      await this.run((multi) =>
        multi.set(
          `${this.prefix}:gift:${gift.kind}:${gift.id}`,
          `${client}/${email ?? ''}`,
          'EX',
          GIFT_LINK_SECONDS,
        ),
      );
    } catch (error) {
      this.logger.warn(`gift not linked for abuse limits (${(error as Error).message})`);
    }
  }

  /**
   * Whether this route already accepted this CAPTCHA token with this Idempotency-Key: a retry
   * of the same request (same key, so the same gift or a 409) needs no second solve, although
   * the CAPTCHA service would refuse the token a second time. With `remember`, records it.
   */
  async captchaPassed(route: string, idempotencyKey: string, token: string, remember = false) {
    const key = `${this.prefix}:captcha-passed:${this.digest(`${route}\n${idempotencyKey}\n${token}`)}`;
    try {
      const [reply] = await this.run((multi) =>
        remember ? multi.set(key, 1, 'EX', CAPTCHA_RETRY_SECONDS) : multi.exists(key),
      );
      return !remember && Number(reply) === 1;
    } catch (error) {
      this.logger.warn(`CAPTCHA retry memo not available (${(error as Error).message})`);
      return false;
    }
  }

  /**
   * Counts a declined payment (once per attempt, however often Stripe tells of it) against the
   * client and email that started the gift; at the threshold, blocks them for a while.
   */
  async recordFailedPayment(failure: FailedPayment): Promise<void> {
    const window = this.env.RATE_LIMIT_FAILED_PAYMENTS_WINDOW_MINUTES * 60;
    try {
      const [firstTime, byDonation, byPledge] = (await this.run((multi) => {
        multi.set(`${this.prefix}:failure-seen:${failure.attemptId}`, 1, 'EX', window, 'NX');
        multi.get(`${this.prefix}:gift:donation:${failure.donationId}`);
        multi.get(`${this.prefix}:gift:pledge:${failure.pledgeId ?? 'none'}`);
      })) as unknown as [string | null, string | null, string | null];
      const link = byDonation ?? byPledge;
      if (firstTime !== 'OK' || !link) return;
      const [client, email] = link.split('/');
      const subjects = [`client:${client}`, ...(email ? [`email:${email}`] : [])];
      const counts = await this.run((multi) => {
        for (const subject of subjects) {
          const key = `${this.prefix}:failures:${subject}`;
          multi.set(key, 0, 'EX', window, 'NX').incr(key);
        }
      });
      const over = subjects.filter(
        (_, i) => counts[i * 2 + 1] >= this.env.RATE_LIMIT_FAILED_PAYMENTS,
      );
      if (!over.length) return;
      await this.run((multi) => {
        for (const subject of over)
          multi.set(
            `${this.prefix}:block:${subject}`,
            1,
            'EX',
            this.env.RATE_LIMIT_BLOCK_MINUTES * 60,
          );
      });
      this.logger.warn(
        { donationId: failure.donationId, blocked: over.map((s) => s.split(':')[0]) },
        'repeated failed payments: new gifts temporarily blocked',
      );
    } catch (error) {
      this.logger.warn(`failed payment not counted (${(error as Error).message})`);
    }
  }

  private subjects(attempt: CreationAttempt) {
    return {
      client: this.digest(clientOf(attempt.ip)),
      email: attempt.email ? this.digest(mailboxOf(attempt.email)) : null,
    };
  }

  /** One MULTI; the producer connection fails fast rather than wait for a reconnect. */
  private async run(build: (multi: ReturnType<QueueService['redis']['multi']>) => unknown) {
    const redis = this.queues.redis;
    if (redis.status !== 'ready') throw new Error(`Redis is ${redis.status}`);
    const multi = redis.multi();
    build(multi);
    const replies = await multi.exec();
    if (!replies) throw new Error('Redis transaction was discarded');
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0] as Error;
    return replies.map(([, value]) => value as number);
  }
}
