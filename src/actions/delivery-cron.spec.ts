import { latestFire } from './action-deliveries.service';
import { deliveryCronProblem } from './delivery-cron';

describe('deliveryCron', () => {
  it('accepts cron patterns BullMQ runs, refuses others naming the field', () => {
    expect(deliveryCronProblem('0 9 * * 1')).toBeUndefined();
    expect(deliveryCronProblem('*/30 * * * * *')).toBeUndefined();
    expect(deliveryCronProblem(null)).toBeUndefined();
    expect(deliveryCronProblem('61 * * * *')).toMatch(
      /^deliveryCron must be a cron expression.*59/,
    );
    expect(deliveryCronProblem('1h')).toMatch(/^deliveryCron must be a cron expression/);
    expect(deliveryCronProblem('every monday')).toMatch(/^deliveryCron must be/);
    expect(deliveryCronProblem(42)).toMatch(/^deliveryCron must be/);
  });

  it('finds the latest time a schedule came round, in the organisation time zone', () => {
    const now = new Date('2026-12-09T12:00:00Z'); // a Wednesday
    expect(latestFire('0 9 * * 1', 'UTC', now)).toEqual(new Date('2026-12-07T09:00:00Z'));
    // 09:00 in Paris is 08:00 UTC in winter.
    expect(latestFire('0 9 * * 1', 'Europe/Paris', now)).toEqual(new Date('2026-12-07T08:00:00Z'));
    expect(latestFire('0 12 * * *', 'UTC', now)).toEqual(new Date('2026-12-09T12:00:00Z'));
    expect(latestFire('off', 'UTC', now)).toBeNull();
    expect(latestFire('61 * * * *', 'UTC', now)).toBeNull();
  });
});
