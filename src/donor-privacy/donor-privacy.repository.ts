import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { toSafeInteger } from '../common/database/bigint.transformer';
import { Tribute } from '../donations/donation.entity';
import { PostalAddress } from '../donors/donor.entity';

const toInt = (v: string | number | null): number | null => (v === null ? null : toSafeInteger(v));
const trimmed = (v: string | null): string | null => (v === null ? null : v.trim());

export interface LockedDonor {
  id: string;
  email: string | null;
  erasedAt: Date | null;
}

/** What the erasure cleared, row counts by table. */
export interface ErasureCounts {
  donations: number;
  pledges: number;
  emails: number;
  sendingErrors: number;
  jobFailures: number;
  sessions: number;
  signInTokens: number;
}

/** Rows about the donor whose jobs may linger in the queues, by the id their payload carries. */
export interface DonorJobIds {
  emailIds: string[];
  receiptIds: string[];
  statementIds: string[];
  eventIds: string[];
}

/** A stored Stripe event, payload included. */
export interface StoredEventRow {
  id: string;
  type: string;
  objectId: string | null;
  status: string;
  lastError: string | null;
  stripeCreatedAt: Date;
  receivedAt: Date;
  payload: Record<string, unknown>;
}

/** What erasure leaves in an error column that held one: the fact, not the text. */
export const ERASED_ERROR = 'cleared: the donor was erased';

/** Pledge statuses that can still charge: the donor or staff cancel these before erasure. */
const CHARGING_PLEDGE_STATUSES = ['active', 'paused', 'past_due'];

/**
 * The SQL of donor erasure and export. Erasure clears personal data in every table that may
 * hold it and never touches money: amounts, ledger rows, totals and receipt numbers stay.
 */
@Injectable()
export class DonorPrivacyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async findIdByEmail(email: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM donors WHERE email = $1`,
      [email],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Locks the donor's row for the transaction: a gift or pledge being recorded for them
   * (which upserts the same row) waits, or is seen by the checks that follow.
   */
  async lockDonor(em: EntityManager, id: string): Promise<LockedDonor | null> {
    const rows: { id: string; email: string | null; erased_at: Date | null }[] = await em.query(
      `SELECT id, email, erased_at FROM donors WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const r = rows[0];
    return r ? { id: r.id, email: r.email, erasedAt: r.erased_at } : null;
  }

  async exists(donorId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM donors WHERE id = $1`, [
      donorId,
    ]);
    return rows.length > 0;
  }

  /**
   * Pledges that can still charge (active, paused, past due), oldest first. An incomplete one
   * never charged: its subscription ends with the Stripe customer erasure deletes.
   */
  async livePledgeIds(
    donorId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT id FROM pledges WHERE donor_id = $1 AND status = ANY($2) ORDER BY created_at, id`,
      [donorId, CHARGING_PLEDGE_STATUSES],
    );
    return rows.map((r) => r.id);
  }

  /** The donor's Stripe customers: the donor's own and each pledge's. */
  async stripeCustomerIds(donorId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT stripe_customer_id AS id FROM donors WHERE id = $1 AND stripe_customer_id IS NOT NULL
       UNION
       SELECT stripe_customer_id FROM pledges WHERE donor_id = $1 AND stripe_customer_id IS NOT NULL`,
      [donorId],
    );
    return rows.map((r) => r.id).sort();
  }

  /**
   * The Stripe events about the donor's money: those whose object is one of their customers,
   * subscriptions, payments, charges, invoices, refunds or disputes, or names one of them.
   */
  async storedEvents(
    donorId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<StoredEventRow[]> {
    const rows: {
      id: string;
      type: string;
      object_id: string | null;
      status: string;
      last_error: string | null;
      stripe_created_at: Date;
      received_at: Date;
      payload: Record<string, unknown>;
    }[] = await em.query(
      `WITH ids AS (
         SELECT stripe_customer_id AS id FROM donors WHERE id = $1
         UNION SELECT unnest(ARRAY[stripe_customer_id, stripe_subscription_id]) FROM pledges WHERE donor_id = $1
         UNION SELECT unnest(ARRAY[stripe_payment_intent_id, stripe_charge_id, stripe_invoice_id])
                 FROM donations WHERE donor_id = $1
         UNION SELECT unnest(ARRAY[l.stripe_payment_intent_id, l.stripe_charge_id, l.stripe_refund_id,
                                   l.stripe_dispute_id])
                 FROM ledger_entries l JOIN donations d ON d.id = l.donation_id WHERE d.donor_id = $1
       ), known AS (SELECT array_agg(id) AS ids FROM ids WHERE id IS NOT NULL)
       SELECT e.id, e.type, e.object_id, e.status, e.last_error, e.stripe_created_at, e.received_at,
              e.payload
         FROM stripe_events e, known k
        WHERE e.object_id = ANY(k.ids)
           OR e.payload #>> '{data,object,payment_intent}' = ANY(k.ids)
           OR e.payload #>> '{data,object,charge}' = ANY(k.ids)
           OR e.payload #>> '{data,object,customer}' = ANY(k.ids)
           OR e.payload #>> '{data,object,subscription}' = ANY(k.ids)
           OR e.payload #>> '{data,object,invoice}' = ANY(k.ids)
           OR e.payload #>> '{data,object,parent,subscription_details,subscription}' = ANY(k.ids)
        ORDER BY e.stripe_created_at, e.id`,
      [donorId],
    );
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      objectId: r.object_id,
      status: r.status,
      lastError: r.last_error,
      stripeCreatedAt: r.stripe_created_at,
      receivedAt: r.received_at,
      payload: r.payload,
    }));
  }

  /** Rewrites a stored event's payload (scrubbed again) and clears its error text. */
  async rewriteEvent(
    em: EntityManager,
    id: string,
    payload: Record<string, unknown>,
  ): Promise<void> {
    await em.query(
      `UPDATE stripe_events SET payload = $2,
              last_error = CASE WHEN last_error IS NOT NULL THEN $3 ELSE last_error END
        WHERE id = $1`,
      [id, JSON.stringify(payload), ERASED_ERROR],
    );
  }

  /** Audit rows about the donor: whose target names the donor or one of their gifts, pledges or receipts. */
  async auditRows(donorId: string) {
    const rows: {
      id: string;
      staff_key_name: string;
      role: string | null;
      action: string;
      target: Record<string, unknown>;
      request: Record<string, unknown> | null;
      response: Record<string, unknown> | null;
      status_code: number | null;
      occurred_at: Date;
    }[] = await this.dataSource.query(
      `WITH ids AS (
         SELECT $1::uuid::text AS id
         UNION SELECT id::text FROM donations WHERE donor_id = $1::uuid
         UNION SELECT id::text FROM pledges WHERE donor_id = $1::uuid
         UNION SELECT id::text FROM receipts WHERE donor_id = $1::uuid
       )
       SELECT a.id, a.staff_key_name, a.role, a.action, a.target, a.request, a.response,
              a.status_code, a.occurred_at
         FROM audit_log a
        WHERE EXISTS (SELECT 1 FROM jsonb_each_text(a.target) t WHERE t.value IN (SELECT id FROM ids))
        ORDER BY a.occurred_at, a.id`,
      [donorId],
    );
    return rows.map((r) => ({
      id: String(r.id),
      staffKeyName: r.staff_key_name,
      role: r.role,
      action: r.action,
      target: r.target,
      request: r.request,
      response: r.response,
      statusCode: r.status_code,
      occurredAt: r.occurred_at,
    }));
  }

  /** Ids of the donor's emails, receipts and statements, whose jobs may sit in the queues. */
  async jobIds(
    em: EntityManager,
    donorId: string,
    email: string | null,
  ): Promise<Omit<DonorJobIds, 'eventIds'>> {
    const rows: { kind: string; id: string }[] = await em.query(
      `SELECT 'email' AS kind, id::text FROM outbound_emails
        WHERE donor_id = $1 OR ($2::text IS NOT NULL AND to_address = $2)
       UNION ALL SELECT 'receipt', id::text FROM receipts WHERE donor_id = $1
       UNION ALL SELECT 'statement', id::text FROM statements WHERE donor_id = $1`,
      [donorId, email],
    );
    const of = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => r.id);
    return { emailIds: of('email'), receiptIds: of('receipt'), statementIds: of('statement') };
  }

  /**
   * Replaces the donor's personal data with a tombstone. `email` is the address they had (to
   * find what was sent to it); `jobs` the ids of their rows whose job failures are cleared. An
   * erased donor keeps their first `erased_at`.
   */
  async erase(
    em: EntityManager,
    donorId: string,
    email: string | null,
    jobs: DonorJobIds,
  ): Promise<ErasureCounts> {
    await em.query(
      `UPDATE donors SET email = NULL, name = NULL, address = NULL,
              erased_at = coalesce(erased_at, now()), updated_at = now()
        WHERE id = $1`,
      [donorId],
    );
    // TypeORM's postgres driver answers a raw UPDATE or DELETE with [rows, affected count].
    // Each gift's own public name, receipt name and address, message and tribute; amounts stay.
    const [, donations]: [unknown, number] = await em.query(
      `UPDATE donations SET message = NULL, tribute = NULL, display_name = NULL, donor_name = NULL,
              donor_address = NULL, updated_at = now()
        WHERE donor_id = $1
          AND (message IS NOT NULL OR tribute IS NOT NULL OR display_name IS NOT NULL
               OR donor_name IS NOT NULL OR donor_address IS NOT NULL)`,
      [donorId],
    );
    const [, pledges]: [unknown, number] = await em.query(
      `UPDATE pledges SET display_name = NULL, donor_name = NULL, donor_address = NULL,
              updated_at = now()
        WHERE donor_id = $1
          AND (display_name IS NOT NULL OR donor_name IS NOT NULL OR donor_address IS NOT NULL)`,
      [donorId],
    );
    // Unsent emails are stopped as well as emptied: there is no one left to send them to.
    const [, emails]: [unknown, number] = await em.query(
      `UPDATE outbound_emails SET to_address = 'erased', text_body = NULL, html_body = NULL,
              status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,
              last_error = CASE WHEN status = 'pending' THEN 'not sent: the donor was erased'
                                WHEN last_error IS NULL THEN NULL
                                ELSE $3 END
        WHERE (donor_id = $1 OR ($2::text IS NOT NULL AND to_address = $2))
          AND (to_address <> 'erased' OR text_body IS NOT NULL OR html_body IS NOT NULL
               OR (last_error IS NOT NULL AND last_error NOT IN ($3, 'not sent: the donor was erased')))`,
      [donorId, email, ERASED_ERROR],
    );
    // Mail servers' refusals quote the address (and may the name): the fact of a sending error
    // is kept, its text is not.
    let sendingErrors = 0;
    for (const table of ['receipts', 'statements'] as const) {
      const [, count]: [unknown, number] = await em.query(
        `UPDATE ${table} SET last_error = $2
          WHERE donor_id = $1 AND last_error IS NOT NULL AND last_error <> $2`,
        [donorId, ERASED_ERROR],
      );
      sendingErrors += count;
    }
    const [, jobFailures]: [unknown, number] = await em.query(
      `UPDATE job_failures SET error = $5
        WHERE error <> $5
          AND (payload->>'emailId' = ANY($1) OR payload->>'receiptId' = ANY($2)
               OR payload->>'statementId' = ANY($3) OR payload->>'eventId' = ANY($4))`,
      [jobs.emailIds, jobs.receiptIds, jobs.statementIds, jobs.eventIds, ERASED_ERROR],
    );
    if (email !== null) {
      // Any other failure that quotes the address (a job about someone else's row).
      await em.query(
        `UPDATE job_failures SET error = replace(error, $1, '[erased]') WHERE strpos(error, $1) > 0`,
        [email],
      );
    }
    const [, sessions]: [unknown, number] = await em.query(
      `DELETE FROM donor_sessions WHERE donor_id = $1`,
      [donorId],
    );
    const [, signInTokens]: [unknown, number] = await em.query(
      `DELETE FROM donor_sign_in_tokens WHERE donor_id = $1`,
      [donorId],
    );
    // A create request's key and body hash: of no use after the retry window, and the hash
    // was made from the donor's details.
    await em.query(
      `DELETE FROM idempotency_keys WHERE resource_id IN (
         SELECT id FROM donations WHERE donor_id = $1 UNION SELECT id FROM pledges WHERE donor_id = $1)`,
      [donorId],
    );
    return {
      donations,
      pledges,
      emails,
      sendingErrors,
      jobFailures,
      sessions,
      signInTokens,
    };
  }

  /** What an erased donor keeps: their erasure time, and the money records that stay. */
  async tombstone(
    em: EntityManager,
    donorId: string,
  ): Promise<{ erasedAt: Date; donations: number; receipts: number }> {
    const rows: { erased_at: Date; donations: number; receipts: number }[] = await em.query(
      `SELECT erased_at,
              (SELECT count(*)::int FROM donations WHERE donor_id = $1) AS donations,
              (SELECT count(*)::int FROM receipts WHERE donor_id = $1) AS receipts
         FROM donors WHERE id = $1`,
      [donorId],
    );
    const r = rows[0];
    return { erasedAt: r.erased_at, donations: r.donations, receipts: r.receipts };
  }

  async profile(donorId: string) {
    const rows: {
      id: string;
      email: string | null;
      name: string | null;
      address: PostalAddress | null;
      stripe_customer_id: string | null;
      installment_receipts: string;
      erased_at: Date | null;
      created_at: Date;
      updated_at: Date;
    }[] = await this.dataSource.query(
      `SELECT id, email, name, address, stripe_customer_id, installment_receipts, erased_at,
              created_at, updated_at
         FROM donors WHERE id = $1`,
      [donorId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      email: r.email,
      name: r.name,
      address: r.address,
      stripeCustomerId: r.stripe_customer_id,
      installmentReceipts: r.installment_receipts,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      erasedAt: r.erased_at,
    };
  }

  async donations(donorId: string) {
    const rows: {
      id: string;
      slug: string | null;
      kind: string;
      status: string;
      amount: string;
      currency: string;
      intended_amount: string;
      cover_fees: boolean;
      anonymous: boolean;
      display_name: string | null;
      donor_name: string | null;
      donor_address: PostalAddress | null;
      message: string | null;
      tribute: Tribute | null;
      pledge_id: string | null;
      received_amount: string | null;
      received_currency: string | null;
      fee_amount: string | null;
      refunded_amount: string;
      dispute_status: string | null;
      stripe_payment_intent_id: string | null;
      stripe_charge_id: string | null;
      stripe_invoice_id: string | null;
      created_at: Date;
      succeeded_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT d.id, c.slug, d.kind, d.status, d.amount, d.currency, d.intended_amount, d.cover_fees,
              d.anonymous, d.display_name, d.donor_name, d.donor_address, d.message, d.tribute,
              d.pledge_id, d.received_amount, d.received_currency,
              d.fee_amount, d.refunded_amount, d.dispute_status, d.stripe_payment_intent_id,
              d.stripe_charge_id, d.stripe_invoice_id, d.created_at, d.succeeded_at
         FROM donations d LEFT JOIN campaigns c ON c.id = d.campaign_id
        WHERE d.donor_id = $1
        ORDER BY d.created_at, d.id`,
      [donorId],
    );
    return rows.map((r) => ({
      id: r.id,
      campaign: r.slug,
      kind: r.kind,
      status: r.status,
      amount: toInt(r.amount),
      currency: trimmed(r.currency),
      intendedAmount: toInt(r.intended_amount),
      coverFees: r.cover_fees,
      anonymous: r.anonymous,
      displayName: r.display_name,
      donorName: r.donor_name,
      donorAddress: r.donor_address,
      message: r.message,
      tribute: r.tribute,
      pledgeId: r.pledge_id,
      receivedAmount: toInt(r.received_amount),
      receivedCurrency: trimmed(r.received_currency),
      feeAmount: toInt(r.fee_amount),
      refundedAmount: toInt(r.refunded_amount),
      disputeStatus: r.dispute_status,
      stripePaymentIntentId: r.stripe_payment_intent_id,
      stripeChargeId: r.stripe_charge_id,
      stripeInvoiceId: r.stripe_invoice_id,
      createdAt: r.created_at,
      succeededAt: r.succeeded_at,
    }));
  }

  async pledges(donorId: string) {
    const rows: {
      id: string;
      slug: string | null;
      status: string;
      amount: string;
      currency: string;
      interval: string;
      installments: number | null;
      paid_installments: number;
      anonymous: boolean;
      display_name: string | null;
      donor_name: string | null;
      donor_address: PostalAddress | null;
      stripe_customer_id: string | null;
      stripe_subscription_id: string | null;
      cancel_reason: string | null;
      canceled_at: Date | null;
      created_at: Date;
    }[] = await this.dataSource.query(
      `SELECT p.id, c.slug, p.status, p.amount, p.currency, p.interval, p.installments,
              p.paid_installments, p.anonymous, p.display_name, p.donor_name, p.donor_address,
              p.stripe_customer_id, p.stripe_subscription_id, p.cancel_reason,
              p.canceled_at, p.created_at
         FROM pledges p LEFT JOIN campaigns c ON c.id = p.campaign_id
        WHERE p.donor_id = $1
        ORDER BY p.created_at, p.id`,
      [donorId],
    );
    return rows.map((r) => ({
      id: r.id,
      campaign: r.slug,
      status: r.status,
      amount: toInt(r.amount),
      currency: trimmed(r.currency),
      interval: r.interval,
      installments: r.installments,
      paidInstallments: r.paid_installments,
      anonymous: r.anonymous,
      displayName: r.display_name,
      donorName: r.donor_name,
      donorAddress: r.donor_address,
      stripeCustomerId: r.stripe_customer_id,
      stripeSubscriptionId: r.stripe_subscription_id,
      cancelReason: r.cancel_reason,
      canceledAt: r.canceled_at,
      createdAt: r.created_at,
    }));
  }

  async receipts(donorId: string) {
    const rows: {
      id: string;
      number: string;
      type: string;
      status: string;
      donation_id: string;
      amount: string;
      currency: string;
      issued_at: Date;
      voided_at: Date | null;
      send_status: string;
      last_error: string | null;
      sent_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT id, number, type, status, donation_id, amount, currency, issued_at, voided_at,
              send_status, last_error, sent_at
         FROM receipts WHERE donor_id = $1
        ORDER BY issued_at, number`,
      [donorId],
    );
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      type: r.type,
      status: r.status,
      donationId: r.donation_id,
      amount: toInt(r.amount),
      currency: trimmed(r.currency),
      issuedAt: r.issued_at,
      voidedAt: r.voided_at,
      sendStatus: r.send_status,
      lastError: r.last_error,
      sentAt: r.sent_at,
    }));
  }

  async statements(donorId: string) {
    const rows: {
      year: number;
      send_status: string;
      last_error: string | null;
      sent_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT year, send_status, last_error, sent_at FROM statements WHERE donor_id = $1 ORDER BY year`,
      [donorId],
    );
    return rows.map((r) => ({
      year: r.year,
      sendStatus: r.send_status,
      lastError: r.last_error,
      sentAt: r.sent_at,
    }));
  }

  /**
   * Emails sent (or meant) to the donor: to whom, what, when and any sending error; never the
   * bodies (a sign-in email's body holds a live link until it is sent, then nothing).
   */
  async emails(donorId: string) {
    const rows: {
      kind: string;
      to_address: string;
      subject: string;
      status: string;
      last_error: string | null;
      created_at: Date;
      sent_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT kind, to_address, subject, status, last_error, created_at, sent_at FROM outbound_emails
        WHERE donor_id = $1 ORDER BY created_at, id`,
      [donorId],
    );
    return rows.map((r) => ({
      kind: r.kind,
      toAddress: r.to_address,
      subject: r.subject,
      status: r.status,
      lastError: r.last_error,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    }));
  }

  async sessionCounts(donorId: string): Promise<{ count: number; active: number }> {
    const rows: { count: number; active: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count,
              (count(*) FILTER (WHERE revoked_at IS NULL AND expires_at > now()))::int AS active
         FROM donor_sessions WHERE donor_id = $1`,
      [donorId],
    );
    return rows[0];
  }
}
