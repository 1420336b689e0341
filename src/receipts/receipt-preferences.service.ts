import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A monthly donor may take only the year-end statement instead of a receipt per installment. */
@Injectable()
export class ReceiptPreferencesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async set(donorId: string, installmentReceipts: 'each' | 'year_end') {
    await this.dataSource.query(
      `UPDATE donors SET installment_receipts = $2, updated_at = now() WHERE id = $1`,
      [donorId, installmentReceipts],
    );
    return { installmentReceipts };
  }
}
