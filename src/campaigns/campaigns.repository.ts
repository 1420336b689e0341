import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Campaign } from './campaign.entity';

export type NewCampaign = Pick<
  Campaign,
  'slug' | 'title' | 'description' | 'goalAmount' | 'goalCurrency' | 'currencies' | 'status'
> &
  Partial<Pick<Campaign, 'minAmount' | 'maxAmount' | 'hideAmounts' | 'startsAt' | 'endsAt'>>;

@Injectable()
export class CampaignsRepository {
  constructor(@InjectRepository(Campaign) private readonly repo: Repository<Campaign>) {}

  /** Inserts the campaigns whose slug is not taken yet; returns the slugs inserted. */
  async insertMissing(campaigns: NewCampaign[]): Promise<string[]> {
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values(campaigns)
      .orIgnore()
      .returning(['slug'])
      .execute();
    return (result.raw as { slug: string }[]).map((r) => r.slug);
  }

  findBySlug(slug: string): Promise<Campaign | null> {
    return this.repo.findOne({ where: { slug } });
  }
}
