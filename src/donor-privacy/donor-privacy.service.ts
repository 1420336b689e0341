import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { normaliseEmail } from '../donors/donors.repository';
import { DonorExport, ErasedDonorView } from './donor-privacy.dto';
import { DonorPrivacyRepository } from './donor-privacy.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notFound(id: string): DomainError {
  return new DomainError('not_found', `No donor ${id}`);
}

/**
 * A donor's rights over their data: staff find them by email, export everything held on them,
 * and erase it. Erasure keeps the money (amounts, dates, ledger, receipt numbers, totals) and
 * the rows that link it, and clears who gave it.
 */
@Injectable()
export class DonorPrivacyService {
  constructor(private readonly donors: DonorPrivacyRepository) {}

  async findByEmail(email: string): Promise<{ id: string }> {
    const id = await this.donors.findIdByEmail(normaliseEmail(email));
    if (!id) throw new DomainError('not_found', 'No donor has this email address');
    return { id };
  }

  /**
   * Erases the donor's personal data, or refuses (409) while a pledge of theirs can still
   * charge: cancelling is the donor's or staff's decision, not a side effect. Erasing again
   * answers the same, and clears anything that has reappeared since.
   */
  async erase(id: string): Promise<ErasedDonorView> {
    if (!UUID.test(id)) throw notFound(id);
    return this.donors.transaction(async (em) => {
      const donor = await this.donors.lockDonor(em, id);
      if (!donor) throw notFound(id);
      const live = await this.donors.livePledgeIds(em, id);
      if (live.length) {
        throw new DomainError(
          'conflict',
          `The donor has active pledges: cancel them first (${live.join(', ')})`,
        );
      }
      await this.donors.erase(em, id, donor.email);
      const kept = await this.donors.tombstone(em, id);
      return {
        id,
        status: 'erased',
        erasedAt: kept.erasedAt.toISOString(),
        kept: { donations: kept.donations, receipts: kept.receipts },
      };
    });
  }

  async export(id: string): Promise<DonorExport> {
    if (!UUID.test(id)) throw notFound(id);
    const profile = await this.donors.profile(id);
    if (!profile) throw notFound(id);
    const [donations, pledges, receipts, statements, emails, sessions] = await Promise.all([
      this.donors.donations(id),
      this.donors.pledges(id),
      this.donors.receipts(id),
      this.donors.statements(id),
      this.donors.emails(id),
      this.donors.sessionCounts(id),
    ]);
    return {
      exportedAt: new Date().toISOString(),
      profile,
      donations,
      pledges,
      receipts,
      statements,
      emails,
      sessions,
    };
  }
}
