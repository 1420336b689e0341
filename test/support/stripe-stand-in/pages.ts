/**
 * The few browser pages Stripe would host, so the offline demo can be clicked through:
 * a simulated Checkout payment page (`session.url`) and a simulated 3-D Secure page
 * (`next_action.redirect_to_url.url`). Buttons post back here and redirect like Stripe.
 */
import type Stripe from 'stripe';
import { StripeStandInControl } from './control';
import { formatAmount } from './currency';
import { StandInError } from './errors';
import { pathMatcher } from './router';
import { StandInState } from './state';

export interface PageResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, content: string, status = 200): PageResponse {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
.note{color:#6b7280;font-size:.9rem}button{font-size:1rem;padding:.5rem 1rem;margin:.25rem .5rem .25rem 0}
table{width:100%;border-collapse:collapse}td{padding:.25rem 0}td:last-child{text-align:right}</style>
</head><body><p class="note">Stripe stand-in: payments here are simulated.</p>
<h1>${escapeHtml(title)}</h1>${content}</body></html>`;
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body };
}

function redirect(location: string): PageResponse {
  return { status: 303, headers: { Location: location }, body: '' };
}

function button(action: string, label: string): string {
  return `<form method="post" action="${escapeHtml(action)}" style="display:inline"><button>${escapeHtml(label)}</button></form>`;
}

function withQuery(url: string, query: Record<string, string>): string {
  const target = new URL(url);
  for (const [key, value] of Object.entries(query)) target.searchParams.set(key, value);
  return target.toString();
}

const checkoutPage = pathMatcher('/c/pay/:id');
const checkoutAction = pathMatcher('/c/pay/:id/:action');
const authenticatePage = pathMatcher('/authenticate/:id');
const invoicePage = pathMatcher('/invoice/:id');
const invoiceAction = pathMatcher('/invoice/:id/:action');
const authenticateAction = pathMatcher('/authenticate/:id/:action');

function checkout(state: StandInState, id: string): PageResponse {
  const session = state.store.find(id) as Stripe.Checkout.Session | undefined;
  if (!session || session.object !== 'checkout.session') {
    return page('Checkout session not found', '', 404);
  }
  if (session.status !== 'open') {
    return page('This checkout session is no longer open', `<p>Status: ${session.status}</p>`);
  }
  const currency = session.currency ?? 'usd';
  const rows = (state.lineItems.get(session.id) ?? [])
    .map(
      (item) =>
        `<tr><td>${escapeHtml(item.description ?? '')} × ${item.quantity ?? 1}</td><td>${escapeHtml(formatAmount(item.amount_total, currency))} ${currency}</td></tr>`,
    )
    .join('');
  const total = formatAmount(session.amount_total ?? 0, currency);
  return page(
    'Checkout',
    `<table>${rows}<tr><td><strong>Total</strong></td><td><strong>${escapeHtml(total)} ${currency}</strong></td></tr></table>
<p>${button(`/c/pay/${session.id}/pay`, session.mode === 'subscription' ? 'Subscribe' : 'Pay')}${session.mode === 'payment' ? button(`/c/pay/${session.id}/pay_delayed`, 'Pay with a delayed method') : ''}${button(`/c/pay/${session.id}/cancel`, 'Cancel')}</p>`,
  );
}

async function checkoutSubmit(
  state: StandInState,
  control: StripeStandInControl,
  id: string,
  action: string,
): Promise<PageResponse | null> {
  const session = state.store.find(id) as Stripe.Checkout.Session | undefined;
  if (!session || session.object !== 'checkout.session') return null;
  if (action === 'cancel') {
    return session.cancel_url ? redirect(session.cancel_url) : page('Payment canceled', '');
  }
  if (action !== 'pay' && action !== 'pay_delayed') return null;
  await control.completeCheckoutSession(id, {
    payment_status: action === 'pay' ? 'paid' : 'unpaid',
  });
  if (!session.success_url) return page('Payment complete', '');
  return redirect(session.success_url.replace(/\{CHECKOUT_SESSION_ID\}/g, session.id));
}

function authenticate(state: StandInState, id: string): PageResponse {
  const intent = state.store.find(id) as Stripe.PaymentIntent | undefined;
  if (!intent || intent.object !== 'payment_intent') return page('Payment not found', '', 404);
  if (intent.status !== 'requires_action') {
    return page('Nothing to authenticate', `<p>Status: ${intent.status}</p>`);
  }
  return page(
    '3-D Secure authentication',
    `<p>${escapeHtml(formatAmount(intent.amount, intent.currency))} ${intent.currency}</p>
<p>${button(`/authenticate/${intent.id}/complete`, 'Complete authentication')}${button(`/authenticate/${intent.id}/fail`, 'Fail authentication')}</p>`,
  );
}

async function authenticateSubmit(
  state: StandInState,
  control: StripeStandInControl,
  id: string,
  action: string,
): Promise<PageResponse | null> {
  const intent = state.store.find(id) as Stripe.PaymentIntent | undefined;
  if (!intent || intent.object !== 'payment_intent') return null;
  // Read before acting: success or failure clears next_action.
  const returnUrl = intent.next_action?.redirect_to_url?.return_url ?? null;
  if (action === 'complete') await control.succeedPaymentIntent(id);
  else if (action === 'fail') {
    await control.failPaymentIntent(id, {
      code: 'payment_intent_authentication_failure',
      message:
        'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
    });
  } else return null;
  if (!returnUrl)
    return page(action === 'complete' ? 'Authenticated' : 'Authentication failed', '');
  return redirect(
    withQuery(returnUrl, {
      payment_intent: intent.id,
      payment_intent_client_secret: intent.client_secret ?? '',
      redirect_status: action === 'complete' ? 'succeeded' : 'failed',
    }),
  );
}

/** The hosted invoice page (`invoice.hosted_invoice_url`). */
function hostedInvoice(state: StandInState, id: string): PageResponse {
  const invoice = state.store.find(id) as Stripe.Invoice | undefined;
  if (!invoice || invoice.object !== 'invoice') return page('Invoice not found', '', 404);
  const rows = invoice.lines.data
    .map(
      (line) =>
        `<tr><td>${escapeHtml(line.description ?? '')}</td><td>${escapeHtml(formatAmount(line.amount, invoice.currency))} ${invoice.currency}</td></tr>`,
    )
    .join('');
  const due = formatAmount(invoice.amount_remaining, invoice.currency);
  const pay =
    invoice.status === 'open' || invoice.status === 'uncollectible'
      ? `<p>${button(`/invoice/${invoice.id}/pay`, 'Pay')}</p>`
      : '';
  return page(
    `Invoice ${invoice.number ?? invoice.id}`,
    `<p>Status: ${escapeHtml(invoice.status ?? '')}</p><table>${rows}<tr><td><strong>Amount due</strong></td><td><strong>${escapeHtml(due)} ${invoice.currency}</strong></td></tr></table>${pay}`,
  );
}

/** Returns null when the path is not one of the pages. */
export async function handlePage(
  state: StandInState,
  control: StripeStandInControl,
  method: string,
  pathname: string,
): Promise<PageResponse | null> {
  try {
    if (method === 'GET') {
      const session = checkoutPage(pathname);
      if (session) return checkout(state, session.id);
      const intent = authenticatePage(pathname);
      if (intent) return authenticate(state, intent.id);
      const invoice = invoicePage(pathname);
      if (invoice) return hostedInvoice(state, invoice.id);
      return null;
    }
    if (method === 'POST') {
      const session = checkoutAction(pathname);
      if (session) return await checkoutSubmit(state, control, session.id, session.action);
      const intent = authenticateAction(pathname);
      if (intent) return await authenticateSubmit(state, control, intent.id, intent.action);
      const invoice = invoiceAction(pathname);
      if (invoice?.action === 'pay') {
        await control.succeedInvoice(invoice.id);
        return hostedInvoice(state, invoice.id);
      }
    }
    return null;
  } catch (error) {
    if (error instanceof StandInError)
      return page('Something went wrong', `<p>${escapeHtml(error.message)}</p>`, error.status);
    throw error;
  }
}
