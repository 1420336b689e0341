/**
 * What we keep of a Stripe event: ids, types, amounts, statuses, dates and our own metadata.
 * Processing never reads personal fields (nor the client secret) from a stored event (it fetches the object's current
 * state from Stripe), so they are dropped before the event is stored, wherever they appear:
 * in `data.object`, in `data.previous_attributes`, in expanded objects and lists.
 */

/** Keys whose values name, locate or reach a person, or lead to a page that does. */
export const PERSONAL_KEYS: ReadonlySet<string> = new Set([
  'account_holder_name',
  'address',
  'address_city',
  'address_country',
  'address_line1',
  'address_line2',
  'address_state',
  'address_zip',
  'billing_address',
  'billing_details',
  'business_name',
  'cardholder_name',
  'client_ip',
  'client_secret',
  'custom_fields',
  'customer_address',
  'customer_details',
  'customer_email',
  'customer_email_address',
  'customer_name',
  'customer_phone',
  'customer_purchase_ip',
  'customer_shipping',
  'customer_tax_ids',
  'description',
  'dob',
  'email',
  'first_name',
  'hosted_invoice_url',
  'individual',
  'individual_name',
  'invoice_pdf',
  'ip',
  'ip_address',
  'ip_address_location',
  'last_name',
  'name',
  'normalized_address',
  'owner',
  'owners',
  'payer_email',
  'payer_name',
  'phone',
  'phone_number',
  'raw_address',
  'receipt_email',
  'receipt_url',
  'sender_name',
  'shipping',
  'shipping_address',
  'shipping_details',
  'tax_ids',
  'user_agent',
  'verified_address',
  'verified_email',
  'verified_name',
  'verified_phone',
]);

/** Metadata we write ourselves: ids of our rows (`donation_id`, `pledge_id`, …). */
const OUR_METADATA_KEY = /^[a-z][a-z_]*_id$/;

function scrubValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubValue);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (PERSONAL_KEYS.has(key)) continue;
    if (key === 'metadata' && inner !== null && typeof inner === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(inner as Record<string, unknown>).filter(
          ([k, v]) => OUR_METADATA_KEY.test(k) && typeof v === 'string',
        ),
      );
      continue;
    }
    out[key] = scrubValue(inner);
  }
  return out;
}

/**
 * A copy of the event without personal data; the input is not changed. Pure: the same event
 * always gives the same copy, so a redelivery stores exactly what the first delivery did.
 */
export function scrubStripeEvent<T extends object>(event: T): T {
  return scrubValue(event) as T;
}
