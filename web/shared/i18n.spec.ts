import { catalogue, chooseLang, dirOf, LANGUAGES, t } from './i18n';

describe('the donation form’s catalogue', () => {
  const all = catalogue();
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('has every string in every language, with the same placeholders as English', () => {
    const keys = Object.keys(all.en);
    for (const lang of LANGUAGES) {
      expect(Object.keys(all[lang]).sort()).toEqual([...keys].sort());
      for (const key of keys) {
        const text = all[lang][key as keyof typeof all.en];
        expect(text.trim()).not.toBe('');
        expect(placeholders(text)).toEqual(placeholders(all.en[key as keyof typeof all.en]));
      }
    }
    // Translated, not copied: most French and Persian strings differ from the English.
    const same = (lang: 'fr' | 'fa') =>
      keys.filter((k) => all[lang][k as keyof typeof all.en] === all.en[k as keyof typeof all.en]);
    expect(same('fr')).toEqual([]);
    expect(same('fa')).toEqual([]);
  });

  it('fills placeholders', () => {
    expect(t('fr', 'pay', { charge: '25,00 €' })).toBe('Payer 25,00 €');
  });

  it('picks data-lang, else the browser’s first shipped language, else English; fa is rtl', () => {
    expect(chooseLang('fa', ['fr-FR'])).toBe('fa');
    expect(chooseLang('de', ['de-DE', 'fr-CA', 'en'])).toBe('fr');
    expect(chooseLang(null, ['de', 'it'])).toBe('en');
    expect(dirOf('fa')).toBe('rtl');
    expect(dirOf('fr')).toBe('ltr');
  });
});
