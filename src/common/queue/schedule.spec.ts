import { parseSchedule } from './schedule';

describe('parseSchedule', () => {
  it('reads cron patterns in the organisation time zone', () => {
    expect(parseSchedule('0 3 * * *', 'Europe/Paris')).toEqual({
      pattern: '0 3 * * *',
      tz: 'Europe/Paris',
    });
  });

  it('reads intervals in seconds, minutes and hours', () => {
    expect(parseSchedule('30s', 'UTC')).toEqual({ every: 30_000 });
    expect(parseSchedule('5m', 'UTC')).toEqual({ every: 300_000 });
    expect(parseSchedule('1h', 'UTC')).toEqual({ every: 3_600_000 });
  });

  it('turns a task off', () => {
    expect(parseSchedule('off', 'UTC')).toBeNull();
  });

  it('refuses an interval of zero', () => {
    expect(() => parseSchedule('0s', 'UTC')).toThrow(/shorter than one second/);
  });
});
