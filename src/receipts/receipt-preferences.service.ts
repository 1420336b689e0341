import { Injectable } from '@nestjs/common';
import { DonorsService, InstallmentReceipts } from '../donors/donors.service';

/** A monthly donor may take only the year-end statement instead of a receipt per installment. */
@Injectable()
export class ReceiptPreferencesService {
  constructor(private readonly donors: DonorsService) {}

  async set(donorId: string, installmentReceipts: InstallmentReceipts) {
    await this.donors.setInstallmentReceipts(donorId, installmentReceipts);
    return { installmentReceipts };
  }
}
