import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { AuditJson, AuditLog } from './audit-log.entity';
import { AuditFilter, AuditLogRepository, AuditOutcome, AuditStart } from './audit-log.repository';
import { redactForAudit, redactString } from './audit-redaction';

/**
 * The audit log, for every process: the API's interceptor and listing, the queue dashboard's
 * changes and operator commands. Rows are written before the action and completed after.
 */
@Injectable()
export class AuditService {
  constructor(private readonly log: AuditLogRepository) {}

  /** Writes the row of an action about to run, outcome pending; returns its id. */
  begin(entry: AuditStart): Promise<string> {
    return this.log.begin(entry);
  }

  /** Fills in the outcome of a pending row, once. */
  complete(id: string, outcome: AuditOutcome): Promise<void> {
    return this.log.complete(id, outcome);
  }

  /** Newest first; `before` an id or a time to page; optionally one action or key. */
  list(filter: AuditFilter): Promise<AuditLog[]> {
    return this.log.list(filter);
  }

  /**
   * Runs a state-changing operator command on the record, as the API does for staff requests:
   * the row (key name `cli`) is written first, so a command that cannot be recorded does not
   * run, and its outcome is filled in after: 200, or the error's status (500 when unknown).
   */
  async runCliCommand<T>(
    action: string,
    target: Record<string, unknown>,
    run: () => Promise<T>,
  ): Promise<T> {
    const id = await this.log.begin({
      staffKeyId: null,
      staffKeyName: 'cli',
      role: null,
      action,
      target: redactForAudit(target) as AuditJson,
      request: null,
    });
    try {
      const result = await run();
      await this.log.complete(id, { statusCode: 200, response: null });
      return result;
    } catch (error) {
      const statusCode = error instanceof DomainError ? error.status : 500;
      const message = error instanceof DomainError ? error.message : 'command failed';
      await this.log
        .complete(id, { statusCode, response: { error: redactString(message).slice(0, 500) } })
        .catch(() => undefined);
      throw error;
    }
  }
}
