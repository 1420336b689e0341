/**
 * The Stripe stand-in's public surface (see stand-in.server.ts).
 *
 *   const standIn = await startStripeStandIn({ webhooks: [{ url, secret }] });
 *   const stripe = new Stripe('sk_test_x', { host: '127.0.0.1', port: standIn.port, protocol: 'http' });
 *   const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' });
 *   await standIn.succeedPaymentIntent(intent.id); // charge, fee, payment_intent.succeeded webhook
 *   await standIn.settleDeliveries();
 *   await standIn.close();
 *
 * A stand-in in another process (main.ts) is driven with connectStripeStandIn(url), or with
 * plain HTTP: POST /_stand-in/payment_intents/:id/succeed and the other control endpoints.
 * `latencyMs: 250` (or `{ minMs: 100, maxMs: 400 }`) answers API calls at Stripe's speed.
 */
export { startStripeStandIn } from './stand-in.server';
export { describeLatency, parseStandInLatency } from './latency';
export type { StandInLatency } from './latency';
export type { StripeStandIn, StripeStandInOptions } from './stand-in.server';
export type {
  CloseDisputeBody,
  CompleteCheckoutSessionBody,
  ConfigureBody,
  CreatePayoutBody,
  DisputeChargeBody,
  FailPaymentIntentBody,
  FailRefundBody,
  FailSetupIntentBody,
  GiveUpSubscriptionBody,
  InjectFaultsBody,
  RefundChargeBody,
  RegisterWebhookEndpointBody,
  RenewSubscriptionBody,
  RenewSubscriptionResult,
  StandInConfiguration,
  StripeStandInControl,
  SucceedInvoiceBody,
  SucceedPaymentIntentBody,
  SucceedSetupIntentBody,
} from './control';
export { connectStripeStandIn, StandInControlError } from './control-client';
export type { StripeErrorBody } from './errors';
export { signatureHeader } from './webhooks';
export type { FaultKind } from './faults';
export type {
  DeliveryAttempt,
  DeliveryMode,
  DeliveryStatus,
  EndpointDelivery,
  StandInEventRecord,
} from './webhooks';
