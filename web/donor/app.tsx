import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, Call, download, saveBlob } from '../shared/api';
import { count } from '../shared/messages';
import { formatDate, formatMoney, fromMinor, parseAmount } from '../shared/money';
import {
  Alert,
  ConfirmDialog,
  Field,
  InputField,
  Outcome,
  OutcomeAlert,
  SubmitButton,
  DataTable,
  Row,
  today,
  useAction,
  useLoad,
} from '../shared/ui';
import { publicConfig } from '../shared/config';
import { cardReturnOutcome, CardForm } from './card-form';
import { ClosingPanel, PledgeClosing } from './closing';
import { ConfirmEmailChange, YourDetails } from './details';
import { clearSession, DonorSession, loadSession, saveSession } from './session';
import { Signatures } from './signatures';

function usePath(): [string, (to: string) => void] {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const go = (to: string) => {
    history.pushState(null, '', to);
    setPath(to);
  };
  return [path, go];
}

export function App() {
  const [path, go] = usePath();
  const [session, setSession] = useState<DonorSession | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);
  // Back from a Payment Element redirect (Stripe's query is read, then taken off the URL).
  const [cardReturn] = useState(cardReturnOutcome);

  if (/^\/donor\/sign-in\/?$/.test(path))
    return (
      <ConfirmSignIn
        onSignedIn={(s) => {
          saveSession(s);
          setSession(s);
          go('/donor');
        }}
      />
    );
  // An email change's link: works signed in or not (the token is the proof).
  if (/^\/donor\/email\/?$/.test(path))
    return (
      <Shell>
        <ConfirmEmailChange
          onChanged={() => {
            // Every session of the donor ended with the change.
            clearSession();
            setSession(null);
          }}
        />
      </Shell>
    );
  if (!session)
    return (
      <RequestLink
        notice={notice ?? (cardReturn && `${cardReturn.text} Sign in to see your pledge.`)}
      />
    );
  const focusPledge = /^\/donor\/pledges\/([^/]+)/.exec(path)?.[1] ?? null;
  return (
    <Portal
      session={session}
      focusPledge={focusPledge}
      notice={cardReturn}
      onSignedOut={(why) => {
        clearSession();
        setSession(null);
        setNotice(why);
      }}
    />
  );
}

/**
 * The organisation's name once /v1/config answers. The page's title follows the heading:
 * "Your gifts to <organisation>", or "Your support for <organisation>" for someone who has
 * only signed letters (no gifts, no pledges).
 */
function useOrganizationName(heading: string): string | null {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    publicConfig()
      .then((c) => setName(c.organizationName?.trim() || null))
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    if (name) document.title = `${heading} ${name}`;
  }, [name, heading]);
  return name;
}

function Shell(props: {
  children: preact.ComponentChildren;
  onSignOut?: () => void;
  /** Signed letters, never gave: a neutral heading, and no links to money sections. */
  signerOnly?: boolean;
}) {
  const [lead, to] = props.signerOnly ? ['Your support', 'for'] : ['Your gifts', 'to'];
  const organization = useOrganizationName(`${lead} ${to}`);
  return (
    <>
      <header class="top">
        <h1>
          {lead}
          {organization && (
            <>
              {' '}
              {to} <span class="org-name">{organization}</span>
            </>
          )}
        </h1>
        {props.onSignOut && (
          <nav aria-label="Sections">
            {!props.signerOnly && <a href="#pledges">Pledges</a>}
            {!props.signerOnly && <a href="#gifts">Gifts</a>}
            {!props.signerOnly && <a href="#receipts">Receipts</a>}
            <a href="#signatures">Signatures</a>
            {!props.signerOnly && <a href="#statements">Statements</a>}
            <a href="#your-details">Your details</a>
            <a href="#your-data">Your data</a>
            <button type="button" onClick={props.onSignOut}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main>{props.children}</main>
    </>
  );
}

function RequestLink({ notice }: { notice: string | null }) {
  const [email, setEmail] = useState('');
  const action = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  // Signed out from the portal: focus moves here, so the notice below is read next.
  useLayoutEffect(() => {
    if (notice) heading.current?.focus();
  }, []);
  return (
    <Shell>
      <section class="card signin">
        <h2 ref={heading} tabIndex={-1}>
          Sign in
        </h2>
        <p>
          Enter the email address you gave or signed with. We will send you a link to sign in: no
          password needed.
        </p>
        {notice && <Alert kind="info">{notice}</Alert>}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              const res = await api<{ message: string }>('/v1/donor/sessions', {
                method: 'POST',
                body: { email },
              });
              return res.message;
            });
          }}
        >
          <InputField
            id="donor-email"
            label="Email address"
            type="email"
            autocomplete="email"
            required
            value={email}
            onValue={setEmail}
          />
          <OutcomeAlert outcome={action.outcome} />
          <SubmitButton
            class="primary"
            busy={action.busy}
            busyLabel="Sending…"
            label="Email me a sign-in link"
          />
        </form>
      </section>
    </Shell>
  );
}

/**
 * The page an emailed link opens. The token is in the fragment (never sent to a server) and is
 * used only when the donor confirms, so a mail scanner opening the link signs no one in.
 */
function ConfirmSignIn({ onSignedIn }: { onSignedIn: (s: DonorSession) => void }) {
  const [token] = useState(() => new URLSearchParams(location.hash.slice(1)).get('token'));
  useEffect(() => {
    // Out of the address bar and history: the link is single-use anyway.
    if (location.hash) history.replaceState(null, '', location.pathname);
  }, []);
  const action = useAction();
  return (
    <Shell>
      <section class="card signin">
        <h2>Confirm sign-in</h2>
        {token ? (
          <>
            <p>
              You followed a sign-in link from your email. Confirm to see and manage your gifts.
            </p>
            <OutcomeAlert outcome={action.outcome} />
            <button
              type="button"
              class="primary"
              disabled={action.busy}
              onClick={() =>
                void action.run(async () => {
                  onSignedIn(
                    await api<DonorSession>('/v1/donor/sessions/verify', {
                      method: 'POST',
                      body: { token },
                    }),
                  );
                })
              }
            >
              {action.busy ? 'Signing in…' : 'Confirm sign-in'}
            </button>
          </>
        ) : (
          <Alert kind="error">
            This sign-in link is incomplete. Please use the whole link from the email.
          </Alert>
        )}
        {action.outcome?.kind === 'error' || !token ? (
          <p>
            <a href="/donor">Ask for a new sign-in link</a>
          </p>
        ) : null}
      </section>
    </Shell>
  );
}

interface Pledge {
  id: string;
  campaign: { slug: string; title: string } | null;
  status: string;
  amount: number;
  currency: string;
  interval: 'week' | 'month' | 'quarter' | 'year';
  installments: number | null;
  paidInstallments: number;
  currentPeriodEnd: string | null;
  /** It ends by itself then, with no further payment (its campaign closed); null while it renews. */
  endsAt: string | null;
  /** Set while it runs on a closed campaign: the donor may continue it to the successor, or stop. */
  closing: PledgeClosing | null;
  pausedUntil: string | null;
}

interface Gift {
  id: string;
  campaign: { slug: string; title: string } | null;
  kind: string;
  amount: number;
  currency: string;
  status: string;
  refundedAmount: number;
  createdAt: string;
  succeededAt: string | null;
}

interface Receipt {
  id: string;
  number: string;
  type: string;
  status: string;
  amount: number;
  currency: string;
  issuedAt: string;
}

function Portal(props: {
  session: DonorSession;
  focusPledge: string | null;
  notice: Outcome;
  onSignedOut: (why: string | null) => void;
}) {
  const token = props.session.accessToken;
  const call = async <T,>(path: string, opts: Parameters<typeof api>[1] = {}) => {
    try {
      return await api<T>(path, { ...opts, token });
    } catch (error) {
      // Expired, or signed out everywhere from another device: the API's words are for developers.
      if ((error as { status?: number }).status === 401)
        props.onSignedOut(
          'Your sign-in has ended (it expired, or you signed out). Please sign in again.',
        );
      throw error;
    }
  };
  const pledges = useLoad(() => call<{ data: Pledge[] }>('/v1/donor/pledges'));
  const gifts = useLoad(() =>
    call<{ data: Gift[] }>('/v1/donor/donations', { query: { limit: 100 } }),
  );
  const receipts = useLoad(() => call<{ data: Receipt[] }>('/v1/donor/receipts'));
  const signOut = () => {
    void api('/v1/donor/sessions/current', { method: 'DELETE', token }).catch(() => undefined);
    props.onSignedOut('You are signed out.');
  };
  useEffect(() => {
    if (props.focusPledge && pledges.data)
      document.getElementById(`pledge-${props.focusPledge}`)?.scrollIntoView();
  }, [pledges.data, props.focusPledge]);

  const years = [
    ...new Set(
      (gifts.data?.data ?? []).map((g) => new Date(g.succeededAt ?? g.createdAt).getFullYear()),
    ),
  ].sort((a, b) => b - a);
  const currentYear = new Date().getFullYear();
  if (!years.includes(currentYear)) years.unshift(currentYear);

  // Someone who signed letters but never gave sees their signatures, not empty gift lists.
  const signerOnly =
    !!pledges.data && !!gifts.data && !pledges.data.data.length && !gifts.data.data.length;

  return (
    <Shell onSignOut={signOut} signerOnly={signerOnly}>
      {signerOnly && (
        <>
          <OutcomeAlert key="notice" outcome={props.notice} />
          <Signatures key="signatures" call={call} />
          <p key="no-gifts" class="muted no-gifts">
            No gifts yet. Gifts and recurring pledges made with this email would show here too.
          </p>
        </>
      )}
      {!signerOnly && (
        <section key="pledges" class="card" id="pledges" aria-labelledby="pledges-title">
          <h2 id="pledges-title">Your pledges</h2>
          <OutcomeAlert outcome={props.notice} />
          {pledges.error && <Alert kind="error">{pledges.error}</Alert>}
          {(pledges.data?.data ?? []).map((p) => (
            <PledgeCard
              key={p.id}
              pledge={p}
              token={token}
              focused={p.id === props.focusPledge}
              call={call}
              onChanged={() => void pledges.reload()}
            />
          ))}
          {pledges.data && !pledges.data.data.length && <p>You have no recurring gifts.</p>}
        </section>
      )}

      {!signerOnly && (
        <section key="gifts" class="card" id="gifts" aria-labelledby="gifts-title">
          <h2 id="gifts-title">Your gifts</h2>
          {gifts.error && <Alert kind="error">{gifts.error}</Alert>}
          <DataTable
            columns={['Date', 'Campaign', 'Amount', 'Kind', 'Status']}
            numeric={['Amount']}
          >
            {(gifts.data?.data ?? []).map((g) => (
              <Row key={g.id}>
                <td>{formatDate(g.succeededAt ?? g.createdAt)}</td>
                <td>{g.campaign?.title ?? 'General support'}</td>
                <td class="num">
                  {formatMoney(g.amount, g.currency)}
                  {g.refundedAmount > 0 && (
                    <div class="muted">refunded {formatMoney(g.refundedAmount, g.currency)}</div>
                  )}
                </td>
                <td>
                  {{ one_off: 'One-off', installment: 'Pledge payment', offline: 'Offline' }[
                    g.kind
                  ] ?? g.kind}
                </td>
                <td>{g.status}</td>
              </Row>
            ))}
          </DataTable>
          {gifts.data && !gifts.data.data.length && <p>No gifts yet.</p>}
        </section>
      )}

      {!signerOnly && <Receipts key="receipts" receipts={receipts} token={token} />}

      {!signerOnly && <Statements key="statements" years={years} token={token} />}

      {!signerOnly && <Signatures key="signatures" call={call} />}

      <YourDetails key="your-details" call={call} />

      <YourData
        key="your-data"
        call={call}
        pledges={pledges.data?.data ?? []}
        signerOnly={signerOnly}
        onPledgesChanged={() => void pledges.reload()}
        onSignedOut={props.onSignedOut}
      />
    </Shell>
  );
}

function Receipts({
  receipts,
  token,
}: {
  receipts: ReturnType<typeof useLoad<{ data: Receipt[] }>>;
  token: string;
}) {
  const action = useAction();
  return (
    <section class="card" id="receipts" aria-labelledby="receipts-title">
      <h2 id="receipts-title">Receipts</h2>
      {receipts.error && <Alert kind="error">{receipts.error}</Alert>}
      <OutcomeAlert outcome={action.outcome} />
      <DataTable columns={['Receipt', 'Issued', 'Amount', 'Status', 'PDF']} numeric={['Amount']}>
        {(receipts.data?.data ?? []).map((r) => (
          <Row key={r.id}>
            <td>{r.number}</td>
            <td>{formatDate(r.issuedAt)}</td>
            <td class="num">{formatMoney(r.amount, r.currency)}</td>
            <td>{r.status}</td>
            <td>
              <button
                type="button"
                disabled={action.busy}
                aria-label={`Download receipt ${r.number} (PDF)`}
                onClick={() =>
                  void action.run(async () => {
                    await download(
                      `/v1/donor/receipts/${r.id}/pdf`,
                      { token },
                      `receipt-${r.number}.pdf`,
                    );
                  })
                }
              >
                Download PDF
              </button>
            </td>
          </Row>
        ))}
      </DataTable>
      {receipts.data && !receipts.data.data.length && <p>No receipts yet.</p>}
    </section>
  );
}

function Statements({ years, token }: { years: number[]; token: string }) {
  const [year, setYear] = useState(String(years[0]));
  const action = useAction();
  return (
    <section class="card" id="statements" aria-labelledby="statements-title">
      <h2 id="statements-title">Year-end statements</h2>
      <p class="muted">One PDF with every gift of the year, for your tax return.</p>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await download(`/v1/donor/statements/${year}`, { token }, `statement-${year}.pdf`);
          });
        }}
      >
        <Field id="statement-year" label="Year">
          <select id="statement-year" value={year} onChange={(e) => setYear(e.currentTarget.value)}>
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </Field>
        <SubmitButton busy={action.busy} busyLabel="Preparing…" label="Download statement (PDF)" />
      </form>
      <OutcomeAlert outcome={action.outcome} />
    </section>
  );
}

type Panel = 'amount' | 'pause' | 'card' | null;

const STATUS_TEXT: Record<string, string> = {
  incomplete: 'Waiting for the first payment',
  active: 'Active',
  past_due: 'Payment failed: please update your card',
  paused: 'Paused',
  canceled: 'Canceled',
  completed: 'Completed',
};

function PledgeCard(props: {
  pledge: Pledge;
  token: string;
  focused: boolean;
  call: Call;
  onChanged: () => void;
}) {
  const p = props.pledge;
  const [panel, setPanel] = useState<Panel>(
    props.focused && p.status === 'past_due' ? 'card' : null,
  );
  const [amount, setAmount] = useState(fromMinor(p.amount, p.currency));
  const [until, setUntil] = useState('');
  const [confirmCancel, setConfirmCancel] = useState(false);
  const action = useAction();
  const open = p.status !== 'canceled' && p.status !== 'completed';
  // What the API takes for this pledge: an incomplete one (first payment still due) can only be
  // canceled; a past-due one cannot be paused (a new card first); on a closed campaign the
  // amount cannot change and pausing means nothing (it is not charged again): the closing
  // panel's choices replace them.
  const started = open && p.status !== 'incomplete';
  const closing = open ? p.closing : null;
  const canChangeAmount = started && !closing && p.status !== 'paused';
  const canPause = started && !closing && p.status !== 'paused' && p.status !== 'past_due';
  const heading = useRef<HTMLHeadingElement>(null);
  const toggle = (next: Panel) => {
    action.setOutcome(null);
    setPanel(next);
  };
  const title = p.campaign?.title ?? 'General support';
  const act = (fn: () => Promise<string>, after?: () => void) =>
    void action.run(fn).then((ok) => {
      if (ok) {
        setPanel(null);
        setConfirmCancel(false);
        props.onChanged();
        after?.();
      }
    });
  // The closing panel's buttons go once the donor has chosen: focus stays on this pledge.
  const focusHeading = () => heading.current?.focus();
  const headingId = `pledge-${p.id}-title`;
  return (
    <article
      id={`pledge-${p.id}`}
      class="card pledge"
      aria-labelledby={headingId}
      style={{
        border: '1px solid #d0d7de',
        borderRadius: '8px',
        padding: '0.75rem',
        marginBottom: '0.75rem',
      }}
    >
      <h3 id={headingId} ref={heading} tabIndex={-1} style={{ margin: 0 }}>
        {title}
      </h3>
      <p>
        <strong class="pledge-amount">{formatMoney(p.amount, p.currency)}</strong> every{' '}
        {p.interval} ·{' '}
        <span class="badge">
          {/* Its campaign closed: the failed payment is not tried again, a new card is not asked. */}
          {closing
            ? p.status === 'past_due'
              ? 'Last payment failed'
              : 'Ending with its campaign'
            : (STATUS_TEXT[p.status] ?? p.status)}
        </span>
        <br />
        <span class="muted">
          {count('paymentMade', p.paidInstallments)}
          {p.installments ? ` of ${p.installments}` : ''}
          {p.status === 'paused' && p.pausedUntil ? ` · resumes ${formatDate(p.pausedUntil)}` : ''}
          {open && p.status !== 'paused' && p.currentPeriodEnd && !p.endsAt
            ? ` · next payment ${formatDate(p.currentPeriodEnd)}`
            : ''}
        </span>
        {open && p.endsAt && !closing && (
          <>
            <br />
            <span class="pledge-ends">
              Ends on {formatDate(p.endsAt)}, with no further payment.
            </span>
          </>
        )}
      </p>
      {closing && (
        <ClosingPanel
          pledgeId={p.id}
          campaignTitle={title}
          closing={closing}
          endsOn={p.endsAt ?? p.currentPeriodEnd}
          busy={action.busy}
          canContinue={started}
          onContinue={() => {
            const successor = closing.successor!;
            act(async () => {
              const moved = await props.call<Pledge>(`/v1/donor/pledges/${p.id}/move`, {
                method: 'POST',
                body: { campaign: successor.slug },
              });
              return `Your ${formatMoney(moved.amount, moved.currency)} gift every ${moved.interval} now goes to ${moved.campaign?.title ?? successor.title}, on the same card, from your next payment.`;
            }, focusHeading);
          }}
          onStop={() => {
            action.setOutcome(null);
            setConfirmCancel(true);
          }}
        />
      )}
      <OutcomeAlert outcome={action.outcome} />
      {p.status === 'incomplete' && (
        <p class="hint">
          Its first payment has not gone through yet: until it does, it can only be canceled.
        </p>
      )}
      {p.status === 'past_due' && !closing && (
        <p class="hint" id={`past-due-${p.id}`}>
          It cannot be paused while a payment has failed: update the card (or cancel the pledge).
        </p>
      )}
      {open && (
        <div class="actions" role="group" aria-label={`Manage the pledge to ${title}`}>
          {canChangeAmount && (
            <button
              type="button"
              aria-expanded={panel === 'amount'}
              onClick={() => toggle(panel === 'amount' ? null : 'amount')}
            >
              Change amount
            </button>
          )}
          {canPause && (
            <button
              type="button"
              aria-expanded={panel === 'pause'}
              onClick={() => toggle(panel === 'pause' ? null : 'pause')}
            >
              Pause
            </button>
          )}
          {p.status === 'paused' && (
            <button
              type="button"
              disabled={action.busy}
              onClick={() =>
                act(async () => {
                  await props.call(`/v1/donor/pledges/${p.id}/resume`, { method: 'POST' });
                  return 'Your pledge is active again.';
                })
              }
            >
              Resume
            </button>
          )}
          {started && (
            <button
              type="button"
              aria-expanded={panel === 'card'}
              aria-describedby={
                p.status === 'past_due' && !closing ? `past-due-${p.id}` : undefined
              }
              onClick={() => toggle(panel === 'card' ? null : 'card')}
            >
              Update card
            </button>
          )}
          {/* On a closed campaign, "Stop now" in the closing panel is the cancel. */}
          {!closing && (
            <button type="button" class="danger" onClick={() => setConfirmCancel(true)}>
              Cancel pledge
            </button>
          )}
        </div>
      )}
      {panel === 'amount' && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            act(async () => {
              const parsed = parseAmount(amount, p.currency, 'New amount');
              if (!parsed.ok) throw new Error(parsed.message);
              const updated = await props.call<Pledge>(`/v1/donor/pledges/${p.id}`, {
                method: 'PATCH',
                body: { amount: parsed.minor },
              });
              return `From your next payment on, you give ${formatMoney(updated.amount, updated.currency)} every ${updated.interval}.`;
            });
          }}
        >
          <InputField
            id={`amount-${p.id}`}
            label={`New amount (${p.currency.toUpperCase()})`}
            inputMode="decimal"
            required
            value={amount}
            onValue={setAmount}
          />
          <SubmitButton
            class="primary"
            busy={action.busy}
            busyLabel="Saving…"
            label="Save amount"
          />
        </form>
      )}
      {panel === 'pause' && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            act(async () => {
              await props.call(`/v1/donor/pledges/${p.id}/pause`, {
                method: 'POST',
                body: until ? { until: new Date(`${until}T00:00:00`).toISOString() } : {},
              });
              return until
                ? `Paused until ${formatDate(new Date(`${until}T00:00:00`).toISOString())}.`
                : 'Paused until you resume it.';
            });
          }}
        >
          <InputField
            id={`until-${p.id}`}
            label="Resume by itself on (optional)"
            type="date"
            value={until}
            onValue={setUntil}
          />
          <SubmitButton class="primary" busy={action.busy} label="Pause pledge" />
        </form>
      )}
      {panel === 'card' && (
        <CardForm
          pledgeId={p.id}
          token={props.token}
          onCancel={() => setPanel(null)}
          onDone={(message) => {
            setPanel(null);
            action.setOutcome({ kind: 'success', text: message });
            props.onChanged();
          }}
        />
      )}
      <ConfirmDialog
        open={confirmCancel}
        title={closing ? `Stop your gift to ${title} now?` : `Cancel your pledge to ${title}?`}
        confirmLabel={closing ? 'Stop now' : 'Cancel pledge'}
        danger
        busy={action.busy}
        onCancel={() => setConfirmCancel(false)}
        onConfirm={() =>
          act(
            async () => {
              await props.call(`/v1/donor/pledges/${p.id}/cancel`, { method: 'POST' });
              return closing
                ? 'Your gift is stopped: no further payment will be taken. Thank you for your support.'
                : 'Your pledge is canceled. Thank you for your support.';
            },
            closing ? focusHeading : undefined,
          )
        }
      >
        <p>
          {closing?.successor
            ? `It ends now, and will not continue to ${closing.successor.title}. `
            : ''}
          No further payments will be taken. Payments already made stay with the campaign.
        </p>
        <OutcomeAlert outcome={action.outcome} />
      </ConfirmDialog>
    </article>
  );
}

/** Pledge statuses that can still charge: erasure waits until they are cancelled. */
const CHARGING = ['active', 'paused', 'past_due'];

/**
 * The donor's data rights: a copy of everything held about them, signing out every device,
 * and erasure (the money records stay for the books, without their name).
 */

/** One choice of the "Your data" section: a heading and what it does, beside its button. */
function DataOption(props: {
  id: string;
  title: string;
  label: string;
  busy: boolean;
  danger?: boolean;
  onClick: () => void;
  children: preact.ComponentChildren;
}) {
  return (
    <div class="data-option">
      <div>
        <h3 id={`${props.id}-title`}>{props.title}</h3>
        <p id={`${props.id}-text`}>{props.children}</p>
      </div>
      <button
        type="button"
        class={props.danger ? 'danger' : undefined}
        disabled={props.busy}
        aria-describedby={`${props.id}-text`}
        onClick={props.onClick}
      >
        {props.label}
      </button>
    </div>
  );
}

function YourData(props: {
  call: Call;
  pledges: Pledge[];
  signerOnly: boolean;
  onPledgesChanged: () => void;
  onSignedOut: (why: string | null) => void;
}) {
  const exporting = useAction();
  const signingOut = useAction();
  const erasing = useAction();
  const [confirmErase, setConfirmErase] = useState(false);
  // Erasure was refused (409) for pledges that can still charge.
  const [refused, setRefused] = useState(false);

  const downloadData = () =>
    void exporting.run(async () => {
      const data = await props.call<unknown>('/v1/donor/export');
      const name = `my-data-${today()}.json`;
      saveBlob(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }), name);
      return `Your data is saved as ${name}.`;
    });

  const signOutEverywhere = () =>
    void signingOut
      .run(async () => {
        await props.call('/v1/donor/sessions', { method: 'DELETE' });
      })
      .then((ok) => {
        if (ok)
          props.onSignedOut(
            'You are signed out on every device, and sign-in links not yet used no longer work.',
          );
      });

  const erase = () => {
    setRefused(false);
    void erasing
      .run(async () => {
        try {
          await props.call('/v1/donor/erasure', { method: 'POST', body: { confirm: true } });
        } catch (error) {
          setRefused(error instanceof ApiError && error.status === 409);
          throw error;
        }
      })
      .then((ok) => {
        if (ok) {
          props.onSignedOut(
            'Your personal data is erased and you are signed out. The amounts and receipt ' +
              'numbers of your gifts are kept for the books, without your name.',
          );
          return;
        }
        // The page's error stays in this section; the dialog has done its job.
        setConfirmErase(false);
        props.onPledgesChanged();
      });
  };
  const refusal = erasing.outcome?.kind === 'error' ? erasing.outcome.text : null;
  // The pledges the refusal named (by id), by their names, while they can still charge.
  const blocking = refused
    ? props.pledges.filter((p) => refusal?.includes(p.id) && CHARGING.includes(p.status))
    : [];

  return (
    <section class="card" id="your-data" aria-labelledby="your-data-title">
      <h2 id="your-data-title">Your data</h2>
      <p class="muted">What we hold about you is yours to see and to remove.</p>

      <DataOption
        id="data-download"
        title="Download a copy"
        label={exporting.busy ? 'Preparing…' : 'Download my data'}
        busy={exporting.busy}
        onClick={downloadData}
      >
        A JSON file with everything we hold about you: your gifts and pledges with the names and
        addresses given with them, receipts, the letters you signed, the emails we sent you, and a
        record of staff access.
      </DataOption>
      <OutcomeAlert outcome={exporting.outcome} />

      <DataOption
        id="data-sign-out"
        title="Sign out everywhere"
        label={signingOut.busy ? 'Signing out…' : 'Sign out everywhere'}
        busy={signingOut.busy}
        onClick={signOutEverywhere}
      >
        Ends your sessions on every device and browser, and voids sign-in links you have not used
        yet. Do this if you signed in on a shared or lost device.
      </DataOption>
      <OutcomeAlert outcome={signingOut.outcome} />

      <DataOption
        id="data-erase"
        title="Erase my data"
        label="Erase my data…"
        danger
        busy={erasing.busy}
        onClick={() => {
          erasing.setOutcome(null);
          setRefused(false);
          setConfirmErase(true);
        }}
      >
        {props.signerOnly
          ? 'Removes your email address and your signatures. It cannot be undone.'
          : 'Removes your email address, the names, addresses and messages given with your gifts, and your signatures. It cannot be undone. Cancel any active or paused pledge first.'}
      </DataOption>
      {refusal && (
        <Alert kind="error">
          {refusal}
          {blocking.length > 0 && (
            <ul class="blocking">
              {blocking.map((p) => (
                <li key={p.id}>
                  <a href={`#pledge-${p.id}`}>
                    {p.campaign?.title ?? 'General support'}: {formatMoney(p.amount, p.currency)}{' '}
                    every {p.interval} ({(STATUS_TEXT[p.status] ?? p.status).toLowerCase()})
                  </a>
                </li>
              ))}
            </ul>
          )}
        </Alert>
      )}

      <ConfirmDialog
        open={confirmErase}
        title="Erase your personal data?"
        confirmLabel="Erase my data"
        danger
        focusCancel
        busy={erasing.busy}
        onCancel={() => setConfirmErase(false)}
        onConfirm={erase}
      >
        <p>
          <strong>This cannot be undone.</strong> You will be signed out and will not be able to see
          {props.signerOnly ? ' your signatures' : ' these gifts and signatures'} here again.
        </p>
        <p>We erase:</p>
        <ul>
          <li>your email address;</li>
          <li>
            the names, postal addresses, messages and tributes given with your gifts and pledges;
          </li>
          <li>
            your signatures on letters: your name, country and comment go, and they stop counting (a
            letter already delivered with your name cannot be recalled);
          </li>
          <li>the emails we sent you;</li>
          <li>the customer record and saved cards at our payment provider (Stripe);</li>
          <li>your sessions and sign-in links.</li>
        </ul>
        <p>
          We keep, for the books: the amount, date and campaign of each gift, receipt numbers and
          the payment records, with no name or email attached.
        </p>
        <p>
          Pledges that are active, paused or waiting for a failed payment must be cancelled first.
          If you want a copy of your data, download it before erasing.
        </p>
      </ConfirmDialog>
    </section>
  );
}
