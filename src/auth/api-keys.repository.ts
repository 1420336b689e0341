import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ApiKey, StaffRole } from './api-key.entity';
import { isUuid } from '../common/validation/is-uuid';

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKey) private readonly repo: Repository<ApiKey>) {}

  create(key: {
    name: string;
    role: StaffRole;
    lookupId: string;
    secretHash: Buffer;
  }): Promise<ApiKey> {
    return this.repo.save(this.repo.create({ ...key, lastUsedAt: null, revokedAt: null }));
  }

  findActiveByLookupId(lookupId: string): Promise<ApiKey | null> {
    return this.repo.findOne({ where: { lookupId, revokedAt: IsNull() } });
  }

  findActiveById(id: string): Promise<ApiKey | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.repo.findOne({ where: { id, revokedAt: IsNull() } });
  }

  list(): Promise<ApiKey[]> {
    return this.repo.find({ order: { createdAt: 'ASC' } });
  }

  /** Revokes by id or public lookup id; false when there was no active key. */
  async revoke(idOrLookupId: string): Promise<boolean> {
    const byId = isUuid(idOrLookupId);
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where(byId ? 'id = :v' : 'lookup_id = :v', { v: idOrLookupId })
      .andWhere('revoked_at IS NULL')
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Last-used time at minute precision: one write a minute per key, not one per request. */
  async touch(id: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :id', { id })
      .andWhere(`(last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`)
      .execute();
  }
}
