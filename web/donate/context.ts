import { CampaignView } from '../shared/api';
import { PublicConfig } from '../shared/config';
import { Lang, MessageKey, problemMessage, t } from '../shared/i18n';
import { formatMoney } from '../shared/money';

/** How often a gift is given: once, or a pledge's interval (the API's `interval`). */
export const FREQUENCIES = ['once', 'week', 'month', 'quarter', 'year'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

const PER: Record<Frequency, MessageKey | null> = {
  once: null,
  week: 'perWeek',
  month: 'perMonth',
  quarter: 'perQuarter',
  year: 'perYear',
};

/** "$10.30", "$10.30 a week", "$10.30 a quarter"…: an amount and how often it is given. */
export function everyText(ctx: Ctx, frequency: Frequency, amount: string): string {
  const key = PER[frequency];
  return key ? ctx.tr(key, { amount }) : amount;
}

/** "Your gift: $10.30 a quarter", as the card step's summary says it. */
export const YOU_GIVE: Record<Frequency, MessageKey> = {
  once: 'youGive',
  week: 'youGiveWeekly',
  month: 'youGiveMonthly',
  quarter: 'youGiveQuarterly',
  year: 'youGiveYearly',
};

/** What the page knows once loaded: the language, the campaign and the deployment's config. */
export interface Ctx {
  lang: Lang;
  slug: string;
  campaign: CampaignView;
  config: PublicConfig;
  tr: (key: MessageKey, vars?: Record<string, string>) => string;
  money: (amount: number, currency: string) => string;
}

export function makeCtx(
  lang: Lang,
  slug: string,
  campaign: CampaignView,
  config: PublicConfig,
): Ctx {
  return {
    lang,
    slug,
    campaign,
    config,
    tr: (key, vars) => t(lang, key, vars),
    money: (amount, currency) => formatMoney(amount, currency, lang),
  };
}

/** A gift or pledge started at the API: what the card step and the thank-you need. */
export interface Started {
  kind: 'donation' | 'pledge';
  id: string;
  clientSecret: string;
  frequency: Frequency;
  currency: string;
  /** The gift as asked, and what the card is charged (fees included when covered). */
  amount: number;
  charge: number;
  coverFees: boolean;
  /** The request's fields other than amount and coverFees: a change to them starts anew. */
  signature: string;
}

/** A message for an API error, in the form's language (the API speaks English). */
export function problemText(ctx: Ctx, error: unknown): string {
  return problemMessage(ctx.tr, error, { notFound: 'notFound', notActive: 'notAccepting' });
}
