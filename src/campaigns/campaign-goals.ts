import { DomainError, FieldProblem } from '../common/errors/domain-error';

/**
 * A campaign's goals: its goal, then its stretch goals (amounts above it, strictly increasing),
 * all in the goal currency's minor unit. Progress (`raised`, in the goal currency) reaches a
 * goal when it is at least that amount.
 */
export interface GoalsOf {
  goalAmount: number;
  stretchGoals: number[];
}

/** At most this many stretch goals: a campaign shows one next goal at a time. */
export const MAX_STRETCH_GOALS = 10;

/** The goal, then each stretch goal, in increasing order. */
export function goalsOf(c: GoalsOf): number[] {
  return [c.goalAmount, ...c.stretchGoals];
}

/** The last goal: the highest stretch goal, else the goal. */
export function finalGoal(c: GoalsOf): number {
  const goals = goalsOf(c);
  return goals[goals.length - 1];
}

/** How many of the goals `raised` has reached (0 until the goal is reached). */
export function goalsReached(c: GoalsOf, raised: number): number {
  return goalsOf(c).filter((goal) => raised >= goal).length;
}

/** The first goal not reached yet; once every goal is reached, the last. */
export function nextGoal(c: GoalsOf, raised: number): number {
  return goalsOf(c).find((goal) => raised < goal) ?? finalGoal(c);
}

/** True once `raised` reaches the final goal: what closes a campaign that `closeAtGoal`. */
export function finalGoalReached(c: GoalsOf, raised: number): boolean {
  return raised >= finalGoal(c);
}

/**
 * Checks stretch goals (their shape is the request class's: at most 10 positive integers)
 * against the goal: each above `goal.amount` and above the one before it. Every problem is
 * reported, by field (`stretchGoals.1`), in one 400. `changedGoal` says the goal is what moved
 * (a PATCH of `goal` alone), so the message says to send stretch goals along.
 */
export function checkStretchGoals(
  stretchGoals: number[],
  goalAmount: number,
  changedGoal = false,
): number[] {
  const problems: FieldProblem[] = [];
  stretchGoals.forEach((amount, i) => {
    const name = `stretchGoals.${i}`;
    if (amount <= goalAmount) {
      const hint = changedGoal ? ': send stretchGoals with the new goal, or [] to remove them' : '';
      problems.push({
        name,
        code: 'out_of_range',
        message: `${name} (${amount}) must be above goal.amount (${goalAmount})${hint}`,
      });
    } else if (i > 0 && amount <= stretchGoals[i - 1]) {
      problems.push({
        name,
        code: 'out_of_range',
        message: `${name} (${amount}) must be above stretchGoals.${i - 1} (${stretchGoals[i - 1]}): stretch goals go up`,
      });
    }
  });
  if (problems.length)
    throw new DomainError('validation_failed', problems.map((p) => p.message).join('; '), {
      fields: problems,
    });
  return stretchGoals;
}
