import { DomainError } from '../common/errors/domain-error';
import {
  checkStretchGoals,
  finalGoal,
  finalGoalReached,
  goalsOf,
  goalsReached,
  nextGoal,
} from './campaign-goals';

const plain = { goalAmount: 10_000, stretchGoals: [] };
const stretched = { goalAmount: 10_000, stretchGoals: [15_000, 20_000] };

const refusal = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('not refused');
};

describe('a campaign’s goals', () => {
  it('are the goal then the stretch goals; the final one is the last', () => {
    expect(goalsOf(stretched)).toEqual([10_000, 15_000, 20_000]);
    expect(finalGoal(stretched)).toBe(20_000);
    expect(goalsOf(plain)).toEqual([10_000]);
    expect(finalGoal(plain)).toBe(10_000);
  });

  it('shows the goal until it is reached, then each stretch goal, then stays on the last', () => {
    expect(nextGoal(stretched, 0)).toBe(10_000);
    expect(nextGoal(stretched, 9_999)).toBe(10_000);
    // Reaching a goal means raising at least its amount.
    expect(nextGoal(stretched, 10_000)).toBe(15_000);
    expect(nextGoal(stretched, 19_999)).toBe(20_000);
    expect(nextGoal(stretched, 20_000)).toBe(20_000);
    expect(nextGoal(stretched, 90_000)).toBe(20_000);
    expect(nextGoal(plain, 50_000)).toBe(10_000);
  });

  it('counts the goals reached, refunds taking progress back below one included', () => {
    expect(goalsReached(stretched, -500)).toBe(0);
    expect(goalsReached(stretched, 9_999)).toBe(0);
    expect(goalsReached(stretched, 10_000)).toBe(1);
    expect(goalsReached(stretched, 15_000)).toBe(2);
    expect(goalsReached(stretched, 25_000)).toBe(3);
    expect(goalsReached(plain, 10_000)).toBe(1);
  });

  it('says when the final goal is reached (what closeAtGoal acts on)', () => {
    expect(finalGoalReached(stretched, 15_000)).toBe(false);
    expect(finalGoalReached(stretched, 20_000)).toBe(true);
    expect(finalGoalReached(plain, 9_999)).toBe(false);
    expect(finalGoalReached(plain, 10_000)).toBe(true);
  });
});

describe('stretch goals as sent', () => {
  it('takes increasing amounts above the goal, and none', () => {
    expect(checkStretchGoals([15_000, 20_000], 10_000)).toEqual([15_000, 20_000]);
    expect(checkStretchGoals([], 10_000)).toEqual([]);
  });

  it('refuses amounts at or below the goal, and any not above the one before, naming each', () => {
    const error = refusal(() => checkStretchGoals([10_000, 30_000, 30_000, 20_000], 10_000));
    expect(error.code).toBe('validation_failed');
    expect(error.options.fields).toEqual([
      {
        name: 'stretchGoals.0',
        code: 'out_of_range',
        message: 'stretchGoals.0 (10000) must be above goal.amount (10000)',
      },
      {
        name: 'stretchGoals.2',
        code: 'out_of_range',
        message: 'stretchGoals.2 (30000) must be above stretchGoals.1 (30000): stretch goals go up',
      },
      {
        name: 'stretchGoals.3',
        code: 'out_of_range',
        message: 'stretchGoals.3 (20000) must be above stretchGoals.2 (30000): stretch goals go up',
      },
    ]);
    expect(error.message).toMatch(/^stretchGoals\.0 \(10000\) must be above goal\.amount/);
  });

  it('says what to do when the goal moved above stored stretch goals', () => {
    const error = refusal(() => checkStretchGoals([15_000, 20_000], 18_000, true));
    expect(error.options.fields?.map((f) => f.name)).toEqual(['stretchGoals.0']);
    expect(error.message).toBe(
      'stretchGoals.0 (15000) must be above goal.amount (18000): send stretchGoals with the new goal, or [] to remove them',
    );
  });
});
