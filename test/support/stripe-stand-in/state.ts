/**
 * The stand-in's whole state: settings, the object store, the virtual clock, and the event
 * sink that records an event and hands it to webhook delivery. Domain modules take a
 * StandInState and a RequestMeta (which request, if any, caused the change).
 */
import type Stripe from 'stripe';
import { snapshot, fromFixture } from './objects';
import { FaultInjector } from './faults';
import { newId } from './ids';
import { Clock, ObjectStore, StripeObject } from './store';

export interface StandInSettings {
  /** The API version events carry when the endpoint names none: the SDK's pinned version. */
  apiVersion: string;
  /** The account's default (settlement) currency. */
  defaultCurrency: string;
  /** Percentage part of the processing fee, e.g. 2.9 for 2.9%. */
  feePercent: number;
  /** Fixed part of the processing fee in minor units of a two-decimal currency. */
  feeFixed: number;
  /** Dispute fee in minor units of a two-decimal currency. */
  disputeFee: number;
  /** Whether a won dispute also returns the dispute fee. */
  disputeFeeRefundedOnWin: boolean;
  /** Seconds until new balance transactions become available (0: immediately). */
  availableAfterSeconds: number;
}

/** How the stand-in behaves where Stripe can behave either way; set by the configure control. */
export interface StandInBehaviour {
  /**
   * New refunds start `pending` (as card refunds often do) and settle only through the
   * succeedRefund control (`charge.refund.updated`, `refund.updated`); default: `succeeded`
   * at once.
   */
  refundsPending: boolean;
}

const DEFAULT_BEHAVIOUR: StandInBehaviour = { refundsPending: false };

/** Which API request caused a change; control endpoints and timers have none. */
export interface RequestMeta {
  requestId: string | null;
  idempotencyKey: string | null;
}

export const NO_REQUEST: RequestMeta = { requestId: null, idempotencyKey: null };

export type EventListener = (event: Stripe.Event) => void;

export class StandInState {
  readonly store = new ObjectStore();
  readonly clock = new Clock();
  /** Checkout Session line items, which have no id of their parent. */
  readonly lineItems = new Map<string, Stripe.LineItem[]>();
  /** Balance transaction id -> the payout that paid it out. */
  readonly payoutOf = new Map<string, string>();
  /** Webhook endpoint id -> signing secret (not part of the endpoint object). */
  readonly webhookSecrets = new Map<string, string>();
  /** Stand-in bookkeeping per object id that is not part of the Stripe object. */
  private readonly internals = new Map<string, Record<string, unknown>>();
  /** API faults still to be injected (control: injectFaults). */
  readonly faults = new FaultInjector();
  behaviour: StandInBehaviour = { ...DEFAULT_BEHAVIOUR };
  /** Base URL clients use for pages the stand-in serves (Checkout, 3-D Secure). */
  publicUrl = '';

  /** Receives every new event (webhook delivery). */
  onEvent: EventListener = () => undefined;

  constructor(readonly settings: StandInSettings) {}

  /** Mutable side data for an object (e.g. a PaymentIntent's return_url). */
  internal<T extends Record<string, unknown>>(id: string): Partial<T> {
    let entry = this.internals.get(id);
    if (!entry) {
      entry = {};
      this.internals.set(id, entry);
    }
    return entry as Partial<T>;
  }

  now(): number {
    return this.clock.now();
  }

  insert<T extends StripeObject>(object: T): T {
    return this.store.insert(object);
  }

  /**
   * Records an event with a snapshot of `object` as it is now, and queues its delivery.
   * `previous` (the changed fields' old values) becomes `data.previous_attributes` on
   * `*.updated` events.
   */
  emit(type: string, object: object, meta: RequestMeta, previous?: object): Stripe.Event {
    const data: Record<string, unknown> = { object: snapshot(object) };
    // Stripe sends previous_attributes on `*.updated` events only.
    if (type.endsWith('.updated') && previous && Object.keys(previous).length > 0) {
      data.previous_attributes = snapshot(previous);
    }
    // Stripe.Event is a union over event types; build its common shape.
    const event = fromFixture<Omit<Stripe.EventBase, 'data'> & { data: unknown }>('event', {
      api_version: this.settings.apiVersion,
      created: this.now(),
      data,
      id: newId('evt'),
      livemode: false,
      object: 'event',
      pending_webhooks: 0,
      request: { id: meta.requestId, idempotency_key: meta.idempotencyKey },
      type: type as Stripe.Event.Type,
    }) as Stripe.Event;
    this.store.insert(event);
    this.onEvent(event);
    return event;
  }

  reset(): void {
    this.store.clear();
    this.clock.reset();
    this.lineItems.clear();
    this.payoutOf.clear();
    this.webhookSecrets.clear();
    this.internals.clear();
    this.faults.clear();
    this.behaviour = { ...DEFAULT_BEHAVIOUR };
  }
}
