import { ConfigError, validateEnvironment } from '../common/config/environment';
import { DomainError } from '../common/errors/domain-error';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { spreadsheetCsv } from '../common/csv/csv-safety';
import { assertSeriesSize, dayNumber, resolvePeriod, todayIn } from './report-period';

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).message;
  }
  throw new Error('not refused');
};

describe('report periods', () => {
  // 03:30 UTC on 1 December is still 30 November in New York.
  const now = new Date('2026-12-01T03:30:00Z');

  it('reads today in the organisation’s time zone', () => {
    expect(todayIn('UTC', now)).toBe('2026-12-01');
    expect(todayIn('America/New_York', now)).toBe('2026-11-30');
    expect(todayIn('Asia/Tokyo', new Date('2026-11-30T15:30:00Z'))).toBe('2026-12-01');
  });

  it('defaults to the current month there', () => {
    expect(resolvePeriod({}, 'America/New_York', now)).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(resolvePeriod({}, 'UTC', now)).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(resolvePeriod({}, 'UTC', new Date('2028-02-10T00:00:00Z'))).toEqual({
      from: '2028-02-01',
      to: '2028-02-29',
    });
  });

  it('fills a missing bound', () => {
    expect(resolvePeriod({ to: '2026-02-14' }, 'UTC', now)).toEqual({
      from: '2026-02-01',
      to: '2026-02-14',
    });
    expect(resolvePeriod({ from: '2026-01-15' }, 'UTC', now)).toEqual({
      from: '2026-01-15',
      to: '2026-12-31',
    });
    expect(resolvePeriod({ from: '2026-03-01', to: '2026-03-01' }, 'UTC', now)).toEqual({
      from: '2026-03-01',
      to: '2026-03-01',
    });
  });

  it('refuses impossible dates and reversed periods, naming the field', () => {
    expect(dayNumber('2026-02-29')).toBeNull();
    expect(dayNumber('2028-02-29')).not.toBeNull();
    expect(refusal(() => resolvePeriod({ from: '2026-13-01' }, 'UTC', now))).toMatch(/^from /);
    expect(refusal(() => resolvePeriod({ to: '2026-04-31' }, 'UTC', now))).toMatch(/^to /);
    expect(refusal(() => resolvePeriod({ from: '2026-05-02', to: '2026-05-01' }, 'UTC', now))).toBe(
      'from must not be after to',
    );
  });

  it('caps the number of buckets of a series', () => {
    const decade = { from: '2020-01-01', to: '2029-12-31' };
    expect(refusal(() => assertSeriesSize(decade, 'day'))).toMatch(/^interval day/);
    expect(() => assertSeriesSize(decade, 'week')).not.toThrow();
    expect(() => assertSeriesSize(decade, 'month')).not.toThrow();
  });
});

describe('spreadsheetCsv', () => {
  const run = async (chunks: string[]): Promise<string> => {
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(chunks.map((c) => Buffer.from(c))),
      spreadsheetCsv(),
      async (source) => {
        for await (const chunk of source) out.push(chunk as Buffer);
      },
    );
    return Buffer.concat(out).toString('utf8');
  };

  it('starts with a BOM and ends records with CRLF', async () => {
    expect(await run(['a,b\n1,2\n'])).toBe('\ufeffa,b\r\n1,2\r\n');
  });

  it('keeps line feeds inside quoted cells, across chunk boundaries and doubled quotes', async () => {
    const csv = 'id,name\n1,"Line one\nline ""two""\nthree"\n2,Maryam\n';
    const whole = '\ufeffid,name\r\n1,"Line one\nline ""two""\nthree"\r\n2,Maryam\r\n';
    expect(await run([csv])).toBe(whole);
    for (let cut = 1; cut < csv.length; cut += 1) {
      expect(await run([csv.slice(0, cut), csv.slice(cut)])).toBe(whole);
    }
  });
});

describe('ORGANIZATION_TIMEZONE', () => {
  const valid = {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/pledges',
    REDIS_URL: 'redis://127.0.0.1:6379',
    STRIPE_SECRET_KEY: 'sk_test_123',
    STRIPE_WEBHOOK_SECRETS: 'whsec_a',
    SMTP_URL: 'smtp://127.0.0.1:1025',
    MAIL_FROM: 'Receipts <receipts@example.org>',
    PUBLIC_BASE_URL: 'https://give.example.org',
  };

  it('defaults to UTC and keeps an IANA name in its canonical spelling', () => {
    expect(validateEnvironment(valid).ORGANIZATION_TIMEZONE).toBe('UTC');
    expect(
      validateEnvironment({ ...valid, ORGANIZATION_TIMEZONE: 'europe/paris' })
        .ORGANIZATION_TIMEZONE,
    ).toBe('Europe/Paris');
  });

  it.each(['Mars/Olympus', '+01:00', 'not a zone'])('refuses %p, naming the variable', (zone) => {
    expect(() => validateEnvironment({ ...valid, ORGANIZATION_TIMEZONE: zone })).toThrow(
      new ConfigError(
        'Invalid configuration: ORGANIZATION_TIMEZONE must be an IANA time zone such as Europe/Paris',
      ),
    );
  });
});
