import { ValidateBy } from 'class-validator';
import { scheduleProblem } from '../common/config/environment';

const EXPECTED = 'deliveryCron must be a cron expression of 5 or 6 fields, such as "0 9 * * 1"';

/**
 * What is wrong with an action's `deliveryCron`, or undefined: a cron pattern of 5 or 6 fields
 * that BullMQ's own cron parser accepts, as the MAINTENANCE_* schedules (`61 * * * *` is refused
 * here, not left to fail at every check).
 */
export function deliveryCronProblem(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\S+( \S+){4,5}$/.test(value.trim())) return EXPECTED;
  const problem = scheduleProblem(value);
  return problem ? `${EXPECTED} (${problem.replace(/^.*\((.*)\)$/, '$1')})` : undefined;
}

export const IsDeliveryCron = () =>
  ValidateBy({
    // Its code is invalid_format, as a pattern's (`@Matches`) would be.
    name: 'invalidFormat',
    validator: {
      validate: (value: unknown) => deliveryCronProblem(value) === undefined,
      defaultMessage: (args) => deliveryCronProblem(args?.value) ?? EXPECTED,
    },
  });
