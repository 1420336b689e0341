/**
 * How a campaign's progress is drawn, the same on the dashboard and in the widget. The API's
 * percent is floored to a tenth (never overstated). A bar's fill is that percent of its
 * width, with a visible sliver whenever anything is raised (0.4 % of a bar is less than a
 * pixel); the text says the percent, "< 0.1%" when something is raised but less than a tenth,
 * and "0%" only when nothing is.
 */
export interface ProgressFigures {
  raised: number;
  percent: number;
}

/** The fill's width, 0–100 (the CSS adds the sliver: see `progressSliver`). */
export function barPercent(p: ProgressFigures): number {
  return Math.max(0, Math.min(100, p.percent));
}

/** True when the bar needs its minimum sliver: something raised. */
export function progressSliver(p: ProgressFigures): boolean {
  return p.raised > 0;
}

/** "5%", "2.5%", "0.4%", "< 0.1%" or "0%". */
export function percentText(p: ProgressFigures): string {
  if (p.raised > 0 && p.percent < 0.1) return '< 0.1%';
  return `${Math.max(0, p.percent)}%`;
}

/** Signatures as a bar reads progress: `raised` is the count, the percent floored to a tenth. */
export function signatureProgress(signatures: number, goal: number): ProgressFigures {
  const percent = goal > 0 ? Math.floor((signatures * 1000) / goal) / 10 : 0;
  return { raised: signatures, percent };
}

/** What the campaign views say about goals (stretch goals are absent from older answers). */
export interface CampaignGoals {
  goal: { amount: number; currency: string };
  progress: ProgressFigures;
  stretchGoals?: number[];
  nextGoal?: { amount: number; currency: string; percent: number };
  goalsReached?: number;
}

/** The goal a progress display shows, and its bar's figures. */
export interface ShownGoal {
  /** The goal until it is reached; then, with stretch goals, the next one (or the last). */
  target: { amount: number; currency: string };
  /** Progress toward `target`. */
  figures: ProgressFigures;
  /**
   * What to say beside the figures: 'next' once the goal (or a stretch goal) is reached and
   * another stretch goal is next ("Goal reached — next goal €X"), 'all' once the last stretch
   * goal is reached; null before the goal is reached, and for a campaign without stretch goals
   * (shown as it always was).
   */
  stage: 'next' | 'all' | null;
}

export function shownGoal(c: CampaignGoals): ShownGoal {
  const stretch = c.stretchGoals ?? [];
  const reached = c.goalsReached ?? 0;
  if (!c.nextGoal || !stretch.length || reached < 1)
    return { target: c.goal, figures: c.progress, stage: null };
  return {
    target: { amount: c.nextGoal.amount, currency: c.nextGoal.currency },
    figures: { raised: c.progress.raised, percent: c.nextGoal.percent },
    stage: reached > stretch.length ? 'all' : 'next',
  };
}
