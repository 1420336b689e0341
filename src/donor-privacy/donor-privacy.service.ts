import { serializeError } from '../common/errors/describe-error';
import { Injectable, Logger } from '@nestjs/common';
import { SignaturesService } from '../actions/signatures.service';
import { IdempotencyService } from '../common/database/idempotency.service';
import { DomainError } from '../common/errors/domain-error';
import { JobFailuresService } from '../common/queue/job-failures.service';
import { QueueService } from '../common/queue/queue.service';
import { normaliseEmail } from '../common/validation/email';
import { DonationsService } from '../donations/donations.service';
import { DonorSessionsService } from '../donor-auth/donor-sessions.service';
import { DonorsService } from '../donors/donors.service';
import { MailService } from '../mail/mail.service';
import { PledgesService } from '../pledges/pledges.service';
import { ReceiptErasureService } from '../receipts/receipt-erasure.service';
import { StripeEventsService } from '../stripe/events/stripe-events.service';
import { StripeGateway } from '../stripe/stripe-gateway';
import { DonorExport, ErasedDonorView } from './donor-privacy.dto';
import { DonorJobIds, DonorPrivacyRepository } from './donor-privacy.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notFound(id: string): DomainError {
  return new DomainError('not_found', `No donor ${id}`);
}

/** Who asks: staff acting for the donor, or the signed-in donor themself. */
export type PrivacyRequester = 'staff' | 'donor';

/**
 * A donor's rights over their data: staff find them by email, export everything held on them,
 * and erase it; a signed-in donor does the same for themself. Erasure keeps the money
 * (amounts, dates, ledger, receipt numbers, totals) and the rows that link it, and clears who
 * gave it everywhere we hold it: our tables, stored Stripe events, the queues, and Stripe's
 * customer records. Each table is cleared by its own module's service, all in one transaction.
 */
@Injectable()
export class DonorPrivacyService {
  private readonly logger = new Logger(DonorPrivacyService.name);

  constructor(
    private readonly records: DonorPrivacyRepository,
    private readonly donors: DonorsService,
    private readonly donations: DonationsService,
    private readonly pledges: PledgesService,
    private readonly mail: MailService,
    private readonly receipts: ReceiptErasureService,
    private readonly stripeEvents: StripeEventsService,
    private readonly sessions: DonorSessionsService,
    private readonly jobFailures: JobFailuresService,
    private readonly idempotency: IdempotencyService,
    private readonly stripe: StripeGateway,
    private readonly queues: QueueService,
    private readonly signatures: SignaturesService,
  ) {}

  async findByEmail(email: string): Promise<{ id: string }> {
    const id = await this.records.findIdByEmail(normaliseEmail(email));
    if (!id) throw new DomainError('not_found', 'No donor has this email address');
    return { id };
  }

  /**
   * Erases the donor's personal data, or refuses (409, naming them) while a pledge of theirs
   * can still charge: cancelling is the donor's or staff's decision, not a side effect, and
   * neither staff nor the donor is spared it. Then, in order: their Stripe customers are
   * deleted at Stripe (no transaction open meanwhile), our rows are cleared in one transaction
   * (under the donor's lock, the pledge check repeated), and their failed jobs leave the
   * queues. Erasing again answers the same, and clears anything that has reappeared since.
   */
  async erase(id: string, requester: PrivacyRequester = 'staff'): Promise<ErasedDonorView> {
    if (!UUID.test(id) || !(await this.records.exists(id))) throw notFound(id);
    this.refuseChargingPledges(await this.records.livePledgeIds(id), requester);
    const customers = await this.records.stripeCustomerIds(id);
    let stripeCustomers = await this.deleteCustomers(customers);

    const { counts, jobs, kept } = await this.records.transaction(async (em) => {
      const donor = await this.donors.lock(em, id);
      if (!donor) throw notFound(id);
      this.refuseChargingPledges(await this.records.livePledgeIds(id, em), requester);
      // Events stored before payloads were scrubbed at ingest, or with an error text.
      const events = await this.records.storedEvents(id, em);
      const stripeEvents = await this.stripeEvents.eraseDetails(em, events);
      const jobs: DonorJobIds = {
        ...(await this.records.jobIds(em, id, donor.email)),
        eventIds: events.map((e) => e.id),
      };
      const erasedAt = await this.donors.erase(em, id);
      const giftDetails =
        (await this.donations.clearDonorDetails(em, id)) +
        (await this.pledges.clearDonorDetails(em, id));
      // The address they had, read under the lock: it finds what was sent to it.
      const emails = await this.mail.eraseRecipient(em, id, donor.email);
      const sendingErrors = await this.receipts.clearSendingErrors(em, id);
      const jobFailures = await this.jobFailures.eraseErrorsAbout(em, jobs, donor.email);
      const { sessions, signInTokens, emailChanges } = await this.sessions.forgetDonor(em, id);
      // Theirs, and pending ones of the address they had (read under the lock).
      const signatures = await this.signatures.forgetDonor(em, id, donor.email);
      // A create request's key and body hash: of no use after the retry window, and the hash
      // was made from the donor's details.
      await this.idempotency.forgetResources(em, await this.records.giftIds(em, id));
      return {
        counts: {
          giftDetails,
          emails,
          sendingErrors,
          stripeEvents,
          jobFailures,
          sessions,
          signInTokens,
          emailChanges,
          signatures,
        },
        jobs,
        kept: { erasedAt, ...(await this.records.keptRecords(em, id)) },
      };
    });

    // A customer recorded while we erased (a gift in flight) goes too.
    const late = (await this.records.stripeCustomerIds(id)).filter((c) => !customers.includes(c));
    stripeCustomers += await this.deleteCustomers(late);
    const queuedJobs = await this.removeQueuedJobs(jobs);
    this.logger.log({ donorId: id, requester }, 'donor erased');
    return {
      id,
      status: 'erased',
      erasedAt: kept.erasedAt.toISOString(),
      kept: { donations: kept.donations, receipts: kept.receipts },
      removed: {
        stripeCustomers,
        giftDetails: counts.giftDetails,
        emails: counts.emails,
        sendingErrors: counts.sendingErrors,
        stripeEvents: counts.stripeEvents,
        jobFailures: counts.jobFailures,
        queuedJobs,
        sessions: counts.sessions,
        signInTokens: counts.signInTokens,
        emailChanges: counts.emailChanges,
        signatures: counts.signatures,
      },
    };
  }

  /**
   * Everything held on the donor. The donor's own copy names staff by role only: which staff
   * key acted is staff's business (the audit rows hold nothing personal about the donor).
   */
  async export(id: string, requester: PrivacyRequester = 'staff'): Promise<DonorExport> {
    if (!UUID.test(id)) throw notFound(id);
    const profile = await this.records.profile(id);
    if (!profile) throw notFound(id);
    const [
      donations,
      pledges,
      receipts,
      statements,
      emails,
      sessions,
      signatures,
      stripeEvents,
      audit,
    ] = await Promise.all([
      this.records.donations(id),
      this.records.pledges(id),
      this.records.receipts(id),
      this.records.statements(id),
      this.records.emails(id),
      this.records.sessionCounts(id),
      this.signatures.exportForDonor(id),
      this.records.storedEvents(id),
      this.records.auditRows(id),
    ]);
    return {
      exportedAt: new Date().toISOString(),
      profile,
      donations,
      pledges,
      receipts,
      statements,
      emails,
      sessions,
      signatures,
      stripeEvents,
      audit:
        requester === 'donor'
          ? audit.map((row) => ({ ...row, staffKeyName: row.role ? `${row.role} staff` : 'staff' }))
          : audit,
    };
  }

  private refuseChargingPledges(pledgeIds: string[], requester: PrivacyRequester): void {
    if (!pledgeIds.length) return;
    const list = pledgeIds.join(', ');
    throw new DomainError(
      'conflict',
      requester === 'donor'
        ? `You have pledges that can still charge: cancel them first (${list})`
        : `The donor has active pledges: cancel them first (${list})`,
    );
  }

  /** Deletes customers at Stripe; how many Stripe still had. Nothing is erased if one fails. */
  private async deleteCustomers(customerIds: string[]): Promise<number> {
    let deleted = 0;
    for (const customerId of customerIds) {
      try {
        if ((await this.stripe.deleteCustomer(customerId)) === 'deleted') deleted += 1;
      } catch (error) {
        this.logger.error(
          { customerId, err: serializeError(error) },
          'Stripe customer not deleted',
        );
        throw new DomainError(
          'payment_provider_error',
          `Stripe did not delete customer ${customerId}: try the erasure again`,
        );
      }
    }
    return deleted;
  }

  /**
   * Failed (or retrying) jobs about the donor's emails, receipts, statements and events keep
   * their failure text in Redis: removed. Best effort: a failure is logged, and erasing again
   * retries it.
   */
  private async removeQueuedJobs(jobs: DonorJobIds): Promise<number> {
    const has = (ids: string[]) => {
      const set = new Set(ids);
      return (value: unknown) => typeof value === 'string' && set.has(value);
    };
    const email = has(jobs.emailIds);
    const receipt = has(jobs.receiptIds);
    const statement = has(jobs.statementIds);
    const event = has(jobs.eventIds);
    try {
      return (
        (await this.queues.removeFailedJobs('mail', (p) => email(p.emailId))) +
        (await this.queues.removeFailedJobs(
          'receipts',
          (p) => receipt(p.receiptId) || statement(p.statementId),
        )) +
        (await this.queues.removeFailedJobs('stripe-events', (p) => event(p.eventId)))
      );
    } catch (error) {
      this.logger.warn(
        { err: serializeError(error) },
        'failed jobs of an erased donor not removed from the queues: erase again to retry',
      );
      return 0;
    }
  }
}
