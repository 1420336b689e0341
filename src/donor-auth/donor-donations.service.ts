import { Injectable } from '@nestjs/common';
import { PageQuery } from '../common/validation/page.query';
import { DonorDonationView } from './donor-donation.dto';
import { DonorSessionsRepository } from './donor-sessions.repository';

/** A signed-in donor's own gifts: succeeded (refunded ones included) and pending. */
@Injectable()
export class DonorDonationsService {
  constructor(private readonly sessions: DonorSessionsRepository) {}

  async list(donorId: string, page: PageQuery): Promise<DonorDonationView[]> {
    const rows = await this.sessions.listDonorDonations(donorId, page.limit, page.before);
    return rows.map((r) => ({
      id: r.id,
      campaign: r.campaign,
      kind: r.kind,
      amount: r.amount,
      currency: r.currency,
      status: r.status,
      refundedAmount: r.refundedAmount,
      createdAt: r.createdAt.toISOString(),
      succeededAt: r.succeededAt?.toISOString() ?? null,
      ...(r.pledgeId ? { pledgeId: r.pledgeId } : {}),
    }));
  }
}
