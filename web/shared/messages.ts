/**
 * The pages' count phrases ("1 donation", "2 donations", "1 signature"), chosen by the language's plural
 * rules (Intl.PluralRules), never by `n === 1`: other languages have more forms than two
 * (Polish: one, few, many; Arabic: zero, one, two, few, many). English only for now; another
 * language is one more entry in CATALOGUE with the forms its rules name ("other" is required).
 */

/** Plural forms of a phrase; `{n}` is replaced by the number, formatted for the language. */
type Forms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const en = {
  donation: { one: '{n} donation', other: '{n} donations' },
  donor: { one: '{n} donor', other: '{n} donors' },
  paymentMade: { one: '{n} payment made', other: '{n} payments made' },
  pledgeRunning: { one: '{n} pledge was running on it', other: '{n} pledges were running on it' },
  donorEmailed: { one: '{n} donor is emailed', other: '{n} donors are emailed' },
  signature: { one: '{n} signature', other: '{n} signatures' },
} satisfies Record<string, Forms>;

export type CountPhrase = keyof typeof en;
export type Language = 'en';

const CATALOGUE: Record<Language, Record<CountPhrase, Forms>> = { en };

const rules = new Map<Language, Intl.PluralRules>();
const numbers = new Map<Language, Intl.NumberFormat>();

/** "1 donation", "2 donations", "1,250 donations": the phrase for `n` in `language`. */
export function count(phrase: CountPhrase, n: number, language: Language = 'en'): string {
  let rule = rules.get(language);
  if (!rule) rules.set(language, (rule = new Intl.PluralRules(language)));
  let number = numbers.get(language);
  if (!number) numbers.set(language, (number = new Intl.NumberFormat(language)));
  const forms = CATALOGUE[language][phrase];
  return (forms[rule.select(n)] ?? forms.other).replace('{n}', number.format(n));
}
