import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DonorProfile, DonorsRepository, LockedDonor, ReceiptIdentity } from './donors.repository';

export type { DonorProfile, ReceiptIdentity };

/** Whether a monthly donor gets a receipt per installment or only the year-end statement. */
export type InstallmentReceipts = 'each' | 'year_end';

/**
 * Donors are an email address, and the receipt name and address they set themselves (signed in)
 * or staff corrected: a gift keeps the name and address it was given with, and no
 * unauthenticated request writes a donor.
 */
@Injectable()
export class DonorsService {
  constructor(private readonly donors: DonorsRepository) {}

  /** The donor with this email, created when there is none; an existing one is not written. */
  findOrCreateByEmail(em: EntityManager, email: string): Promise<{ id: string }> {
    return this.donors.findOrCreateByEmail(em, email);
  }

  /** The donor's email, name and address (erased ones too: all null but `erasedAt`). */
  profile(donorId: string): Promise<DonorProfile | null> {
    return this.donors.profile(donorId);
  }

  /**
   * The receipt name and address the donor (signed in) or staff chose, in the caller's
   * transaction; false when the donor is unknown or erased.
   */
  setReceiptIdentity(
    em: EntityManager,
    donorId: string,
    identity: ReceiptIdentity,
  ): Promise<boolean> {
    return this.donors.setReceiptIdentity(em, donorId, identity);
  }

  /**
   * A confirmed change of email, in the caller's transaction (which holds the donor's lock):
   * `taken` when another donor row has the address, and nothing changes.
   */
  replaceEmail(em: EntityManager, donorId: string, email: string): Promise<'replaced' | 'taken'> {
    return this.donors.replaceEmail(em, donorId, email);
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
