/** Customers: create, retrieve, update, delete, list (with the `email` filter). */
import type Stripe from 'stripe';
import { expand } from './expand';
import { newId, randomToken } from './ids';
import { applyChanges, fromFixture, mergeMetadata } from './objects';
import { inRange, p, pagination, Params, retrieve } from './params';
import { customerPaymentMethod } from './payment-methods';
import { route, Route } from './router';
import { RequestMeta, StandInState } from './state';

const address = p.object({
  city: p.string(),
  country: p.string(),
  line1: p.string(),
  line2: p.string(),
  postal_code: p.string(),
  state: p.string(),
});

const customerFields = {
  address,
  description: p.string(),
  email: p.string(512),
  expand: p.stringList(),
  metadata: p.metadata(),
  name: p.string(256),
  phone: p.string(20),
  preferred_locales: p.stringList(),
};

const updateFields = {
  ...customerFields,
  invoice_settings: p.object({ default_payment_method: p.string() }),
};

type AddressParams = NonNullable<Params<typeof customerFields>['address']>;

function toAddress(value: AddressParams | null | undefined): Stripe.Address | null {
  if (!value) return null;
  return {
    city: value.city ?? null,
    country: value.country ?? null,
    line1: value.line1 ?? null,
    line2: value.line2 ?? null,
    postal_code: value.postal_code ?? null,
    state: value.state ?? null,
  };
}

export function createCustomer(
  state: StandInState,
  params: Params<typeof customerFields>,
  meta: RequestMeta,
): Stripe.Customer {
  const customer = state.insert(
    fromFixture<Stripe.Customer>('customer', {
      address: toAddress(params.address),
      balance: 0,
      created: state.now(),
      currency: null,
      default_source: null,
      delinquent: false,
      description: params.description ?? null,
      discount: null,
      email: params.email ?? null,
      id: newId('cus', 14),
      invoice_prefix: randomToken(8).toUpperCase(),
      invoice_settings: {
        custom_fields: null,
        default_payment_method: null,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: mergeMetadata({}, params.metadata),
      name: params.name ?? null,
      next_invoice_sequence: 1,
      object: 'customer',
      phone: params.phone ?? null,
      preferred_locales: params.preferred_locales ?? [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    }),
  );
  state.emit('customer.created', customer, meta);
  return customer;
}

export const customerRoutes: Route[] = [
  route('POST', '/v1/customers', customerFields, ({ state, params, meta }) =>
    expand(state, createCustomer(state, params, meta), params.expand),
  ),
  route('GET', '/v1/customers/:id', retrieve, ({ state, params, path }) =>
    expand(state, state.store.get('customer', path.id), params.expand),
  ),
  route('POST', '/v1/customers/:id', updateFields, ({ state, params, path, meta }) => {
    const customer = state.store.get<Stripe.Customer>('customer', path.id);
    const changes: Partial<Stripe.Customer> = {};
    if (params.invoice_settings?.default_payment_method !== undefined) {
      const id = params.invoice_settings.default_payment_method;
      changes.invoice_settings = {
        ...customer.invoice_settings,
        default_payment_method: id
          ? customerPaymentMethod(
              state,
              id,
              customer.id,
              'invoice_settings[default_payment_method]',
            ).id
          : null,
      };
    }
    if (params.address !== undefined) changes.address = toAddress(params.address);
    if (params.description !== undefined) changes.description = params.description;
    if (params.email !== undefined) changes.email = params.email;
    if (params.name !== undefined) changes.name = params.name;
    if (params.phone !== undefined) changes.phone = params.phone;
    if (params.preferred_locales !== undefined) {
      changes.preferred_locales = params.preferred_locales ?? [];
    }
    if (params.metadata !== undefined) {
      changes.metadata = mergeMetadata(customer.metadata, params.metadata);
    }
    const previous = applyChanges(customer, changes);
    if (Object.keys(previous).length > 0) {
      state.emit('customer.updated', customer, meta, previous);
    }
    return expand(state, customer, params.expand);
  }),
  route('DELETE', '/v1/customers/:id', {}, ({ state, path, meta }) => {
    const customer = state.store.get<Stripe.Customer>('customer', path.id);
    state.store.remove(customer.id);
    state.emit('customer.deleted', customer, meta);
    return fromFixture<Stripe.DeletedCustomer>('deleted_customer', {
      deleted: true,
      id: customer.id,
      object: 'customer',
    });
  }),
  route(
    'GET',
    '/v1/customers',
    { ...pagination, created: p.range(), email: p.string(512) },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<Stripe.Customer>(
          'customer',
          params,
          '/v1/customers',
          (customer) =>
            inRange(customer.created, params.created) &&
            (!params.email || customer.email === params.email),
        ),
        params.expand,
      ),
  ),
];
