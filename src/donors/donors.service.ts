import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DonorsRepository, LockedDonor } from './donors.repository';

/** Whether a monthly donor gets a receipt per installment or only the year-end statement. */
export type InstallmentReceipts = 'each' | 'year_end';

/** Donors are an email address and nothing more: names and addresses belong to each gift. */
@Injectable()
export class DonorsService {
  constructor(private readonly donors: DonorsRepository) {}

  /** The donor with this email, created when there is none; never rewritten. */
  findOrCreateByEmail(em: EntityManager, email: string): Promise<{ id: string }> {
    return this.donors.findOrCreateByEmail(em, email);
  }

  setInstallmentReceipts(donorId: string, choice: InstallmentReceipts): Promise<void> {
    return this.donors.setInstallmentReceipts(donorId, choice);
  }

  /** Where to write to a donor now: null once they are erased. */
  currentEmail(em: EntityManager, donorId: string): Promise<string | null> {
    return this.donors.currentEmail(em, donorId);
  }

  /** Locks the donor's row for the caller's transaction (erasure); null when there is none. */
  lock(em: EntityManager, donorId: string): Promise<LockedDonor | null> {
    return this.donors.lock(em, donorId);
  }

  /** Erases the donor's email, name and address; answers when they were (first) erased. */
  erase(em: EntityManager, donorId: string): Promise<Date> {
    return this.donors.erase(em, donorId);
  }
}
