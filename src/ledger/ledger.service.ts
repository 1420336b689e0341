import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PaymentState } from '../stripe/stripe-gateway';
import {
  GiftOwner,
  LedgerRepository,
  NewLedgerEntry,
  Progress,
  TotalsDrift,
} from './ledger.repository';
import { ledgerEntriesFor } from './payment-entries';

export type { GiftOwner, NewLedgerEntry, Progress, TotalsDrift };

/**
 * The ledger's door: entries are appended here (never edited) in the caller's transaction, and
 * noted as pending; the folder moves pending entries into the campaign totals and report
 * rollups in batches, and every read adds what is still pending.
 */
@Injectable()
export class LedgerService {
  constructor(private readonly ledger: LedgerRepository) {}

  /**
   * Appends the entries a payment's current state implies. Entries already recorded (by
   * dedupe key) are skipped, so a duplicate or late event adds nothing. Returns the entries
   * this call added.
   */
  async recordPayment(
    em: EntityManager,
    owner: GiftOwner,
    state: PaymentState,
  ): Promise<NewLedgerEntry[]> {
    const recorded = await this.ledger.existingKeys(
      em,
      state.refunds.map((r) => `refund:${r.id}`),
    );
    const recordedRefunds = new Set(
      state.refunds.filter((r) => recorded.has(`refund:${r.id}`)).map((r) => r.id),
    );
    const entries = ledgerEntriesFor(state, recordedRefunds);
    const added = new Set(await this.ledger.append(em, owner, entries));
    return entries.filter((e) => added.has(e.dedupeKey));
  }

  /** Appends entries of our own making (offline gifts and their reversals); returns keys added. */
  append(em: EntityManager, owner: GiftOwner, entries: NewLedgerEntry[]): Promise<string[]> {
    return this.ledger.append(em, owner, entries);
  }

  /** Folds up to `limit` pending entries into the totals; 0 when none, or another folder runs. */
  fold(limit: number): Promise<number> {
    return this.ledger.fold(limit);
  }

  /** How many entries wait to be folded, and when the oldest was appended. */
  unfolded(): Promise<{ count: number; oldestAt: Date | null }> {
    return this.ledger.unfolded();
  }

  /** Compares (and with `fix`, rebuilds) the totals against the ledger they sum. */
  reconcile(fix: boolean): Promise<TotalsDrift[]> {
    return this.ledger.reconcile(fix);
  }

  /** A new campaign's progress row, at zero, in the campaign's own transaction. */
  openProgress(em: EntityManager, campaignId: string): Promise<void> {
    return this.ledger.openProgress(em, campaignId);
  }

  /** Progress of each campaign, current: one primary-key read each, whatever the number of gifts. */
  progress(campaignIds: string[]): Promise<Map<string, Progress>> {
    return this.ledger.progress(campaignIds);
  }

  progressBySlug(slug: string): Promise<Progress | null> {
    return this.ledger.progressBySlug(slug);
  }
}
