import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditJson, AuditLog } from './audit-log.entity';
import { AuditCursor } from './list-audit.dto';

export interface AuditActor {
  staffKeyId: string | null;
  staffKeyName: string;
  role: string | null;
}

export interface AuditStart extends AuditActor {
  action: string;
  target: AuditJson;
  request: AuditJson | null;
}

export interface AuditOutcome {
  statusCode: number;
  response: AuditJson | null;
}

export interface AuditFilter {
  limit: number;
  before?: AuditCursor;
  action?: string;
  keyId?: string;
}

@Injectable()
export class AuditLogRepository {
  constructor(@InjectRepository(AuditLog) private readonly repo: Repository<AuditLog>) {}

  /** Writes the row of an action about to run, outcome pending; returns its id. */
  async begin(entry: AuditStart): Promise<string> {
    const rows: { id: string }[] = await this.repo.query(
      `INSERT INTO audit_log (staff_key_id, staff_key_name, role, action, target, request)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [
        entry.staffKeyId,
        entry.staffKeyName,
        entry.role,
        entry.action,
        JSON.stringify(entry.target),
        entry.request === null ? null : JSON.stringify(entry.request),
      ],
    );
    return String(rows[0].id);
  }

  /** Fills in the outcome of a pending row, once (the table's trigger refuses any other change). */
  async complete(id: string, outcome: AuditOutcome): Promise<void> {
    await this.repo.query(
      `UPDATE audit_log SET status_code = $2, response = $3 WHERE id = $1 AND status_code IS NULL`,
      [id, outcome.statusCode, outcome.response === null ? null : JSON.stringify(outcome.response)],
    );
  }

  /** Newest (highest id) first; `before` an id or a time to page; optionally one action or key. */
  list(filter: AuditFilter): Promise<AuditLog[]> {
    const qb = this.repo.createQueryBuilder('a').orderBy('a.id', 'DESC').limit(filter.limit);
    const before = filter.before;
    if (before && 'id' in before) qb.andWhere('a.id < :id', { id: before.id });
    if (before && 'time' in before) qb.andWhere('a.occurred_at < :time', { time: before.time });
    if (filter.action) qb.andWhere('a.action = :action', { action: filter.action });
    if (filter.keyId) qb.andWhere('a.staff_key_id = :keyId', { keyId: filter.keyId });
    return qb.getMany();
  }
}
