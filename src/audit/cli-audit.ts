import { DomainError } from '../common/errors/domain-error';
import { AuditJson } from './audit-log.entity';
import { AuditLogRepository } from './audit-log.repository';
import { redactForAudit, redactString } from './audit-redaction';

/**
 * Runs a state-changing operator command on the record, as the API does for staff requests:
 * the row (key name `cli`) is written first, so a command that cannot be recorded does not
 * run, and its outcome is filled in after: 200, or the error's status (500 when unknown).
 *
 *   await auditedCliCommand(ctx.get(AuditLogRepository), 'cli reconcile --fix', {}, () => …)
 */
export async function auditedCliCommand<T>(
  audit: AuditLogRepository,
  action: string,
  target: Record<string, unknown>,
  run: () => Promise<T>,
): Promise<T> {
  const id = await audit.begin({
    staffKeyId: null,
    staffKeyName: 'cli',
    role: null,
    action,
    target: redactForAudit(target) as AuditJson,
    request: null,
  });
  try {
    const result = await run();
    await audit.complete(id, { statusCode: 200, response: null });
    return result;
  } catch (error) {
    const statusCode = error instanceof DomainError ? error.status : 500;
    const message = error instanceof DomainError ? error.message : 'command failed';
    await audit
      .complete(id, { statusCode, response: { error: redactString(message).slice(0, 500) } })
      .catch(() => undefined);
    throw error;
  }
}
