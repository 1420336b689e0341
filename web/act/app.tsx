import { chooseLang, dirOf, Lang, MessageKey, t } from '../shared/i18n';
import { ActPage } from './sign';
import { ConfirmPage } from './confirm';

/**
 * /act/<campaign>/<action>?lang=fa (the letter and its sign form, in a frame of act.js or on its
 * own) and /act/confirm#token=… (the emailed link's page): the language from the query, else
 * the browser's, else English.
 */
const query = new URLSearchParams(location.search);
const lang: Lang = chooseLang(query.get('lang'), navigator.languages ?? [navigator.language]);
document.documentElement.lang = lang;
document.documentElement.dir = dirOf(lang);

export interface ActCtx {
  lang: Lang;
  tr: (key: MessageKey, vars?: Record<string, string>) => string;
  /** A count written in the language's digits and grouping (۱۲۳ in Persian). */
  num: (n: number) => string;
  /** A date (YYYY-MM-DD) written for the language, read as a calendar day (no time zone). */
  date: (day: string) => string;
}

const numbers = new Intl.NumberFormat(lang);
const dates = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' });
const ctx: ActCtx = {
  lang,
  tr: (key, vars) => t(lang, key, vars),
  num: (n) => numbers.format(n),
  date: (day) => {
    const at = Date.parse(`${day}T00:00:00Z`);
    return Number.isNaN(at) ? day : dates.format(at);
  },
};

/** A path segment as written, or '' when it is not valid percent-encoding. */
function segment(value: string | undefined): string {
  try {
    return decodeURIComponent(value ?? '');
  } catch {
    return '';
  }
}

export function App() {
  const [, campaign, action] = location.pathname.split('/').filter(Boolean).map(segment);
  if (campaign === 'confirm' && action === undefined) return <ConfirmPage ctx={ctx} />;
  return <ActPage ctx={ctx} campaign={campaign ?? ''} action={action ?? ''} />;
}
