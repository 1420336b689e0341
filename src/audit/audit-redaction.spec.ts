import { isSensitiveKey, redactForAudit, REDACTED, responseSummary } from './audit-redaction';

describe('audit redaction', () => {
  it('drops the values of personal and secret fields, at any depth', () => {
    expect(
      redactForAudit({
        name: 'Jane Roe',
        role: 'admin',
        amount: 2500,
        donor: { email: 'jane@example.org', address: { line1: '1 Main St' } },
        donorEmail: 'jane@example.org',
        idempotencyKey: 'abc-123-def',
        tribute: { kind: 'in_memory_of', name: 'Grandma' },
        items: [{ displayName: 'J' }],
      }),
    ).toEqual({
      name: REDACTED,
      role: 'admin',
      amount: 2500,
      donor: { email: REDACTED, address: REDACTED },
      donorEmail: REDACTED,
      idempotencyKey: REDACTED,
      tribute: REDACTED,
      items: [{ displayName: REDACTED }],
    });
  });

  it('masks emails and keys inside other strings', () => {
    expect(
      redactForAudit({ note: 'asked by jane@example.org with pbk_abc_def and sk_test_123' }),
    ).toEqual({ note: `asked by ${REDACTED} with ${REDACTED} and ${REDACTED}` });
  });

  it('keeps ordinary fields', () => {
    expect(isSensitiveKey('slug')).toBe(false);
    expect(isSensitiveKey('status')).toBe(false);
    expect(isSensitiveKey('goal')).toBe(false);
    expect(isSensitiveKey('toAddress')).toBe(true);
    expect(redactForAudit({ slug: 'c-1', goal: { amount: 5, currency: 'usd' } })).toEqual({
      slug: 'c-1',
      goal: { amount: 5, currency: 'usd' },
    });
  });

  it('keeps only the id and status of a response', () => {
    expect(responseSummary({ id: 'k1', key: 'pbk_x_y', name: 'Me', status: 'active' })).toEqual({
      id: 'k1',
      status: 'active',
    });
    expect(responseSummary({ key: 'pbk_x_y' })).toBeNull();
    expect(responseSummary([{ id: 1 }])).toBeNull();
    expect(responseSummary(undefined)).toBeNull();
  });
});
