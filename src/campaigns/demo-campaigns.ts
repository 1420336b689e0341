import { NewCampaign } from './campaigns.repository';

/** The offline demo's campaigns, from our first user's campaign page. */
export const DEMO_CAMPAIGNS: NewCampaign[] = [
  {
    slug: 'release-the-seven-ashraf-hostages',
    title: 'Release the seven Ashraf hostages',
    description:
      'Seven residents were abducted from Camp Ashraf in Iraq. Fund the campaign for their ' +
      'release: legal work, advocacy at the UN and support for their families.',
    goalAmount: 25_000_000,
    goalCurrency: 'usd',
    // Once the goal is reached, the widget and the form show the next one.
    stretchGoals: [40_000_000, 60_000_000],
    currencies: ['usd', 'eur', 'gbp'],
    minAmount: 500,
    maxAmount: 10_000_000,
    limits: { eur: { min: 500, max: 10_000_000 }, gbp: { min: 500, max: 10_000_000 } },
    status: 'active',
  },
  {
    slug: 'protect-the-remaining-residents-of-camp-ashraf',
    title: 'Protect the remaining residents of Camp Ashraf',
    description:
      'Protection for the residents who remain: monitoring, legal aid and appeals to the UN ' +
      'to guarantee their safety.',
    goalAmount: 10_000_000,
    goalCurrency: 'usd',
    currencies: ['usd', 'eur', 'gbp'],
    minAmount: 500,
    maxAmount: 10_000_000,
    limits: { eur: { min: 500, max: 10_000_000 }, gbp: { min: 500, max: 10_000_000 } },
    status: 'active',
  },
];
