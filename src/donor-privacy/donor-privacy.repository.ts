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
  emails: number;
  sessions: number;
  signInTokens: number;
}

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

  /** Pledges that can still charge: every one not canceled or completed. */
  async livePledgeIds(em: EntityManager, donorId: string): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT id FROM pledges WHERE donor_id = $1 AND status NOT IN ('canceled', 'completed')
        ORDER BY created_at`,
      [donorId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Replaces the donor's personal data with a tombstone. `email` is the address they had (to
   * find what was sent to it); an erased donor keeps their first `erased_at`.
   */
  async erase(em: EntityManager, donorId: string, email: string | null): Promise<ErasureCounts> {
    await em.query(
      `UPDATE donors SET email = NULL, name = NULL, address = NULL,
              erased_at = coalesce(erased_at, now()), updated_at = now()
        WHERE id = $1`,
      [donorId],
    );
    // TypeORM's postgres driver answers a raw UPDATE or DELETE with [rows, affected count].
    const [, donations]: [unknown, number] = await em.query(
      `UPDATE donations SET message = NULL, tribute = NULL, updated_at = now()
        WHERE donor_id = $1 AND (message IS NOT NULL OR tribute IS NOT NULL)`,
      [donorId],
    );
    // Unsent emails are stopped as well as emptied: there is no one left to send them to.
    const [, emails]: [unknown, number] = await em.query(
      `UPDATE outbound_emails SET to_address = 'erased', text_body = NULL, html_body = NULL,
              status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,
              last_error = CASE WHEN status = 'pending' THEN 'not sent: the donor was erased'
                                WHEN last_error IS NULL THEN NULL
                                ELSE 'cleared: the donor was erased' END
        WHERE (donor_id = $1 OR ($2::text IS NOT NULL AND to_address = $2))
          AND (to_address <> 'erased' OR text_body IS NOT NULL OR html_body IS NOT NULL)`,
      [donorId, email],
    );
    if (email !== null) {
      // Mail servers' refusals quote the address; sending errors are kept, without it.
      for (const table of ['receipts', 'statements'] as const) {
        await em.query(
          `UPDATE ${table} SET last_error = replace(last_error, $2, '[erased]')
            WHERE donor_id = $1 AND strpos(last_error, $2) > 0`,
          [donorId, email],
        );
      }
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
    return { donations, emails, sessions, signInTokens };
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
              d.anonymous, d.message, d.tribute, d.pledge_id, d.received_amount, d.received_currency,
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
      stripe_subscription_id: string | null;
      cancel_reason: string | null;
      canceled_at: Date | null;
      created_at: Date;
    }[] = await this.dataSource.query(
      `SELECT p.id, c.slug, p.status, p.amount, p.currency, p.interval, p.installments,
              p.paid_installments, p.anonymous, p.stripe_subscription_id, p.cancel_reason,
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
      sent_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT id, number, type, status, donation_id, amount, currency, issued_at, voided_at,
              send_status, sent_at
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
      sentAt: r.sent_at,
    }));
  }

  async statements(donorId: string) {
    const rows: { year: number; send_status: string; sent_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT year, send_status, sent_at FROM statements WHERE donor_id = $1 ORDER BY year`,
        [donorId],
      );
    return rows.map((r) => ({ year: r.year, sendStatus: r.send_status, sentAt: r.sent_at }));
  }

  /** Emails sent (or meant) to the donor: what and when, never the bodies. */
  async emails(donorId: string) {
    const rows: {
      kind: string;
      subject: string;
      status: string;
      created_at: Date;
      sent_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT kind, subject, status, created_at, sent_at FROM outbound_emails
        WHERE donor_id = $1 ORDER BY created_at, id`,
      [donorId],
    );
    return rows.map((r) => ({
      kind: r.kind,
      subject: r.subject,
      status: r.status,
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
