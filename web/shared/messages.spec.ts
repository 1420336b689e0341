import { count } from './messages';
import { percentText } from './progress';

describe('count phrases (plural rules, not n === 1)', () => {
  it.each([
    ['donation', 0, '0 donations'],
    ['donation', 1, '1 donation'],
    ['donation', 2, '2 donations'],
    ['donor', 1, '1 donor'],
    ['donor', 1250, '1,250 donors'],
    ['paymentMade', 1, '1 payment made'],
    ['paymentMade', 3, '3 payments made'],
    ['pledgeRunning', 1, '1 pledge was running on it'],
    ['donorEmailed', 2, '2 donors are emailed'],
  ] as const)('%s × %d → %s', (phrase, n, text) => {
    expect(count(phrase, n)).toBe(text);
  });
});

describe('percentText (the figure beside a progress bar)', () => {
  it.each([
    [0, 0, '0%'],
    [100, 0, '< 0.1%'],
    [40_000, 0.4, '0.4%'],
    [50_000, 5, '5%'],
    [25_000, 2.5, '2.5%'],
    [2_000_000, 200, '200%'],
  ])('raised %d at %d %% → %s', (raised, percent, text) => {
    expect(percentText({ raised, percent })).toBe(text);
  });
});
