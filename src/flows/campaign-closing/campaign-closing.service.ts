import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Campaign, CloseReason } from '../../campaigns/campaign.entity';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { Environment } from '../../common/config/environment';
import { dayFormatter } from '../../common/day';
import { errorSummary } from '../../common/errors/describe-error';
import { DomainError } from '../../common/errors/domain-error';
import { formatMoney } from '../../common/money/currency';
import { QueueService } from '../../common/queue/queue.service';
import { DonationsService } from '../../donations/donations.service';
import { DonorsService } from '../../donors/donors.service';
import { isStripeRefusal } from '../../stripe/stripe-call';
import { idempotencyKey, StripeGateway } from '../../stripe/stripe-gateway';
import { MailService } from '../../mail/mail.service';
import { Paragraph, simpleEmail } from '../../mail/templates';
import { intervalAdjective } from '../../pledges/pledge-interval';
import { PledgeInterval } from '../../pledges/pledge.entity';
import { OpenedClosure, PledgesService } from '../../pledges/pledges.service';
import { CampaignClosedView, CloseCampaignDto } from './close-campaign.dto';

/** Endings sent to Stripe per job run; the next run (or the check) takes the rest. */
const ENDINGS_PER_RUN = 500;
/** Campaigns whose `endsAt` came closed per check. */
const ENDED_PER_CHECK = 50;

interface Closing {
  campaign: Campaign;
  reason: CloseReason;
  successor: Campaign | null;
  message: string | null;
}

/**
 * A campaign that ends: new gifts stop at once; each donor with a pledge running on it is
 * emailed once, and may move the pledge (to the successor) or stop it in their account; a
 * pledge nobody chose for ends at the end of its paid period (Stripe `cancel_at_period_end`,
 * sent by the `campaign-closing.apply` job, with no transaction open). Staff close a campaign
 * through `POST /v1/admin/campaigns/:slug/close`; the `campaign-closing.check` schedule
 * closes those whose `endsAt` has come and sweeps what a lost job left.
 */
@Injectable()
export class CampaignClosingService {
  private readonly logger = new Logger(CampaignClosingService.name);
  private readonly day: (at: Date) => string;

  constructor(
    private readonly env: Environment,
    @InjectDataSource() private readonly db: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly pledges: PledgesService,
    private readonly donations: DonationsService,
    private readonly stripe: StripeGateway,
    private readonly donors: DonorsService,
    private readonly mail: MailService,
    private readonly queues: QueueService,
  ) {
    this.day = dayFormatter(env.ORGANIZATION_TIMEZONE);
  }

  /** Staff's close: the campaign, and what its closing reached. */
  async closeBySlug(slug: string, dto: CloseCampaignDto): Promise<CampaignClosedView> {
    const campaign = await this.campaigns.findOrFail(slug);
    if (campaign.status === 'closed')
      throw new DomainError('conflict', `Campaign "${slug}" is already closed`);
    const successor = dto.successor
      ? await this.campaigns.successorFor(campaign, dto.successor)
      : null;
    const message = dto.message?.trim() || null;
    const closed = await this.close({ campaign, reason: 'staff', successor, message });
    if (!closed) throw new DomainError('conflict', `Campaign "${slug}" is already closed`);
    const updated = (await this.campaigns.findById(campaign.id))!;
    return {
      campaign: await this.campaigns.view(updated),
      successor: successor?.slug ?? null,
      pledges: closed.pledges,
      donorsEmailed: closed.donorsEmailed,
    };
  }

  /**
   * Closes the campaign, opens a closure for each running pledge and queues each donor's email,
   * all in one transaction; then starts the endings. Null when it was closed already.
   */
  async close(closing: Closing): Promise<{ pledges: number; donorsEmailed: number } | null> {
    const { campaign, reason, successor, message } = closing;
    const done = await this.db.transaction(async (em) => {
      const closed = await this.campaigns.closeIn(em, campaign.id, {
        reason,
        successorId: successor?.id ?? null,
        message,
      });
      if (!closed) return null;
      const opened = await this.pledges.openClosures(em, campaign.id);
      const emailIds = await this.tell(em, opened, new Map([[campaign.id, closing]]));
      return { opened, emailIds };
    });
    if (!done) return null;
    this.logger.log(
      { campaignId: campaign.id, reason, pledges: done.opened.length },
      'campaign closed',
    );
    await this.mail.enqueue(done.emailIds);
    await this.queues.tryEnqueue('campaign-closing.apply', { campaignId: campaign.id });
    return { pledges: done.opened.length, donorsEmailed: done.emailIds.filter(Boolean).length };
  }

  /**
   * Closes, for reaching it, each campaign that closes at its final goal and has reached it (of
   * those given, after their payments were recorded; or of all, at the check). Returns how
   * many it closed.
   */
  async closeReachedGoals(campaignIds?: string[]): Promise<number> {
    let closed = 0;
    for (const campaign of await this.campaigns.reachedFinalGoal(campaignIds)) {
      const done = await this.close({ campaign, reason: 'goal', successor: null, message: null });
      if (done) closed += 1;
    }
    return closed;
  }

  /**
   * Tells Stripe to end each undecided closure's subscription at the end of its period (one
   * campaign's, or all). A pledge Stripe fails on is left for the next run; the job is retried
   * when any failed.
   */
  async applyEndings(
    campaignId: string | null,
  ): Promise<{ ended: number; unpaidStopped: number; failed: number }> {
    const unpaid = campaignId ? await this.stopUnpaid(campaignId) : { stopped: 0, failed: 0 };
    const pending = await this.pledges.pendingEndings(campaignId, ENDINGS_PER_RUN);
    let failed = unpaid.failed;
    for (const closure of pending) {
      try {
        await this.pledges.endWithCampaign(closure.pledgeId, closure.campaignId);
      } catch (error) {
        failed += 1;
        this.logger.warn(
          { pledgeId: closure.pledgeId, err: errorSummary(error) },
          'could not end the pledge with its campaign: tried again later',
        );
      }
    }
    if (failed) throw new Error(`${failed} pledge endings or unpaid gifts failed`);
    return { ended: pending.length, unpaidStopped: unpaid.stopped, failed };
  }

  /**
   * Gifts stop at once, also those started before the closing and not paid yet: each pending
   * one-off gift's PaymentIntent is canceled (or its Checkout Session expired), and each pledge
   * still waiting for its first payment has its subscription canceled (or its session expired).
   * Their own events then cancel them here. One the donor paid meanwhile (Stripe refuses the
   * cancel) is a gift made before the closing reached it, and counts; a pledge of them is then
   * running, and the check opens its closure.
   */
  private async stopUnpaid(campaignId: string): Promise<{ stopped: number; failed: number }> {
    const calls: { id: string; stop: () => Promise<unknown> }[] = [];
    for (const gift of await this.donations.pendingOfCampaign(campaignId, ENDINGS_PER_RUN)) {
      const { paymentIntentId, checkoutSessionId } = gift;
      if (paymentIntentId)
        calls.push({
          id: gift.id,
          stop: () => this.stripe.cancelPaymentIntent(gift.id, paymentIntentId),
        });
      else if (checkoutSessionId)
        calls.push({
          id: gift.id,
          stop: () => this.stripe.expireCheckoutSession(checkoutSessionId),
        });
    }
    for (const pledge of await this.pledges.unstartedOf(campaignId, ENDINGS_PER_RUN)) {
      const { subscriptionId, checkoutSessionId } = pledge;
      if (subscriptionId)
        calls.push({
          id: pledge.id,
          stop: async () => {
            // Only while its first payment is still due: a pledge paid meanwhile is running, and
            // the check opens its closure like any other (it ends at the end of its period).
            const current = await this.stripe.retrieveSubscription(subscriptionId);
            if (current.status !== 'incomplete') return;
            await this.stripe.cancelSubscription(
              subscriptionId,
              'its campaign closed before the first payment',
              idempotencyKey('subscription_campaign_closed', pledge.id),
            );
          },
        });
      else if (checkoutSessionId)
        calls.push({
          id: pledge.id,
          stop: () => this.stripe.expireCheckoutSession(checkoutSessionId),
        });
    }
    let stopped = 0;
    let failed = 0;
    for (const call of calls) {
      try {
        await call.stop();
        stopped += 1;
      } catch (error) {
        // Stripe refuses to cancel what was paid (or ended) meanwhile: nothing is left to stop.
        if (isStripeRefusal(error)) continue;
        failed += 1;
        this.logger.warn(
          { giftId: call.id, err: errorSummary(error) },
          'could not stop an unpaid gift of a closed campaign: tried again',
        );
      }
    }
    return { stopped, failed };
  }

  /**
   * The schedule's check: closes the campaigns whose `endsAt` has come or that reached their
   * final goal (`closeAtGoal`: offline gifts, or a close missed after a payment), opens closures for
   * pledges that started on a campaign after it closed (their donors are told too), and sends
   * the endings a lost job left.
   */
  async check(): Promise<{ closed: number; late: number; ended: number }> {
    let closed = 0;
    for (const campaign of await this.campaigns.endedButOpen(ENDED_PER_CHECK)) {
      const done = await this.close({ campaign, reason: 'ended', successor: null, message: null });
      if (done) closed += 1;
    }
    closed += await this.closeReachedGoals();
    const late = await this.db.transaction(async (em) => {
      const opened = await this.pledges.openLateClosures(em);
      if (!opened.length) return { opened, emailIds: [] };
      const campaigns = await this.closings([...new Set(opened.map((o) => o.campaignId))]);
      return { opened, emailIds: await this.tell(em, opened, campaigns, { late: true }) };
    });
    await this.mail.enqueue(late.emailIds);
    const { ended } = await this.applyEndings(null);
    return { closed, late: late.opened.length, ended };
  }

  private async closings(ids: string[]): Promise<Map<string, Closing>> {
    const found = await this.campaigns.findByIds(ids);
    const successors = new Map(
      (
        await this.campaigns.findByIds(
          found.flatMap((c) => (c.successorCampaignId ? [c.successorCampaignId] : [])),
        )
      ).map((c) => [c.id, c]),
    );
    return new Map(
      found.map((c) => [
        c.id,
        {
          campaign: c,
          reason: c.closeReason ?? 'staff',
          successor: c.successorCampaignId ? (successors.get(c.successorCampaignId) ?? null) : null,
          message: c.closeMessage,
        },
      ]),
    );
  }

  /**
   * One email per donor and campaign (the dedupe key makes it once, whenever asked; a pledge
   * that started after the closing gets one of its own), in the caller's transaction, to donors
   * whose pledge has paid at least once: before that, the address is only what the request that
   * started it said.
   */
  private async tell(
    em: EntityManager,
    opened: OpenedClosure[],
    closings: Map<string, Closing>,
    { late = false } = {},
  ): Promise<(string | null)[]> {
    const byDonor = new Map<string, OpenedClosure[]>();
    for (const pledge of opened) {
      if (pledge.paidInstallments < 1) continue;
      const key = `${pledge.campaignId}:${pledge.donorId}`;
      byDonor.set(key, [...(byDonor.get(key) ?? []), pledge]);
    }
    const ids: (string | null)[] = [];
    for (const [key, pledges] of byDonor) {
      const closing = closings.get(pledges[0].campaignId);
      const donorId = pledges[0].donorId;
      const toAddress = closing && (await this.donors.currentEmail(em, donorId));
      if (!closing || !toAddress) continue;
      const rendered = this.closedEmail(closing, pledges);
      ids.push(
        await this.mail.add(em, {
          // A pledge that started after the closing is told of, once, on its own.
          dedupeKey: late
            ? `campaign-closed:${key}:${pledges.map((p) => p.pledgeId).join(',')}`
            : `campaign-closed:${key}`,
          kind: 'campaign-closed',
          donorId,
          toAddress,
          subject: rendered.subject,
          textBody: rendered.text,
          htmlBody: rendered.html,
        }),
      );
    }
    return ids;
  }

  private closedEmail({ campaign, reason, successor, message }: Closing, pledges: OpenedClosure[]) {
    const base = this.env.PUBLIC_BASE_URL.replace(/\/$/, '');
    const title = { isolate: campaign.title };
    const why: Record<CloseReason, Paragraph> = {
      staff: ['The campaign ', title, ' has closed.'],
      ended: ['The campaign ', title, ' has come to its end date and has closed.'],
      goal: ['The campaign ', title, ' has reached its goal and has closed. Thank you.'],
    };
    const gifts: Paragraph[] = pledges.map((p) => {
      const amount = formatMoney(p.amount, p.currency);
      const ends = p.currentPeriodEnd
        ? ` It ends on ${this.day(p.currentPeriodEnd)}, the end of the period already paid.`
        : '';
      const unpaid = p.status === 'past_due' ? ' Its failed payment will not be tried again.' : '';
      return `Your ${amount} ${intervalAdjective(p.interval as PledgeInterval)} gift will not be charged again.${ends}${unpaid}`;
    });
    const offered = successor && pledges.some((p) => successor.currencies.includes(p.currency));
    const choice: Paragraph[] = offered
      ? [
          [
            'You can continue the same gift, on the same card, to ',
            { isolate: successor!.title },
            ', or stop it now. Choose in your donor account; if you choose nothing, it simply ends.',
          ],
        ]
      : ['You can stop it now in your donor account; if you do nothing, it simply ends.'];
    return simpleEmail({
      subject: `${campaign.title} has closed`,
      paragraphs: [why[reason], ...(message ? [[{ isolate: message }]] : []), ...gifts, ...choice],
      action: { label: 'Open your donor account', url: `${base}/donor/` },
      organisation: this.env.ORGANIZATION_NAME,
    });
  }
}
