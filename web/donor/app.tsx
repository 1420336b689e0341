import { useEffect, useState } from 'preact/hooks';
import { api, download, messageOf } from '../shared/api';
import { formatDate, formatMoney, fromMinor, parseAmount } from '../shared/money';
import {
  Alert,
  ConfirmDialog,
  Field,
  InputField,
  Outcome,
  OutcomeAlert,
  SubmitButton,
  TableHead,
  useAction,
  useLoad,
} from '../shared/ui';
import { cardReturnOutcome, CardForm } from './card-form';
import { clearSession, DonorSession, loadSession, saveSession } from './session';

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

function Shell(props: { children: preact.ComponentChildren; onSignOut?: () => void }) {
  return (
    <>
      <header class="top">
        <h1>Your gifts</h1>
        {props.onSignOut && (
          <nav aria-label="Sections">
            <a href="#pledges">Pledges</a>
            <a href="#gifts">Gifts</a>
            <a href="#receipts">Receipts</a>
            <a href="#statements">Statements</a>
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
  return (
    <Shell>
      <section class="card signin">
        <h2>Sign in</h2>
        <p>
          Enter the email address you gave with. We will send you a link to sign in: no password
          needed.
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
  interval: 'month' | 'year';
  installments: number | null;
  paidInstallments: number;
  currentPeriodEnd: string | null;
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
      if ((error as { status?: number }).status === 401) props.onSignedOut(`${messageOf(error)}`);
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

  return (
    <Shell onSignOut={signOut}>
      <section class="card" id="pledges" aria-labelledby="pledges-title">
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

      <section class="card" id="gifts" aria-labelledby="gifts-title">
        <h2 id="gifts-title">Your gifts</h2>
        {gifts.error && <Alert kind="error">{gifts.error}</Alert>}
        <div class="table-wrap">
          <table>
            <TableHead
              columns={['Date', 'Campaign', 'Amount', 'Kind', 'Status']}
              numeric={['Amount']}
            />
            <tbody>
              {(gifts.data?.data ?? []).map((g) => (
                <tr key={g.id}>
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
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {gifts.data && !gifts.data.data.length && <p>No gifts yet.</p>}
      </section>

      <Receipts receipts={receipts} token={token} />

      <Statements years={years} token={token} />
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
      <div class="table-wrap">
        <table>
          <TableHead
            columns={['Receipt', 'Issued', 'Amount', 'Status', 'PDF']}
            numeric={['Amount']}
          />
          <tbody>
            {(receipts.data?.data ?? []).map((r) => (
              <tr key={r.id}>
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
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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

type Call = <T>(path: string, opts?: Parameters<typeof api>[1]) => Promise<T>;
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
  const toggle = (next: Panel) => {
    action.setOutcome(null);
    setPanel(next);
  };
  const title = p.campaign?.title ?? 'General support';
  const act = (fn: () => Promise<string>) =>
    void action.run(fn).then((ok) => {
      if (ok) {
        setPanel(null);
        setConfirmCancel(false);
        props.onChanged();
      }
    });
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
      <h3 id={headingId} style={{ margin: 0 }}>
        {title}
      </h3>
      <p>
        <strong class="pledge-amount">{formatMoney(p.amount, p.currency)}</strong> every{' '}
        {p.interval} · <span class="badge">{STATUS_TEXT[p.status] ?? p.status}</span>
        <br />
        <span class="muted">
          {p.paidInstallments} payment{p.paidInstallments === 1 ? '' : 's'} made
          {p.installments ? ` of ${p.installments}` : ''}
          {p.status === 'paused' && p.pausedUntil ? ` · resumes ${formatDate(p.pausedUntil)}` : ''}
          {open && p.status !== 'paused' && p.currentPeriodEnd
            ? ` · next payment ${formatDate(p.currentPeriodEnd)}`
            : ''}
        </span>
      </p>
      <OutcomeAlert outcome={action.outcome} />
      {open && (
        <div class="actions" role="group" aria-label={`Manage the pledge to ${title}`}>
          {p.status !== 'paused' && (
            <button
              type="button"
              aria-expanded={panel === 'amount'}
              onClick={() => toggle(panel === 'amount' ? null : 'amount')}
            >
              Change amount
            </button>
          )}
          {p.status !== 'paused' && (
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
          <button
            type="button"
            aria-expanded={panel === 'card'}
            onClick={() => toggle(panel === 'card' ? null : 'card')}
          >
            Update card
          </button>
          <button type="button" class="danger" onClick={() => setConfirmCancel(true)}>
            Cancel pledge
          </button>
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
        title={`Cancel your pledge to ${title}?`}
        confirmLabel="Cancel pledge"
        danger
        busy={action.busy}
        onCancel={() => setConfirmCancel(false)}
        onConfirm={() =>
          act(async () => {
            await props.call(`/v1/donor/pledges/${p.id}/cancel`, { method: 'POST' });
            return 'Your pledge is canceled. Thank you for your support.';
          })
        }
      >
        <p>No further payments will be taken. Payments already made stay with the campaign.</p>
        <OutcomeAlert outcome={action.outcome} />
      </ConfirmDialog>
    </article>
  );
}
