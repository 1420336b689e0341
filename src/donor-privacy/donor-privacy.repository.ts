import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { toSafeInteger } from '../common/database/bigint.transformer';
import { Tribute } from '../donations/donation.entity';
import { PostalAddress } from '../donors/donor.entity';

const toInt = (v: string | number | null): number | null => (v === null ? null : toSafeInteger(v));
const trimmed = (v: string | null): string | null => (v === null ? null : v.trim());

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

/** Pledge statuses that can still charge: the donor or staff cancel these before erasure. */
const CHARGING_PLEDGE_STATUSES = ['active', 'paused', 'past_due'];

/**
 * Read-only SQL across the donor's tables, for the export and for finding what erasure must
 * reach (pledges that can charge, Stripe customers and events, queued jobs' ids, what is
 * kept). It writes nothing: each table's own module clears its rows, through its service, in
 * the erasure's transaction (see DonorPrivacyService.erase).
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

  /** Ids of the donor's gifts and pledges: the resources their create requests' keys name. */
  async giftIds(em: EntityManager, donorId: string): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT id FROM donations WHERE donor_id = $1 UNION SELECT id FROM pledges WHERE donor_id = $1`,
      [donorId],
    );
    return rows.map((r) => r.id);
  }

  /** The money records an erased donor keeps: how many gifts and receipts. */
  async keptRecords(
    em: EntityManager,
    donorId: string,
  ): Promise<{ donations: number; receipts: number }> {
    const rows: { donations: number; receipts: number }[] = await em.query(
      `SELECT (SELECT count(*)::int FROM donations WHERE donor_id = $1) AS donations,
              (SELECT count(*)::int FROM receipts WHERE donor_id = $1) AS receipts`,
      [donorId],
    );
    return rows[0];
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
    // An email change waiting for its link (donor-auth's table, read here).
    const pending: { new_email: string; expires_at: Date }[] = await this.dataSource.query(
      `SELECT new_email, expires_at FROM donor_email_changes
        WHERE donor_id = $1 AND expires_at > now() ORDER BY created_at DESC LIMIT 1`,
      [donorId],
    );
    return {
      id: r.id,
      email: r.email,
      name: r.name,
      address: r.address,
      pendingEmail: pending[0]
        ? { email: pending[0].new_email, expiresAt: pending[0].expires_at }
        : null,
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
