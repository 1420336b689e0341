import { useEffect, useRef, useState } from 'preact/hooks';
import { Alert } from '../shared/ui';
import { completeAtStandIn, intentIdOf, isDeclinedCard } from '../shared/stand-in';
import { Ctx, everyText, Started, YOU_GIVE } from './context';

/**
 * The card step: Stripe's Payment Element with a publishable key, or (Stripe stand-in, never in
 * production) a simulated card that completes the PaymentIntent at the stand-in. A declined
 * card says so and leaves the form to try again; Back returns to the details.
 */
export function Pay(props: { ctx: Ctx; started: Started; onPaid: () => void; onBack: () => void }) {
  const { ctx, started } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const summary = YOU_GIVE[started.frequency];
  const amount = ctx.money(started.charge, started.currency);
  // What the donor pays, and how often: "$10.30 a month" on the total and the Pay button.
  const charge = everyText(ctx, started.frequency, amount);
  return (
    <section class="pay" aria-labelledby="pay-title">
      <h1 id="pay-title" tabIndex={-1} ref={heading}>
        {ctx.tr('payment')}
      </h1>
      <div class="summary">
        <p>{ctx.tr(summary, { amount: ctx.money(started.amount, started.currency) })}</p>
        {started.charge > started.amount && (
          <p class="fees-line">
            {ctx.tr('fees', {
              extra: ctx.money(started.charge - started.amount, started.currency),
            })}
          </p>
        )}
        <p class="total">{ctx.tr('total', { charge })}</p>
      </div>
      {ctx.config.simulated ? (
        <SimulatedCard {...props} charge={charge} />
      ) : ctx.config.stripePublishableKey ? (
        <PaymentElement {...props} charge={charge} />
      ) : (
        <>
          <Alert kind="error">{ctx.tr('cardUnavailable')}</Alert>
          <button type="button" onClick={props.onBack}>
            {ctx.tr('back')}
          </button>
        </>
      )}
    </section>
  );
}

function SimulatedCard(props: {
  ctx: Ctx;
  started: Started;
  charge: string;
  onPaid: () => void;
  onBack: () => void;
}) {
  const { ctx } = props;
  const [number, setNumber] = useState('4242 4242 4242 4242');
  const [expiry, setExpiry] = useState('12/34');
  const [cvc, setCvc] = useState('123');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const numberRef = useRef<HTMLInputElement>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const outcome = await completeAtStandIn(
        ctx.config.standInUrl,
        'payment_intents',
        intentIdOf(props.started.clientSecret),
        isDeclinedCard(number),
      );
      if (outcome === 'succeeded') return props.onPaid();
      setError(ctx.tr('declined'));
      numberRef.current?.focus();
    } catch (err) {
      setError(err instanceof Error ? err.message : ctx.tr('errGeneric'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card-form simulated" onSubmit={(e) => void submit(e)} noValidate>
      <h2>{ctx.tr('simulatedTitle')}</h2>
      <p class="hint" id="sim-hint">
        {ctx.tr('simulatedHint')}
      </p>
      <div class="field">
        <label for="card-number">{ctx.tr('cardNumber')}</label>
        <input
          id="card-number"
          ref={numberRef}
          inputMode="numeric"
          autocomplete="off"
          dir="ltr"
          aria-describedby={error ? 'sim-hint card-error' : 'sim-hint'}
          aria-invalid={error ? 'true' : undefined}
          value={number}
          onInput={(e) => setNumber(e.currentTarget.value)}
        />
      </div>
      <div class="pair">
        <div class="field">
          <label for="card-expiry">{ctx.tr('expiry')}</label>
          <input
            id="card-expiry"
            autocomplete="off"
            dir="ltr"
            value={expiry}
            onInput={(e) => setExpiry(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="card-cvc">{ctx.tr('cvc')}</label>
          <input
            id="card-cvc"
            inputMode="numeric"
            autocomplete="off"
            dir="ltr"
            value={cvc}
            onInput={(e) => setCvc(e.currentTarget.value)}
          />
        </div>
      </div>
      <div aria-live="assertive">
        {error && (
          <p class="alert alert-error" id="card-error">
            {error}
          </p>
        )}
      </div>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? ctx.tr('paying') : ctx.tr('pay', { charge: props.charge })}
        </button>
        <button type="button" onClick={props.onBack} disabled={busy}>
          {ctx.tr('back')}
        </button>
      </div>
    </form>
  );
}

function PaymentElement(props: {
  ctx: Ctx;
  started: Started;
  charge: string;
  onPaid: () => void;
  onBack: () => void;
}) {
  const { ctx, started } = props;
  const mount = useRef<HTMLDivElement>(null);
  const [confirm, setConfirm] = useState<(() => Promise<string | null>) | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let destroyed = false;
    let destroy = () => {};
    (async () => {
      // Loaded only here: with the stand-in, no page ever fetches js.stripe.com.
      const { loadStripe } = await import('@stripe/stripe-js');
      // Stripe has no Persian: its own words follow the browser there.
      const locale = ctx.lang === 'fa' ? 'auto' : ctx.lang;
      const stripe = await loadStripe(ctx.config.stripePublishableKey!, { locale });
      if (!stripe || destroyed || !mount.current) return;
      const elements = stripe.elements({ clientSecret: started.clientSecret, locale });
      const element = elements.create('payment');
      element.mount(mount.current);
      destroy = () => element.destroy();
      // After a redirect (3-D Secure, a bank's page) Stripe comes back here, carrying the
      // intent's client secret; the id says which gift to follow (see returnFromStripe).
      const back = new URL(location.pathname, location.origin);
      back.searchParams.set('lang', ctx.lang);
      back.searchParams.set(started.kind, started.id);
      setConfirm(() => async () => {
        const { error } = await stripe.confirmPayment({
          elements,
          redirect: 'if_required',
          confirmParams: { return_url: back.href },
        });
        return error ? (error.message ?? ctx.tr('declined')) : null;
      });
    })().catch(() => setError(ctx.tr('stripeFailed')));
    return () => {
      destroyed = true;
      destroy();
    };
  }, [started.clientSecret]);
  return (
    <form
      class="card-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!confirm) return;
        setBusy(true);
        setError(null);
        void confirm()
          .then((failure) => (failure ? setError(failure) : props.onPaid()))
          .catch(() => setError(ctx.tr('errGeneric')))
          .finally(() => setBusy(false));
      }}
    >
      <div ref={mount} class="payment-element" />
      <div aria-live="assertive">{error && <p class="alert alert-error">{error}</p>}</div>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || !confirm}>
          {busy ? ctx.tr('paying') : ctx.tr('pay', { charge: props.charge })}
        </button>
        <button type="button" onClick={props.onBack} disabled={busy}>
          {ctx.tr('back')}
        </button>
      </div>
    </form>
  );
}
