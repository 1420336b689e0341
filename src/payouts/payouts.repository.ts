import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { toSafeInteger } from '../common/database/bigint.transformer';
import { Payout } from './payout.entity';

export interface MatchedEntry {
  id: string;
  kind: string;
  amount: number;
  currency: string;
  donationId: string | null;
  balanceTransactionId: string;
}

@Injectable()
export class PayoutsRepository {
  constructor(@InjectRepository(Payout) private readonly repo: Repository<Payout>) {}

  async upsert(payout: Omit<Payout, 'updatedAt'>): Promise<void> {
    await this.repo.upsert(payout, ['id']);
  }

  findById(id: string): Promise<Payout | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** Our ledger entries for these balance transactions. */
  async entriesFor(balanceTransactionIds: string[]): Promise<MatchedEntry[]> {
    if (!balanceTransactionIds.length) return [];
    const rows: Record<string, string>[] = await this.repo.query(
      `SELECT id, kind, amount, currency, donation_id, stripe_balance_transaction_id
         FROM ledger_entries WHERE stripe_balance_transaction_id = ANY($1) ORDER BY id`,
      [balanceTransactionIds],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      amount: toSafeInteger(r.amount),
      currency: r.currency.trim(),
      donationId: r.donation_id,
      balanceTransactionId: r.stripe_balance_transaction_id,
    }));
  }
}
