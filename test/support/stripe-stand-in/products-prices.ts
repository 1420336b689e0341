/**
 * Products and prices: create, retrieve, list. Recurring prices (`recurring[interval]`) are
 * what subscriptions bill; `price_data` on subscription items creates an inactive price the
 * same way Stripe does.
 */
import type Stripe from 'stripe';
import { assertChargeAmount, normalizeCurrency } from './currency';
import { invalidRequest, missingParameter, validationError } from './errors';
import { expand } from './expand';
import { newId } from './ids';
import { fromFixture, mergeMetadata } from './objects';
import { inRange, p, pagination, Params, retrieve } from './params';
import { route, Route } from './router';
import { RequestMeta, StandInState } from './state';

export type Interval = Stripe.Price.Recurring.Interval;

/** Stripe allows at most three years between billings. */
const MAX_INTERVAL_COUNT: Record<string, number> = { day: 1095, week: 156, month: 36, year: 3 };

export const recurringShape = {
  interval: p.requiredOneOf('day', 'week', 'month', 'year'),
  interval_count: p.integer(1),
  usage_type: p.oneOf('licensed'),
};

const productShape = {
  active: p.boolean(),
  description: p.string(40000),
  expand: p.stringList(),
  id: p.string(),
  images: p.stringList(8),
  metadata: p.metadata(),
  name: p.requiredString(250),
  statement_descriptor: p.string(22),
  unit_label: p.string(12),
  url: p.string(),
};

const priceShape = {
  active: p.boolean(),
  currency: p.requiredString(),
  expand: p.stringList(),
  lookup_key: p.string(200),
  metadata: p.metadata(),
  nickname: p.string(),
  product: p.string(),
  product_data: p.object({
    active: p.boolean(),
    metadata: p.metadata(),
    name: p.requiredString(250),
    statement_descriptor: p.string(22),
    unit_label: p.string(12),
  }),
  recurring: p.object(recurringShape),
  tax_behavior: p.oneOf('exclusive', 'inclusive', 'unspecified'),
  unit_amount: p.integer(0),
};

export interface NewProduct {
  name: string;
  description?: string | null;
  metadata?: Record<string, string> | null;
  active?: boolean | null;
  images?: string[] | null;
  statement_descriptor?: string | null;
  unit_label?: string | null;
  url?: string | null;
  id?: string | null;
}

export function createProduct(
  state: StandInState,
  params: NewProduct,
  meta: RequestMeta,
): Stripe.Product {
  if (params.id && state.store.find(params.id)) {
    throw invalidRequest('Product already exists.', { code: 'resource_already_exists' });
  }
  const created = state.now();
  const product = state.insert(
    fromFixture<Stripe.Product>(
      'product',
      {
        active: params.active ?? true,
        created,
        default_price: null,
        description: params.description ?? null,
        id: params.id ?? newId('prod', 14),
        images: params.images ?? [],
        livemode: false,
        marketing_features: [],
        metadata: mergeMetadata({}, params.metadata),
        name: params.name,
        object: 'product',
        package_dimensions: null,
        shippable: null,
        statement_descriptor: params.statement_descriptor ?? null,
        tax_code: null,
        tax_details: null,
        unit_label: params.unit_label ?? null,
        updated: created,
        url: params.url ?? null,
        type: 'service',
      },
      { extra: ['tax_details'] },
    ),
  );
  state.emit('product.created', product, meta);
  return product;
}

export interface NewPrice {
  currency: string;
  unit_amount?: number | null;
  product: string;
  recurring?: Params<typeof recurringShape> | null;
  metadata?: Record<string, string> | null;
  nickname?: string | null;
  lookup_key?: string | null;
  tax_behavior?: Stripe.Price.TaxBehavior | null;
  active?: boolean | null;
}

/** Validates `recurring` the way Stripe does; `param` is its parameter path. */
function checkRecurring(recurring: Params<typeof recurringShape>, param: string): void {
  const count = recurring.interval_count ?? 1;
  const max = MAX_INTERVAL_COUNT[recurring.interval];
  if (count > max) {
    throw validationError(
      `Invalid ${param}[interval_count]: the maximum billing interval is 3 years (${max} ${recurring.interval}s).`,
      'parameter_invalid_integer',
      `${param}[interval_count]`,
    );
  }
}

/** Builds and stores a price; `param` prefixes error parameters (e.g. `items[0][price_data]`). */
export function buildPrice(
  state: StandInState,
  params: NewPrice,
  param: string,
  options: { inline: boolean },
): Stripe.Price {
  const prefix = (name: string) => (param ? `${param}[${name}]` : name);
  const currency = normalizeCurrency(params.currency, prefix('currency'));
  if (params.unit_amount === undefined || params.unit_amount === null) {
    throw missingParameter(prefix('unit_amount'));
  }
  if (params.unit_amount > 0)
    assertChargeAmount(params.unit_amount, currency, prefix('unit_amount'));
  const product = state.store.get<Stripe.Product>('product', params.product, prefix('product'));
  if (params.recurring) checkRecurring(params.recurring, prefix('recurring'));
  return state.insert(
    fromFixture<Stripe.Price>('price', {
      active: options.inline ? false : (params.active ?? true),
      billing_scheme: 'per_unit',
      created: state.now(),
      currency,
      custom_unit_amount: null,
      id: newId('price'),
      livemode: false,
      lookup_key: params.lookup_key ?? null,
      metadata: mergeMetadata({}, params.metadata),
      nickname: params.nickname ?? null,
      object: 'price',
      product: product.id,
      recurring: params.recurring
        ? {
            interval: params.recurring.interval,
            interval_count: params.recurring.interval_count ?? 1,
            meter: null,
            usage_type: 'licensed',
            trial_period_days: null,
          }
        : null,
      tax_behavior: params.tax_behavior ?? 'unspecified',
      tiers_mode: null,
      transform_quantity: null,
      type: params.recurring ? 'recurring' : 'one_time',
      unit_amount: params.unit_amount,
      // A decimal string on the wire (the SDK's type is its Decimal class).
      unit_amount_decimal: String(
        params.unit_amount,
      ) as unknown as Stripe.Price['unit_amount_decimal'],
    }),
  );
}

export const productRoutes: Route[] = [
  route('POST', '/v1/products', productShape, ({ state, params, meta }) => {
    const { expand: paths, ...rest } = params;
    return expand(state, createProduct(state, rest, meta), paths);
  }),
  route('GET', '/v1/products/:id', retrieve, ({ state, params, path }) =>
    expand(state, state.store.get('product', path.id), params.expand),
  ),
  route(
    'GET',
    '/v1/products',
    { ...pagination, active: p.boolean(), created: p.range(), ids: p.stringList() },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<Stripe.Product>(
          'product',
          params,
          '/v1/products',
          (product) =>
            inRange(product.created, params.created) &&
            (params.active === undefined ||
              params.active === null ||
              product.active === params.active) &&
            (!params.ids || params.ids.includes(product.id)),
        ),
        params.expand,
      ),
  ),
];

export const priceRoutes: Route[] = [
  route('POST', '/v1/prices', priceShape, ({ state, params, meta }) => {
    const { expand: paths, product_data: productData, ...rest } = params;
    if (rest.product && productData) {
      throw invalidRequest('You may only specify one of these parameters: product, product_data.', {
        param: 'product',
      });
    }
    let product = rest.product;
    if (!product) {
      if (!productData) throw missingParameter('product');
      product = createProduct(state, productData, meta).id;
    }
    const price = buildPrice(state, { ...rest, product }, '', { inline: false });
    state.emit('price.created', price, meta);
    return expand(state, price, paths);
  }),
  route('GET', '/v1/prices/:id', retrieve, ({ state, params, path }) =>
    expand(state, state.store.get('price', path.id), params.expand),
  ),
  route(
    'GET',
    '/v1/prices',
    {
      ...pagination,
      active: p.boolean(),
      created: p.range(),
      currency: p.string(),
      lookup_keys: p.stringList(10),
      product: p.string(),
      recurring: p.object({ interval: p.oneOf('day', 'week', 'month', 'year') }),
      type: p.oneOf('one_time', 'recurring'),
    },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<Stripe.Price>(
          'price',
          params,
          '/v1/prices',
          (price) =>
            inRange(price.created, params.created) &&
            (params.active === undefined ||
              params.active === null ||
              price.active === params.active) &&
            (!params.currency || price.currency === params.currency.toLowerCase()) &&
            (!params.lookup_keys || params.lookup_keys.includes(price.lookup_key ?? '')) &&
            (!params.product || price.product === params.product) &&
            (!params.type || price.type === params.type) &&
            (!params.recurring?.interval ||
              price.recurring?.interval === params.recurring.interval),
        ),
        params.expand,
      ),
  ),
];
