import { useEffect, useRef, useState } from 'preact/hooks';
import { api, messageOf } from '../shared/api';
import { Alert, Field, OutcomeAlert, useAction } from '../shared/ui';

export interface PublicConfig {
  stripePublishableKey: string | null;
  simulated: boolean;
  standInUrl?: string;
}

let config: Promise<PublicConfig> | null = null;
export function publicConfig(): Promise<PublicConfig> {
  config ??= api<PublicConfig>('/v1/config');
  return config;
}

interface Setup {
  setupIntentId: string;
  clientSecret: string;
}

/**
 * Update a pledge's card: the API starts a SetupIntent; Stripe's Payment Element confirms it
 * (a real key), or, with the Stripe stand-in, a simulated form completes it at the stand-in.
 * Either way the saved card reaches the pledge through Stripe's webhook.
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
    Promise.all([
      publicConfig(),
      api<Setup>(`/v1/donor/pledges/${props.pledgeId}/payment-method`, {
        method: 'POST',
        token: props.token,
      }),
    ])
      .then(([c, s]) => {
        setCfg(c);
        setSetup(s);
      })
      .catch((e) => setError(messageOf(e)));
  }, [props.pledgeId]);

  if (error)
    return (
      <div>
        <Alert kind="error">{error}</Alert>
        <button type="button" onClick={props.onCancel}>
          Close
        </button>
      </div>
    );
  if (!setup || !cfg) return <p class="muted">Preparing the card form…</p>;
  if (cfg.simulated || !cfg.stripePublishableKey)
    return (
      <SimulatedCard setup={setup} cfg={cfg} onDone={props.onDone} onCancel={props.onCancel} />
    );
  return (
    <PaymentElementForm
      setup={setup}
      publishableKey={cfg.stripePublishableKey}
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
          if (!props.cfg.simulated || !base)
            throw new Error(
              'Card updates are not available: this service has no Stripe publishable key configured.',
            );
          const declined = number.replace(/\s/g, '') === '4000000000000002';
          const path = `/_stand-in/setup_intents/${props.setup.setupIntentId}/${declined ? 'fail' : 'succeed'}`;
          // text/plain keeps this a simple cross-origin request (no preflight).
          const res = await fetch(base + path, {
            method: 'POST',
            headers: { 'Content-Type': 'text/plain' },
            body: '{}',
          }).catch(() => {
            throw new Error('Could not reach the Stripe stand-in.');
          });
          const body = (await res.json().catch(() => ({}))) as {
            status?: string;
            error?: { message?: string };
          };
          if (!res.ok)
            throw new Error(
              body.error?.message ?? `The stand-in refused the card (HTTP ${res.status}).`,
            );
          if (body.status !== 'succeeded')
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
        <Field id="sim-number" label="Card number (simulated)">
          <input
            id="sim-number"
            inputMode="numeric"
            autocomplete="off"
            value={number}
            onInput={(e) => setNumber(e.currentTarget.value)}
          />
        </Field>
        <Field id="sim-expiry" label="Expiry (MM/YY)">
          <input
            id="sim-expiry"
            autocomplete="off"
            value={expiry}
            onInput={(e) => setExpiry(e.currentTarget.value)}
          />
        </Field>
        <Field id="sim-cvc" label="CVC">
          <input
            id="sim-cvc"
            inputMode="numeric"
            autocomplete="off"
            value={cvc}
            onInput={(e) => setCvc(e.currentTarget.value)}
          />
        </Field>
      </div>
      <OutcomeAlert outcome={action.outcome} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? 'Saving…' : 'Save card'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function PaymentElementForm(props: {
  setup: Setup;
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
          const { error } = await stripe.confirmSetup({
            elements,
            redirect: 'if_required',
            confirmParams: { return_url: location.href },
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
      <div class="actions">
        <button type="submit" class="primary" disabled={!ready || action.busy}>
          {action.busy ? 'Saving…' : 'Save card'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
