/**
 * The Stripe stand-in's control API, for the simulated card forms shown when GET /v1/config
 * says `simulated` (never in production). The donor portal's card update and the donation form
 * both complete their intents here instead of at Stripe.
 */

/** The card number the simulated forms treat as declined (Stripe's own test number). */
export const DECLINED_CARD = '4000000000000002';

export function isDeclinedCard(number: string): boolean {
  return number.replace(/\s/g, '') === DECLINED_CARD;
}

export type StandInOutcome = 'succeeded' | 'declined';

/** Why the stand-in could not be asked (the form shows its own words for a decline). */
export class StandInError extends Error {}

/**
 * Succeeds or fails a SetupIntent or PaymentIntent at the stand-in, as the card would.
 * `kind` is the path's object (`setup_intents`, `payment_intents`).
 */
export async function completeAtStandIn(
  standInUrl: string | undefined,
  kind: 'setup_intents' | 'payment_intents',
  id: string,
  declined: boolean,
): Promise<StandInOutcome> {
  if (!standInUrl)
    throw new StandInError('The Stripe stand-in’s address is missing from /v1/config.');
  const path = `/_stand-in/${kind}/${encodeURIComponent(id)}/${declined ? 'fail' : 'succeed'}`;
  // text/plain keeps this a simple cross-origin request (no preflight).
  const res = await fetch(standInUrl + path, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: '{}',
  }).catch(() => {
    throw new StandInError('Could not reach the Stripe stand-in.');
  });
  const body = (await res.json().catch(() => ({}))) as {
    status?: string;
    error?: { message?: string; type?: string };
  };
  // A decline answers like Stripe's: a card_error (HTTP 402).
  if (body.error?.type === 'card_error' || (declined && res.status === 402)) return 'declined';
  if (!res.ok)
    throw new StandInError(
      body.error?.message ?? `The stand-in refused the card (HTTP ${res.status}).`,
    );
  return body.status === 'succeeded' ? 'succeeded' : 'declined';
}

/** A PaymentIntent's id from its client secret (`pi_123_secret_abc` → `pi_123`). */
export function intentIdOf(clientSecret: string): string {
  return clientSecret.split('_secret_')[0];
}
