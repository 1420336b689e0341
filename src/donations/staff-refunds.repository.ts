import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { StaffRefund } from './staff-refund.entity';

/** Staff refund requests: reserved, then made at Stripe or released when Stripe refuses. */
@Injectable()
export class StaffRefundsRepository {
  constructor(@InjectRepository(StaffRefund) private readonly repo: Repository<StaffRefund>) {}

  findIn(em: EntityManager, id: string): Promise<StaffRefund> {
    return em.findOneOrFail(StaffRefund, { where: { id } });
  }

  forDonation(em: EntityManager, donationId: string): Promise<StaffRefund[]> {
    return em.find(StaffRefund, { where: { donationId } });
  }

  reserve(
    em: EntityManager,
    refund: Pick<
      StaffRefund,
      'id' | 'donationId' | 'sequence' | 'amount' | 'reason' | 'requestedBy'
    >,
  ): Promise<StaffRefund> {
    return em.save(StaffRefund, em.create(StaffRefund, { ...refund, status: 'reserved' }));
  }

  /** Stripe refused it: the reserved amount is free again. */
  async release(id: string): Promise<void> {
    await this.repo.update({ id, status: 'reserved' }, { status: 'released' });
  }

  async markMade(id: string, stripeRefundId: string, amount: number): Promise<void> {
    await this.repo.update({ id }, { stripeRefundId, status: 'made', amount });
  }
}
