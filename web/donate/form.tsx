import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, FieldProblem, idempotencyKey } from '../shared/api';
import { exponent, fromMinor, parseAmount } from '../shared/money';
import { MessageKey } from '../shared/i18n';
import { CheckField, TextField } from '../shared/ui';
import { Ctx, everyText, FREQUENCIES, Frequency, problemText, Started } from './context';

/** What the donor has typed, kept when they go to the card step and come back. */
export interface Draft {
  frequency: Frequency;
  currency: string;
  /** A suggested amount (minor units), or 'other' with `custom` typed. */
  choice: number | 'other';
  custom: string;
  coverFees: boolean;
  email: string;
  showPublicly: boolean;
  displayName: string;
  message: string;
  dedicate: boolean;
  tributeKind: 'in_honor_of' | 'in_memory_of';
  tributeName: string;
  receiptDetails: boolean;
  name: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  country: string;
}

type Errors = Partial<Record<string, string>>;

const DEFAULT_MAJOR = [10, 25, 50, 100];

/** The currency's limits, the goal currency's from minAmount/maxAmount. */
function limitsOf(ctx: Ctx, currency: string): { min: number | null; max: number | null } {
  const c = ctx.campaign;
  return (
    c.limits?.[currency] ??
    (currency === c.goal.currency
      ? { min: c.minAmount ?? null, max: c.maxAmount ?? null }
      : { min: null, max: null })
  );
}

/**
 * The campaign's suggested amounts in this currency, or defaults (10, 25, 50, 100 in the
 * currency's major unit, 1,000 to 10,000 in zero-decimal ones) within its limits.
 */
export function suggestionsFor(ctx: Ctx, currency: string): number[] {
  const own = ctx.campaign.suggestedAmounts?.[currency];
  if (own?.length) return own;
  const scale = exponent(currency) === 0 ? 100 : 10 ** exponent(currency);
  const { min, max } = limitsOf(ctx, currency);
  const fits = DEFAULT_MAJOR.map((n) => n * scale).filter(
    (a) => (min === null || a >= min) && (max === null || a <= max),
  );
  return fits.length ? fits : [min ?? max ?? 10 * scale];
}

export function initialDraft(ctx: Ctx): Draft {
  const currency = ctx.campaign.currencies.includes(ctx.campaign.goal.currency)
    ? ctx.campaign.goal.currency
    : ctx.campaign.currencies[0];
  const suggestions = suggestionsFor(ctx, currency);
  return {
    frequency: 'once',
    currency,
    choice: suggestions[Math.min(1, suggestions.length - 1)],
    custom: '',
    coverFees: false,
    email: '',
    showPublicly: false,
    displayName: '',
    message: '',
    dedicate: false,
    tributeKind: 'in_honor_of',
    tributeName: '',
    receiptDetails: false,
    name: '',
    line1: '',
    line2: '',
    city: '',
    postalCode: '',
    country: '',
  };
}

/** Persian (۰-۹) and Arabic-Indic (٠-٩) digits and separators, as ASCII: what parseAmount reads. */
function asciiDigits(text: string): string {
  return text
    .replace(/[۰-۹]/g, (c) => String(c.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (c) => String(c.charCodeAt(0) - 0x0660))
    .replace(/[٫]/g, '.')
    .replace(/[٬]/g, ',');
}

/** The gift's amount in minor units, or the reason it cannot be read. */
function amountOf(ctx: Ctx, d: Draft): { ok: true; minor: number } | { ok: false; error: string } {
  const example = fromMinor(suggestionsFor(ctx, d.currency)[0], d.currency, ctx.lang);
  if (d.choice !== 'other') return { ok: true, minor: d.choice };
  const parsed = parseAmount(asciiDigits(d.custom), d.currency, 'amount', ctx.lang);
  if (!parsed.ok || parsed.minor <= 0)
    return { ok: false, error: ctx.tr('errAmount', { example }) };
  const { min, max } = limitsOf(ctx, d.currency);
  if (min !== null && parsed.minor < min)
    return { ok: false, error: ctx.tr('errAmountMin', { min: ctx.money(min, d.currency) }) };
  if (max !== null && parsed.minor > max)
    return { ok: false, error: ctx.tr('errAmountMax', { max: ctx.money(max, d.currency) }) };
  return { ok: true, minor: parsed.minor };
}

/** The request body (without amount and coverFees), as the API takes it. */
function details(d: Draft): Record<string, unknown> {
  const body: Record<string, unknown> = { currency: d.currency, email: d.email.trim() };
  const displayName = d.displayName.trim();
  if (d.showPublicly && displayName) {
    body.anonymous = false;
    body.displayName = displayName;
  } else body.anonymous = true;
  if (d.receiptDetails) {
    body.name = d.name.trim();
    body.address = {
      line1: d.line1.trim(),
      ...(d.line2.trim() ? { line2: d.line2.trim() } : {}),
      city: d.city.trim(),
      postalCode: d.postalCode.trim(),
      country: d.country.trim().toUpperCase(),
    };
  }
  if (d.frequency === 'once') {
    if (d.message.trim()) body.message = d.message.trim();
    if (d.dedicate && d.tributeName.trim())
      body.tribute = { kind: d.tributeKind, name: d.tributeName.trim() };
  } else body.interval = d.frequency;
  return body;
}

function validate(ctx: Ctx, d: Draft): Errors {
  const errors: Errors = {};
  const amount = amountOf(ctx, d);
  if (!amount.ok) errors.amount = amount.error;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(d.email.trim())) errors.email = ctx.tr('errEmail');
  if (d.showPublicly && !d.displayName.trim()) errors.displayName = ctx.tr('errRequired');
  if (d.frequency === 'once' && d.dedicate && !d.tributeName.trim())
    errors['tribute.name'] = ctx.tr('errRequired');
  if (d.receiptDetails) {
    for (const f of ['name', 'line1', 'city', 'postalCode'] as const)
      if (!d[f].trim()) errors[f === 'name' ? 'name' : `address.${f}`] = ctx.tr('errRequired');
    if (!/^[A-Za-z]{2}$/.test(d.country.trim())) errors['address.country'] = ctx.tr('errCountry');
  }
  return errors;
}

/** The API's field errors, in the form's words where the code is known. */
function fieldErrors(ctx: Ctx, d: Draft, problems: FieldProblem[]): Errors {
  const errors: Errors = {};
  const { min, max } = limitsOf(ctx, d.currency);
  for (const p of problems) {
    const field = p.field === 'tribute' ? 'tribute.name' : p.field;
    let text = p.message;
    if (p.code === 'is_email') text = ctx.tr('errEmail');
    else if (p.code === 'below_minimum' && min !== null)
      text = ctx.tr('errAmountMin', { min: ctx.money(min, d.currency) });
    else if (p.code === 'above_maximum' && max !== null)
      text = ctx.tr('errAmountMax', { max: ctx.money(max, d.currency) });
    errors[field] ??= text;
  }
  return errors;
}

/** Field ids by the API's field names, to focus the first one at fault. */
const FIELD_IDS: Record<string, string> = {
  amount: 'amount-other',
  currency: 'currency',
  email: 'email',
  displayName: 'display-name',
  message: 'message',
  'tribute.name': 'tribute-name',
  name: 'name',
  'address.line1': 'line1',
  'address.line2': 'line2',
  'address.city': 'city',
  'address.postalCode': 'postal-code',
  'address.country': 'country',
};

interface Quote {
  amount: number;
  fee: number;
  charge: number;
  currency: string;
}

/**
 * The details step: amount, currency, rhythm, fees, who gives (privately by default), then
 * "Continue to payment", which starts the gift or pledge (or, for a one-off gift already
 * started, changes its amount or fee choice on the same PaymentIntent).
 */
export function DonateForm(props: {
  ctx: Ctx;
  draft: Draft;
  onDraft: (d: Draft) => void;
  started: Started | null;
  onStarted: (s: Started) => void;
}) {
  const { ctx, draft: d } = props;
  const set = (change: Partial<Draft>) => props.onDraft({ ...d, ...change });
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [quoteFailed, setQuoteFailed] = useState(false);
  const key = useRef<{ signature: string; key: string } | null>(null);
  const suggestions = suggestionsFor(ctx, d.currency);
  const amount = amountOf(ctx, d);
  const minor = amount.ok ? amount.minor : null;

  // The exact extra for covering the fees, from the route the donation itself uses (debounced).
  useEffect(() => {
    setQuote(null);
    setQuoteFailed(false);
    if (minor === null) return;
    let stale = false;
    const timer = setTimeout(() => {
      api<Quote>(`/v1/campaigns/${encodeURIComponent(ctx.slug)}/quote`, {
        query: { amount: minor, currency: d.currency, coverFees: 'true' },
      })
        .then((q) => !stale && setQuote(q))
        // An amount the campaign refuses: the button's error says why, on submit.
        .catch(() => !stale && setQuoteFailed(true));
    }, 300);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [minor, d.currency]);

  const showErrors = (found: Errors, message: string) => {
    setErrors(found);
    setFormError(message);
    const first = Object.keys(FIELD_IDS).find((f) => found[f]);
    const id =
      first === 'amount' && d.choice !== 'other' ? `amount-${d.choice}` : first && FIELD_IDS[first];
    if (id) requestAnimationFrame(() => document.getElementById(id)?.focus());
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = validate(ctx, d);
    if (Object.keys(found).length) return showErrors(found, ctx.tr('errForm'));
    setErrors({});
    setFormError(null);
    setBusy(true);
    const gift = (amount as { minor: number }).minor;
    const body = details(d);
    const signature = JSON.stringify(body);
    let s = props.started;
    try {
      if (s && s.kind === 'donation' && s.signature === signature) {
        // The same gift, another amount or fee choice: its PaymentIntent changes, no new gift.
        if (s.amount === gift && s.coverFees === d.coverFees) return props.onStarted(s);
        const changed = await api<{ amount: number; intendedAmount: number; coverFees: boolean }>(
          `/v1/campaigns/${encodeURIComponent(ctx.slug)}/donations/${encodeURIComponent(s.id)}`,
          {
            method: 'PATCH',
            body: { amount: gift, coverFees: d.coverFees },
            headers: { 'X-Client-Secret': s.clientSecret },
          },
        ).catch((error: unknown) => {
          // No longer pending (a declined payment failed it): a new gift instead.
          if (error instanceof ApiError && (error.status === 409 || error.status === 404))
            return null;
          throw error;
        });
        if (changed)
          return props.onStarted({
            ...s,
            amount: changed.intendedAmount,
            charge: changed.amount,
            coverFees: changed.coverFees,
          });
        s = null;
        key.current = null;
      }
      if (
        s &&
        s.kind === 'pledge' &&
        s.signature === signature &&
        s.amount === gift &&
        s.coverFees === d.coverFees
      )
        return props.onStarted(s);
      // A retried submit of the same request reuses its key: never two gifts for one click.
      const full = JSON.stringify({ ...body, amount: gift, coverFees: d.coverFees });
      if (key.current?.signature !== full)
        key.current = { signature: full, key: idempotencyKey('donate') };
      const pledge = d.frequency !== 'once';
      const created = await api<{
        donationId?: string;
        pledgeId?: string;
        clientSecret: string;
        amount: number;
      }>(`/v1/campaigns/${encodeURIComponent(ctx.slug)}/${pledge ? 'pledges' : 'donations'}`, {
        method: 'POST',
        body: { ...body, amount: gift, coverFees: d.coverFees },
        idempotencyKey: key.current.key,
      });
      props.onStarted({
        kind: pledge ? 'pledge' : 'donation',
        id: (pledge ? created.pledgeId : created.donationId)!,
        clientSecret: created.clientSecret,
        frequency: d.frequency,
        currency: d.currency,
        amount: gift,
        charge: created.amount,
        coverFees: d.coverFees,
        signature,
      });
    } catch (error) {
      if (error instanceof ApiError && error.fields.length) {
        // A field the form has no place for (tribute.kind, say) is said in the form's alert.
        const found = fieldErrors(ctx, d, error.fields);
        const elsewhere = Object.keys(found)
          .filter((f) => !FIELD_IDS[f])
          .map((f) => found[f]);
        showErrors(found, [ctx.tr('errForm'), ...elsewhere].join(' '));
      } else if (error instanceof ApiError && error.status === 400 && /^amount/.test(error.message))
        showErrors({ amount: error.message }, ctx.tr('errForm'));
      else setFormError(problemText(ctx, error));
    } finally {
      setBusy(false);
    }
  };

  const err = (field: string) =>
    errors[field] ? (
      <span class="field-error" id={`${FIELD_IDS[field] ?? field}-error`}>
        {errors[field]}
      </span>
    ) : null;
  const described = (field: string, hint?: string) =>
    [hint, errors[field] ? `${FIELD_IDS[field] ?? field}-error` : undefined]
      .filter(Boolean)
      .join(' ') || undefined;
  const invalid = (field: string) => (errors[field] ? 'true' : undefined);
  const text = (
    field: string,
    id: string,
    label: MessageKey,
    value: string,
    onValue: (v: string) => void,
    extra: {
      type?: string;
      autocomplete?: string;
      hint?: MessageKey;
      maxLength?: number;
      dir?: 'ltr';
    } = {},
  ) => (
    <TextField
      id={id}
      label={ctx.tr(label)}
      hint={extra.hint && ctx.tr(extra.hint)}
      error={errors[field]}
      type={extra.type}
      autocomplete={extra.autocomplete}
      maxLength={extra.maxLength}
      dir={extra.dir}
      value={value}
      onValue={onValue}
    />
  );

  const money = (n: number) => ctx.money(n, d.currency);
  /** "$10.30", "$10.30 a month", "$10.30 a quarter"…, as the chosen frequency says. */
  const every = (amount: string) => everyText(ctx, d.frequency, amount);
  const extra =
    quote && minor !== null && quote.amount === minor ? quote.charge - quote.amount : null;

  return (
    <form
      class="donate-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby="form-title"
    >
      <h1 id="form-title">{ctx.campaign.title}</h1>

      <fieldset class="choices frequency">
        <legend>{ctx.tr('frequency')}</legend>
        <div class="options">
          {FREQUENCIES.map((f) => (
            <label key={f} class="option">
              <input
                type="radio"
                name="frequency"
                value={f}
                checked={d.frequency === f}
                onChange={() => set({ frequency: f })}
              />
              <span>{ctx.tr(f)}</span>
            </label>
          ))}
        </div>
      </fieldset>

      {ctx.campaign.currencies.length > 1 && (
        <div class="field currency-field">
          <label for="currency">{ctx.tr('currency')}</label>
          <select
            id="currency"
            value={d.currency}
            onChange={(e) => {
              const currency = e.currentTarget.value;
              const next = suggestionsFor(ctx, currency);
              set({ currency, choice: next[Math.min(1, next.length - 1)], custom: '' });
            }}
          >
            {ctx.campaign.currencies.map((c) => (
              <option key={c} value={c}>
                {c.toUpperCase()}
              </option>
            ))}
          </select>
        </div>
      )}

      <fieldset
        class={errors.amount ? 'choices amounts has-error' : 'choices amounts'}
        aria-describedby={errors.amount ? 'amount-other-error' : undefined}
      >
        <legend>{ctx.tr('amount')}</legend>
        <div class="options amount-options">
          {suggestions.map((a) => (
            <label key={a} class="option amount-option">
              <input
                type="radio"
                name="amount"
                id={`amount-${a}`}
                value={String(a)}
                checked={d.choice === a}
                onChange={() => set({ choice: a })}
              />
              <span>{every(money(a))}</span>
            </label>
          ))}
          <label class="option amount-option">
            <input
              type="radio"
              name="amount"
              value="other"
              checked={d.choice === 'other'}
              onChange={() => {
                set({ choice: 'other' });
                requestAnimationFrame(() => document.getElementById('amount-other')?.focus());
              }}
            />
            <span>{ctx.tr('other')}</span>
          </label>
        </div>
        {d.choice === 'other' && (
          <div class="field other-amount">
            <label for="amount-other">
              {ctx.tr('otherAmount', { currency: d.currency.toUpperCase() })}
            </label>
            <input
              id="amount-other"
              inputMode="decimal"
              autocomplete="off"
              dir="ltr"
              aria-invalid={invalid('amount')}
              aria-describedby={errors.amount ? 'amount-other-error' : undefined}
              value={d.custom}
              onInput={(e) => set({ custom: e.currentTarget.value })}
            />
          </div>
        )}
        {err('amount')}
      </fieldset>

      <div class="cover-fees">
        <CheckField
          id="cover-fees"
          checked={d.coverFees}
          describedBy="cover-fees-hint"
          onChecked={(coverFees) => set({ coverFees })}
        >
          {extra !== null
            ? ctx.tr('coverFees', { extra: money(extra) })
            : quoteFailed || minor === null
              ? ctx.tr('coverFeesPlain')
              : ctx.tr('coverFeesWaiting')}
        </CheckField>
        <small class="hint" id="cover-fees-hint" aria-live="polite">
          {minor !== null &&
            ctx.tr(d.coverFees ? 'coverFeesHint' : 'feesNotCovered', { amount: money(minor) })}{' '}
          {minor !== null && extra !== null && (
            <span class="charged">
              {ctx.tr('charged', { charge: every(money(d.coverFees ? minor + extra : minor)) })}
            </span>
          )}
        </small>
      </div>

      <fieldset class="group">
        <legend>{ctx.tr('aboutYou')}</legend>
        {text('email', 'email', 'email', d.email, (email) => set({ email }), {
          type: 'email',
          autocomplete: 'email',
          hint: 'emailHint',
          maxLength: 254,
          dir: 'ltr',
        })}
      </fieldset>

      <fieldset class="group">
        <legend>{ctx.tr('privacy')}</legend>
        {!d.showPublicly && <p class="hint private-note">{ctx.tr('privateNote')}</p>}
        <CheckField
          id="show-publicly"
          checked={d.showPublicly}
          onChecked={(showPublicly) => set({ showPublicly })}
        >
          {ctx.tr('showPublicly')}
        </CheckField>
        {d.showPublicly &&
          text(
            'displayName',
            'display-name',
            'displayName',
            d.displayName,
            (displayName) => set({ displayName }),
            {
              hint: 'displayNameHint',
              maxLength: 80,
            },
          )}
        {d.frequency === 'once' && (
          <>
            <div class={errors.message ? 'field has-error' : 'field'}>
              <label for="message">{ctx.tr('message')}</label>
              <textarea
                id="message"
                rows={2}
                maxLength={500}
                aria-invalid={invalid('message')}
                aria-describedby={described('message', 'message-hint')}
                value={d.message}
                onInput={(e) => set({ message: e.currentTarget.value })}
              />
              <small class="hint" id="message-hint">
                {ctx.tr('messageHint')}
              </small>
              {err('message')}
            </div>
            <CheckField
              id="dedicate"
              checked={d.dedicate}
              onChecked={(dedicate) => set({ dedicate })}
            >
              {ctx.tr('tribute')}
            </CheckField>
            {d.dedicate && (
              <div class="pair">
                <div class="field">
                  <label for="tribute-kind">{ctx.tr('tributeKind')}</label>
                  <select
                    id="tribute-kind"
                    value={d.tributeKind}
                    onChange={(e) =>
                      set({ tributeKind: e.currentTarget.value as Draft['tributeKind'] })
                    }
                  >
                    <option value="in_honor_of">{ctx.tr('inHonorOf')}</option>
                    <option value="in_memory_of">{ctx.tr('inMemoryOf')}</option>
                  </select>
                </div>
                {text(
                  'tribute.name',
                  'tribute-name',
                  'tributeName',
                  d.tributeName,
                  (tributeName) => set({ tributeName }),
                  {
                    maxLength: 200,
                  },
                )}
              </div>
            )}
          </>
        )}
      </fieldset>

      <fieldset class="group">
        <legend class="visually-hidden">{ctx.tr('receiptDetails')}</legend>
        <CheckField
          id="receipt-details"
          checked={d.receiptDetails}
          describedBy="receipt-details-hint"
          onChecked={(receiptDetails) => set({ receiptDetails })}
        >
          {ctx.tr('receiptDetails')}
        </CheckField>
        <small class="hint" id="receipt-details-hint">
          {ctx.tr('receiptHint')}
        </small>
        {d.receiptDetails && (
          <div class="address">
            {text('name', 'name', 'name', d.name, (name) => set({ name }), {
              autocomplete: 'name',
              maxLength: 200,
            })}
            {text('address.line1', 'line1', 'line1', d.line1, (line1) => set({ line1 }), {
              autocomplete: 'address-line1',
              maxLength: 200,
            })}
            {text('address.line2', 'line2', 'line2', d.line2, (line2) => set({ line2 }), {
              autocomplete: 'address-line2',
              maxLength: 200,
            })}
            <div class="pair">
              {text(
                'address.postalCode',
                'postal-code',
                'postalCode',
                d.postalCode,
                (postalCode) => set({ postalCode }),
                {
                  autocomplete: 'postal-code',
                  maxLength: 20,
                },
              )}
              {text('address.city', 'city', 'city', d.city, (city) => set({ city }), {
                autocomplete: 'address-level2',
                maxLength: 100,
              })}
            </div>
            {text(
              'address.country',
              'country',
              'country',
              d.country,
              (country) => set({ country }),
              {
                autocomplete: 'country',
                hint: 'countryHint',
                maxLength: 2,
                dir: 'ltr',
              },
            )}
          </div>
        )}
      </fieldset>

      <div aria-live="assertive" class="form-status">
        {formError && <p class="alert alert-error">{formError}</p>}
      </div>
      <div class="actions">
        <button type="submit" class="primary continue" disabled={busy}>
          {busy ? ctx.tr('preparing') : ctx.tr('continue')}
        </button>
      </div>
    </form>
  );
}
