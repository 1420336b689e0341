import { useEffect, useRef, useState } from 'preact/hooks';
import { api, messageOf } from '../shared/api';
import { PublicConfig, publicConfig } from '../shared/config';
import { completeAtStandIn, isDeclinedCard } from '../shared/stand-in';
import { Alert, InputField, Outcome, OutcomeAlert, SubmitActions, useAction } from '../shared/ui';

interface Setup {
  setupIntentId: string;
  clientSecret: string;
}

/** Why a card cannot be updated here, or null when a card form can be shown. */
export function cardFormUnavailable(cfg: PublicConfig): string | null {
  if (cfg.simulated || cfg.stripePublishableKey) return null;
  return 'Card updates are not available: the site has no Stripe publishable key. Please contact us to update your card.';
}

/**
 * Update a pledge's card: the API starts a SetupIntent; Stripe's Payment Element confirms it
 * (a real key), or, with the Stripe stand-in (never in production), a simulated form completes
 * it at the stand-in. Either way the saved card reaches the pledge through Stripe's webhook.
 * Real Stripe without a publishable key: an error, never the simulated form.
 */
export function CardForm(props: {
  pledgeId: string;
  token: string;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const [setup, setSetup] = useState<Setup | null>(null);
  const [cfg, setCfg] = useState<PublicConfig | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    (async () => {
      const c = await publicConfig();
      setCfg(c);
      // No form to show: no SetupIntent to start.
      if (cardFormUnavailable(c)) return;
      setSetup(
        await api<Setup>(`/v1/donor/pledges/${props.pledgeId}/payment-method`, {
          method: 'POST',
          token: props.token,
        }),
      );
    })().catch((e) => setError(messageOf(e)));
  }, [props.pledgeId]);

  const unavailable = cfg && cardFormUnavailable(cfg);
  if (error || unavailable)
    return (
      <div>
        <Alert kind="error">{error ?? unavailable}</Alert>
        <button type="button" onClick={props.onCancel}>
          Close
        </button>
      </div>
    );
  if (!setup || !cfg) return <p class="muted">Preparing the card form…</p>;
  if (cfg.simulated)
    return (
      <SimulatedCard setup={setup} cfg={cfg} onDone={props.onDone} onCancel={props.onCancel} />
    );
  return (
    <PaymentElementForm
      setup={setup}
      pledgeId={props.pledgeId}
      publishableKey={cfg.stripePublishableKey!}
      onDone={props.onDone}
      onCancel={props.onCancel}
    />
  );
}

function SimulatedCard(props: {
  setup: Setup;
  cfg: PublicConfig;
  onDone: (m: string) => void;
  onCancel: () => void;
}) {
  const [number, setNumber] = useState('4242 4242 4242 4242');
  const [expiry, setExpiry] = useState('12/34');
  const [cvc, setCvc] = useState('123');
  const action = useAction();
  const base = props.cfg.standInUrl;
  return (
    <form
      class="simulated"
      aria-labelledby={`sim-${props.setup.setupIntentId}`}
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const outcome = await completeAtStandIn(
            base,
            'setup_intents',
            props.setup.setupIntentId,
            isDeclinedCard(number),
          );
          if (outcome !== 'succeeded')
            throw new Error('Your card was declined (simulated). Try another card.');
          props.onDone('Card updated (simulated). It will be used for your next payment.');
        });
      }}
    >
      <h4 id={`sim-${props.setup.setupIntentId}`}>
        Simulated card (test stand-in — no real card is charged)
      </h4>
      <p class="muted">
        This service uses a Stripe stand-in. Use 4242 4242 4242 4242 for a card that works, 4000
        0000 0000 0002 for one that is declined.
      </p>
      <div class="row">
        <InputField
          id="sim-number"
          label="Card number (simulated)"
          inputMode="numeric"
          autocomplete="off"
          value={number}
          onValue={setNumber}
        />
        <InputField
          id="sim-expiry"
          label="Expiry (MM/YY)"
          autocomplete="off"
          value={expiry}
          onValue={setExpiry}
        />
        <InputField
          id="sim-cvc"
          label="CVC"
          inputMode="numeric"
          autocomplete="off"
          value={cvc}
          onValue={setCvc}
        />
      </div>
      <OutcomeAlert outcome={action.outcome} />
      <SubmitActions
        class="primary"
        busy={action.busy}
        busyLabel="Saving…"
        label="Save card"
        onCancel={props.onCancel}
      />
    </form>
  );
}

function PaymentElementForm(props: {
  setup: Setup;
  pledgeId: string;
  publishableKey: string;
  onDone: (m: string) => void;
  onCancel: () => void;
}) {
  const mount = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState<{ confirm: () => Promise<string | null> } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const action = useAction();
  useEffect(() => {
    let destroyed = false;
    let destroy = () => {};
    (async () => {
      // Loaded only here: with the stand-in, no page ever fetches js.stripe.com.
      const { loadStripe } = await import('@stripe/stripe-js');
      const stripe = await loadStripe(props.publishableKey);
      if (!stripe || destroyed || !mount.current) return;
      const elements = stripe.elements({ clientSecret: props.setup.clientSecret });
      const element = elements.create('payment');
      element.mount(mount.current);
      destroy = () => element.destroy();
      setReady({
        confirm: async () => {
          // Cards confirm in place (3-D Secure in Stripe's own frame). A payment method that
          // must leave the page comes back to the pledge, where cardReturnOutcome reads it.
          const { error } = await stripe.confirmSetup({
            elements,
            redirect: 'if_required',
            confirmParams: { return_url: `${location.origin}/donor/pledges/${props.pledgeId}` },
          });
          return error ? (error.message ?? 'Your card could not be saved.') : null;
        },
      });
    })().catch(() =>
      setLoadError('Stripe’s card form could not be loaded: check your connection and try again.'),
    );
    return () => {
      destroyed = true;
      destroy();
    };
  }, [props.setup.clientSecret]);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const failure = await ready!.confirm();
          if (failure) throw new Error(failure);
          props.onDone('Card updated. It will be used for your next payment.');
        });
      }}
    >
      <h4>New card</h4>
      {loadError && <Alert kind="error">{loadError}</Alert>}
      <div ref={mount} />
      <OutcomeAlert outcome={action.outcome} />
      <SubmitActions
        class="primary"
        busy={action.busy}
        disabled={!ready}
        busyLabel="Saving…"
        label="Save card"
        onCancel={props.onCancel}
      />
    </form>
  );
}

/** Query parameters Stripe adds when it sends the donor back from a redirect. */
const RETURN_PARAMS = ['setup_intent', 'setup_intent_client_secret', 'redirect_status'];

/**
 * After a Payment Element redirect, Stripe returns to the pledge's page with the SetupIntent's
 * id, client secret and `redirect_status` in the query. Reads the outcome, and takes those
 * parameters out of the address bar and history (the secret must not linger or be bookmarked).
 * Null when this page load is not such a return.
 */
export function cardReturnOutcome(): Outcome {
  const query = new URLSearchParams(location.search);
  if (!query.has('setup_intent_client_secret') && !query.has('redirect_status')) return null;
  const status = query.get('redirect_status');
  for (const name of RETURN_PARAMS) query.delete(name);
  const rest = query.toString();
  history.replaceState(
    history.state,
    '',
    `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`,
  );
  if (status === 'succeeded')
    return { kind: 'success', text: 'Card updated. It will be used for your next payment.' };
  if (status === 'processing')
    return {
      kind: 'info',
      text: 'Your card is being confirmed. It will be used for your next payment once it is.',
    };
  return {
    kind: 'error',
    text: 'Your card could not be saved: the confirmation was not completed. Please try again with “Update card”.',
  };
}
