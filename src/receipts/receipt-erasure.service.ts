import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReceiptsRepository } from './receipts.repository';

/**
 * What donor erasure asks of receipts and statements. Their numbers, amounts and dates are
 * money records and stay; only the sending errors, which may quote the donor, are cleared.
 */
@Injectable()
export class ReceiptErasureService {
  constructor(private readonly receipts: ReceiptsRepository) {}

  /** In the caller's transaction; returns how many receipts and statements had an error cleared. */
  clearSendingErrors(em: EntityManager, donorId: string): Promise<number> {
    return this.receipts.clearSendingErrors(em, donorId);
  }
}
