import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Stripe from 'stripe';
import { routeEvent } from '../../flows/stripe-events/event-router';
import { PERSONAL_KEYS, scrubStripeEvent } from './scrub-event';

/** Stripe's published object shapes, as the stand-in uses them. */
const fixtures: Record<string, Record<string, unknown>> = JSON.parse(
  readFileSync(join(__dirname, '../../../test/support/stripe-stand-in/fixtures.json'), 'utf8'),
).resources;

const NAME = 'Jenny Rosen Marker';
const EMAIL = 'jenny.marker@example.org';
const STREET = '1234 Marker Street';
const PHONE = '+15555550199';
const person = {
  address: { city: 'Paris', country: 'FR', line1: STREET, line2: null, postal_code: '75001' },
  email: EMAIL,
  name: NAME,
  phone: PHONE,
};

/** A fixture with every personal field we know of filled in, as a real payment would have. */
function withPerson(type: string): Record<string, unknown> {
  const object = structuredClone(fixtures[type]);
  const fill: Record<string, unknown> = {
    billing_details: person,
    customer_details: person,
    shipping: { address: person.address, name: NAME, phone: PHONE },
    customer_email: EMAIL,
    customer_name: NAME,
    customer_address: person.address,
    customer_phone: PHONE,
    receipt_email: EMAIL,
    description: `Gift from ${NAME}`,
  };
  for (const [key, value] of Object.entries(fill)) if (key in object) object[key] = value;
  if (type === 'customer') Object.assign(object, person);
  object.metadata = { donation_id: 'd-1', pledge_id: 'p-1', note: `for ${NAME}` };
  return object;
}

function event(type: string, object: Record<string, unknown>) {
  return {
    ...structuredClone(fixtures.event),
    id: 'evt_scrub',
    type,
    data: { object, previous_attributes: { receipt_email: EMAIL, billing_details: person } },
  } as unknown as Stripe.Event & { data: { object: Record<string, unknown> } };
}

const allKeys = (value: unknown, into = new Set<string>()): Set<string> => {
  if (Array.isArray(value)) value.forEach((v) => allKeys(v, into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      allKeys(v, into);
    }
  }
  return into;
};

describe('scrubStripeEvent', () => {
  it.each([
    ['charge', 'charge.succeeded'],
    ['payment_intent', 'payment_intent.succeeded'],
    ['payment_method', 'payment_method.attached'],
    ['customer', 'customer.created'],
    ['invoice', 'invoice.paid'],
    ['checkout.session', 'checkout.session.completed'],
  ])(
    'drops every personal field of a %s event, keeping ids, amounts and our metadata',
    (fixture, type) => {
      const original = event(type, withPerson(fixture));
      const before = JSON.stringify(original);
      expect(before).toContain(EMAIL);

      const scrubbed = scrubStripeEvent(original);
      const text = JSON.stringify(scrubbed);
      for (const needle of [NAME, EMAIL, STREET, PHONE]) expect(text).not.toContain(needle);
      expect([...allKeys(scrubbed)].filter((k) => PERSONAL_KEYS.has(k))).toEqual([]);
      // The input is untouched; what processing needs is kept.
      expect(JSON.stringify(original)).toBe(before);
      const object = scrubbed.data.object as Record<string, unknown>;
      const source = original.data.object;
      expect(scrubbed).toMatchObject({ id: 'evt_scrub', type, created: original.created });
      for (const key of [
        'id',
        'object',
        'amount',
        'amount_paid',
        'currency',
        'status',
        'customer',
      ]) {
        if (key in source) expect(object[key]).toEqual(source[key]);
      }
      expect(object.metadata).toEqual({ donation_id: 'd-1', pledge_id: 'p-1' });
      expect(routeEvent(scrubbed)).toEqual(routeEvent(original));
    },
  );

  it('leaves the payment intent of a charge event, for routing', () => {
    const charge = { ...withPerson('charge'), payment_intent: 'pi_123' };
    const scrubbed = scrubStripeEvent(event('charge.refunded', charge));
    expect(routeEvent(scrubbed)).toEqual({ kind: 'payment', paymentIntentId: 'pi_123' });
  });
});
