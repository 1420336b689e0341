import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, CampaignView } from '../shared/api';
import { publicConfig } from '../shared/config';
import { useTellHeight } from '../shared/frame';
import { chooseLang, dirOf, Lang, t } from '../shared/i18n';
import { Ctx, makeCtx, Started } from './context';
import { DonateForm, Draft, initialDraft } from './form';
import { Pay } from './pay';
import { Thanks } from './thanks';

/** /donate/<slug>?lang=fa: the slug from the path, the language from the query or browser. */
const slug = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const query = new URLSearchParams(location.search);
const lang: Lang = chooseLang(query.get('lang'), navigator.languages ?? [navigator.language]);
document.documentElement.lang = lang;
document.documentElement.dir = dirOf(lang);

type Followed = { kind: 'donation' | 'pledge'; id: string; clientSecret: string };

/**
 * Back from a Payment Element redirect (3-D Secure, a bank's page): the return URL names the
 * gift (`donation=` or `pledge=`), Stripe adds the intent's client secret. The page goes straight
 * to the thank-you, and the secret leaves the address bar and history.
 */
function returnFromStripe(): Followed | null {
  const clientSecret = query.get('payment_intent_client_secret');
  const kind = query.has('pledge') ? 'pledge' : query.has('donation') ? 'donation' : null;
  const id = kind && query.get(kind);
  if (!clientSecret || !kind || !id) return null;
  history.replaceState(null, '', `${location.pathname}?${new URLSearchParams({ lang })}`);
  return { kind, id, clientSecret };
}

const returned = returnFromStripe();

export function App() {
  const [ctx, setCtx] = useState<Ctx | null>(null);
  const [failure, setFailure] = useState<'not-found' | 'unavailable' | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [started, setStarted] = useState<Started | null>(null);
  const [step, setStep] = useState<'form' | 'pay' | 'thanks'>(returned ? 'thanks' : 'form');
  useTellHeight('donate', ctx ? step : `loading-${failure}`);

  useEffect(() => {
    setFailure(null);
    Promise.all([api<CampaignView>(`/v1/campaigns/${encodeURIComponent(slug)}`), publicConfig()])
      .then(([campaign, config]) => {
        const c = makeCtx(lang, slug, campaign, config);
        document.title = c.tr('pageTitle', { campaign: campaign.title });
        setCtx(c);
        setDraft((d) => d ?? initialDraft(c));
      })
      .catch((error) =>
        setFailure(
          error instanceof ApiError && (error.status === 404 || error.status === 400 || !slug)
            ? 'not-found'
            : 'unavailable',
        ),
      );
  }, [attempt]);

  if (failure === 'not-found')
    return (
      <section class="state" role="alert">
        <h1>{t(lang, 'notFound')}</h1>
        <p>{t(lang, 'notFoundBody')}</p>
      </section>
    );
  if (failure)
    return (
      <section class="state">
        <p class="alert alert-error" role="alert">
          {t(lang, 'loadFailed')}
        </p>
        <button type="button" onClick={() => setAttempt((n) => n + 1)}>
          {t(lang, 'retry')}
        </button>
      </section>
    );
  if (!ctx || !draft)
    return (
      <p class="state muted" role="status">
        {t(lang, 'loading')}
      </p>
    );

  if (step === 'thanks') {
    const followed = returned ?? started;
    if (followed)
      return (
        <Thanks
          ctx={ctx}
          kind={followed.kind}
          id={followed.id}
          clientSecret={followed.clientSecret}
        />
      );
  }
  if (ctx.campaign.status !== 'active')
    return (
      <section class="state">
        <h1>{ctx.campaign.title}</h1>
        <p class="alert alert-info" role="status">
          {ctx.tr(ctx.campaign.status === 'closed' ? 'campaignClosed' : 'notAccepting')}
        </p>
      </section>
    );
  if (step === 'pay' && started)
    return (
      <Pay
        ctx={ctx}
        started={started}
        onPaid={() => setStep('thanks')}
        onBack={() => setStep('form')}
      />
    );
  return (
    <DonateForm
      ctx={ctx}
      draft={draft}
      onDraft={setDraft}
      started={started}
      onStarted={(s) => {
        setStarted(s);
        setStep('pay');
      }}
    />
  );
}
