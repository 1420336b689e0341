import { shownGoal } from './progress';

const goal = { amount: 5000, currency: 'usd' };

describe('the goal a progress display shows', () => {
  it('is the goal, as it always was, before it is reached or without stretch goals', () => {
    const before = {
      goal,
      progress: { raised: 3000, percent: 60 },
      stretchGoals: [8000],
      nextGoal: { amount: 5000, currency: 'usd', percent: 60 },
      goalsReached: 0,
    };
    expect(shownGoal(before)).toEqual({ target: goal, figures: before.progress, stage: null });
    const plain = {
      goal,
      progress: { raised: 9000, percent: 180 },
      stretchGoals: [],
      nextGoal: { amount: 5000, currency: 'usd', percent: 180 },
      goalsReached: 1,
    };
    expect(shownGoal(plain)).toEqual({ target: goal, figures: plain.progress, stage: null });
    // An answer from before stretch goals existed.
    expect(shownGoal({ goal, progress: { raised: 1, percent: 0 } }).stage).toBeNull();
  });

  it('is the next stretch goal once the goal is reached, and says when all are', () => {
    const next = shownGoal({
      goal,
      progress: { raised: 5000, percent: 100 },
      stretchGoals: [8000, 12_000],
      nextGoal: { amount: 8000, currency: 'usd', percent: 62.5 },
      goalsReached: 1,
    });
    expect(next).toEqual({
      target: { amount: 8000, currency: 'usd' },
      figures: { raised: 5000, percent: 62.5 },
      stage: 'next',
    });
    const all = shownGoal({
      goal,
      progress: { raised: 13_000, percent: 260 },
      stretchGoals: [8000, 12_000],
      nextGoal: { amount: 12_000, currency: 'usd', percent: 108.3 },
      goalsReached: 3,
    });
    expect(all).toEqual({
      target: { amount: 12_000, currency: 'usd' },
      figures: { raised: 13_000, percent: 108.3 },
      stage: 'all',
    });
  });
});
