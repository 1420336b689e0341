import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  api,
  ApiError,
  Call,
  CampaignView,
  download,
  idempotencyKey,
  messageOf,
} from '../shared/api';
import { count } from '../shared/messages';
import { formatDate, formatMoney, parseAmount } from '../shared/money';
import { percentText, shownGoal } from '../shared/progress';
import {
  Alert,
  ConfirmDialog,
  DateRangeFields,
  daysAgo,
  Field,
  InputField,
  OutcomeAlert,
  ProgressBar,
  SubmitButton,
  DataTable,
  Row,
  today,
  useAction,
  useLoad,
} from '../shared/ui';
import { Actions } from './actions';
import { DonationsChart, Series } from './chart';
import { closedText, CloseCampaignDialog } from './close-campaign';
import { CampaignField } from './fields';

/** The staff key lives for this browser session only (sessionStorage), never in a cookie. */
const KEY_STORAGE = 'pledges.staffKey';

interface Me {
  role: 'admin' | 'finance';
  name: string;
}

interface Session extends Me {
  key: string;
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(() => sessionStorage.getItem(KEY_STORAGE) !== null);
  const [expired, setExpired] = useState<string | null>(null);

  useEffect(() => {
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (!key) return setChecking(false);
    api<Me>('/v1/admin/me', { token: key })
      .then((me) => setSession({ ...me, key }))
      .catch((error) => {
        sessionStorage.removeItem(KEY_STORAGE);
        setExpired(messageOf(error));
      })
      .finally(() => setChecking(false));
  }, []);

  const signOut = () => {
    sessionStorage.removeItem(KEY_STORAGE);
    setSession(null);
  };

  if (checking) return <p class="muted">Loading…</p>;
  if (!session)
    return (
      <SignIn
        notice={expired}
        onSignedIn={(s) => {
          sessionStorage.setItem(KEY_STORAGE, s.key);
          setSession(s);
        }}
      />
    );
  return <Dashboard session={session} onSignOut={signOut} />;
}

function SignIn(props: { notice: string | null; onSignedIn: (s: Session) => void }) {
  const [key, setKey] = useState('');
  const action = useAction();
  return (
    <main>
      <section class="card signin">
        <h1>Staff dashboard</h1>
        <p class="muted">
          Sign in with your staff API key (<code>pbk_…</code>). It is kept for this browser tab’s
          session only.
        </p>
        {props.notice && <Alert kind="info">Please sign in again: {props.notice}</Alert>}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              const me = await api<Me>('/v1/admin/me', { token: key.trim() });
              props.onSignedIn({ ...me, key: key.trim() });
            });
          }}
        >
          <InputField
            id="staff-key"
            label="Staff API key"
            type="password"
            autocomplete="off"
            required
            value={key}
            onValue={setKey}
          />
          <OutcomeAlert outcome={action.outcome} />
          <SubmitButton
            class="primary"
            busy={action.busy}
            busyLabel="Signing in…"
            label="Sign in"
          />
        </form>
      </section>
    </main>
  );
}

function Dashboard({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const isAdmin = session.role === 'admin';
  const call = <T,>(path: string, opts: Parameters<typeof api>[1] = {}) =>
    api<T>(path, { ...opts, token: session.key });
  // Refresh reloads every section (a gift moves progress, the chart, the report and the gifts).
  const [tick, setTick] = useState(0);
  const campaigns = useLoad(() => api<{ data: CampaignView[] }>('/v1/campaigns'), [tick]);

  // Progress moves as gifts arrive: look again every 15 seconds while the tab is visible.
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void campaigns.reload();
    }, 15_000);
    return () => clearInterval(timer);
  }, []);

  const list = campaigns.data?.data ?? [];
  // Closing a campaign (admins): the card whose dialog is open, and what the last close reached.
  const [closing, setClosing] = useState<CampaignView | null>(null);
  const [closed, setClosed] = useState<string | null>(null);
  return (
    <>
      <header class="top">
        <h1>Staff dashboard</h1>
        <nav aria-label="Sections">
          <a href="#campaigns">Campaigns</a>
          <a href="#report">Report</a>
          <a href="#gifts">Gifts</a>
          {isAdmin && <a href="#actions">Actions</a>}
          {isAdmin && <a href="#events">Stripe events</a>}
          {isAdmin && <a href="#receipts">Receipts</a>}
          {isAdmin && <a href="#offline">Offline gift</a>}
          {isAdmin && <QueuesLink token={session.key} />}
        </nav>
        <div class="row">
          <span>
            {session.name} <span class="badge">{session.role}</span>
          </span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main>
        <section class="card" id="campaigns" aria-labelledby="campaigns-title">
          <div class="section-head">
            <h2 id="campaigns-title">Campaigns</h2>
            <button type="button" onClick={() => setTick(tick + 1)} disabled={campaigns.loading}>
              {campaigns.loading ? 'Refreshing…' : 'Refresh'}
            </button>
          </div>
          {campaigns.error && <Alert kind="error">{campaigns.error}</Alert>}
          {closed && <Alert kind="success">{closed}</Alert>}
          <div class="grid">
            {list.map((c) => (
              <article class="campaign" key={c.slug} data-slug={c.slug} aria-label={c.title}>
                <h3 id={`campaign-${c.slug}-title`}>{c.title}</h3>
                <div class="muted">
                  {c.slug} · <span class={`badge status-${c.status}`}>{c.status}</span>
                  {c.status === 'closed' && c.closedAt && <> on {formatDate(c.closedAt)}</>}
                </div>
                <CampaignGoals c={c} />
                <div class="muted counts">
                  {count('donation', c.progress.donationCount)} ·{' '}
                  {count('donor', c.progress.donorCount)}
                </div>
                {(c.actions ?? []).map((a) => (
                  <div class="campaign-action" key={a.slug}>
                    {a.title}: {a.signatures.toLocaleString('en')} of {count('signature', a.goal)}
                  </div>
                ))}
                {isAdmin && c.status === 'active' && (
                  <div class="actions">
                    <button
                      type="button"
                      class="danger-outline"
                      aria-haspopup="dialog"
                      aria-describedby={`campaign-${c.slug}-title`}
                      onClick={() => {
                        setClosed(null);
                        setClosing(c);
                      }}
                    >
                      Close campaign…
                    </button>
                  </div>
                )}
              </article>
            ))}
          </div>
          {!campaigns.loading && !list.length && !campaigns.error && <p>No active campaigns.</p>}
          {isAdmin && (
            <CloseCampaignDialog
              campaign={closing}
              campaigns={list}
              call={call}
              onCancel={() => setClosing(null)}
              onClosed={(done) => {
                setClosing(null);
                setClosed(closedText(done));
                setTick((t) => t + 1);
              }}
            />
          )}
        </section>
        <Timeseries campaigns={list} call={call} tick={tick} />
        <Report campaigns={list} token={session.key} call={call} tick={tick} />
        <Gifts campaigns={list} call={call} tick={tick} />
        {isAdmin && <Actions campaigns={list} call={call} token={session.key} tick={tick} />}
        {isAdmin && <StripeEvents call={call} tick={tick} />}
        {isAdmin && <FailedReceipts call={call} tick={tick} />}
        {isAdmin && (
          <OfflineGift campaigns={list} call={call} onRecorded={() => setTick(tick + 1)} />
        )}
      </main>
    </>
  );
}

/**
 * Opens Bull Board (/admin/queues): the key, kept by this page, buys a short session cookie
 * (HttpOnly, SameSite=Strict, for /admin/queues only), so the browser never holds the key in
 * a form other sites' requests could carry.
 */
/**
 * A campaign card's progress: toward the goal, then (once it is reached) toward the next
 * stretch goal, as the widget shows it; with the goals listed when there are stretch goals.
 */
function CampaignGoals({ c }: { c: CampaignView }) {
  const shown = shownGoal(c);
  const money = (amount: number) => formatMoney(amount, c.goal.currency);
  const stretch = c.stretchGoals ?? [];
  return (
    <>
      <ProgressBar
        progress={shown.figures}
        label={`${c.title}: progress toward the ${shown.stage === null ? 'goal' : 'next goal'}`}
      />
      <div>
        <strong class="raised">{formatMoney(c.progress.raised, c.progress.currency)}</strong> of{' '}
        {formatMoney(shown.target.amount, shown.target.currency)} ·{' '}
        <span class="percent">{percentText(shown.figures)}</span>
      </div>
      {shown.stage === 'next' && (
        <div class="next-goal">
          Goal reached — next goal {formatMoney(shown.target.amount, shown.target.currency)}
        </div>
      )}
      {shown.stage === 'all' && <div class="next-goal">Every goal reached</div>}
      {(stretch.length > 0 || c.closeAtGoal) && (
        <div class="muted goals">
          Goal {money(c.goal.amount)}
          {stretch.length > 0 && <> · stretch goals {stretch.map(money).join(', ')}</>}
          {c.closeAtGoal && <> · closes at its final goal</>}
        </div>
      )}
    </>
  );
}

function QueuesLink({ token }: { token: string }) {
  const [error, setError] = useState<string | null>(null);
  const open = async (event: Event) => {
    event.preventDefault();
    try {
      await api<void>('/admin/queues/session', { method: 'POST', token });
      window.location.assign('/admin/queues');
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <a href="/admin/queues" onClick={(e) => void open(e)} title={error ?? undefined}>
      Queues{error ? ' (unavailable)' : ''}
    </a>
  );
}

interface TimeseriesView {
  buckets: {
    start: string;
    totals: { currency: string; gross: number; net: number; donationCount: number }[];
  }[];
}

function Timeseries({
  campaigns,
  call,
  tick,
}: {
  campaigns: CampaignView[];
  call: Call;
  tick: number;
}) {
  const [slug, setSlug] = useState('');
  const [interval, setInterval] = useState('day');
  const [from, setFrom] = useState(daysAgo(29));
  const [to, setTo] = useState(today());
  const chosen = slug || campaigns[0]?.slug || '';
  const campaign = campaigns.find((c) => c.slug === chosen);
  const data = useLoad(
    async () =>
      chosen
        ? call<TimeseriesView>('/v1/reports/timeseries', {
            query: { campaign: chosen, interval, from, to },
          })
        : null,
    [chosen, interval, from, to, tick],
  );
  const series = useMemo<Series | null>(() => {
    if (!data.data || !campaign) return null;
    const currency = campaign.goal.currency;
    const pick = (b: TimeseriesView['buckets'][number]) =>
      b.totals.find((t) => t.currency === currency);
    return {
      currency,
      starts: data.data.buckets.map((b) => b.start),
      gross: data.data.buckets.map((b) => pick(b)?.gross ?? 0),
      counts: data.data.buckets.map((b) => pick(b)?.donationCount ?? 0),
    };
  }, [data.data, campaign]);
  return (
    <section class="card" id="chart" aria-labelledby="chart-title">
      <h2 id="chart-title">Donations over time</h2>
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <CampaignField
          id="chart-campaign"
          campaigns={campaigns}
          value={chosen}
          onChange={setSlug}
        />
        <Field id="chart-interval" label="Per">
          <select
            id="chart-interval"
            value={interval}
            onChange={(e) => setInterval(e.currentTarget.value)}
          >
            <option value="day">Day</option>
            <option value="week">Week</option>
            <option value="month">Month</option>
          </select>
        </Field>
        <DateRangeFields idPrefix="chart" from={from} to={to} onFrom={setFrom} onTo={setTo} />
      </form>
      {data.error && <Alert kind="error">{data.error}</Alert>}
      {series && campaign && (
        <DonationsChart
          series={series}
          label={`Gross donations per ${interval} for ${campaign.title}`}
        />
      )}
    </section>
  );
}

const REPORT_COLUMNS = [
  'Campaign',
  'Gross',
  'Fees',
  'Refunds',
  'Disputes',
  'Net',
  'Donations',
  'Donors',
  'Goal',
  'Pledges',
];

interface ReportRow {
  campaign: string | null;
  title: string | null;
  currency: string;
  gross: number;
  stripeFees: number;
  refunds: number;
  disputes: number;
  net: number;
  donationCount: number;
  distinctDonors: number;
  percentOfGoal: number | null;
  activePledges?: number;
  /** Once the campaign is closed: what its running pledges did (the same on each currency row). */
  pledgeClosing?: {
    closedAt: string;
    moved: number;
    stopped: number;
    ended: number;
    awaiting: number;
  } | null;
  /** Pledges moved to this campaign from another, all time. */
  pledgesMovedIn?: number;
}

/**
 * The report's Pledges cell: active pledges now, pledges moved in from closed campaigns, and,
 * once the campaign is closed, what its pledges did (said on its first row only: the API
 * repeats it on each currency row).
 */
function PledgeFigures({ r, first }: { r: ReportRow; first: boolean }) {
  const c = first ? r.pledgeClosing : null;
  return (
    <>
      <span class="active-pledges">{r.activePledges ?? 0} active</span>
      {first && !!r.pledgesMovedIn && <div class="muted moved-in">{r.pledgesMovedIn} moved in</div>}
      {c && (
        <div class="muted pledge-closing">
          At closing ({formatDate(c.closedAt)}): {c.moved} moved, {c.stopped} stopped, {c.ended}{' '}
          ended, {c.awaiting} awaiting
        </div>
      )}
    </>
  );
}

function Report({
  campaigns,
  token,
  call,
  tick,
}: {
  campaigns: CampaignView[];
  token: string;
  call: Call;
  tick: number;
}) {
  const [slug, setSlug] = useState('');
  const [from, setFrom] = useState(today().slice(0, 8) + '01');
  const [to, setTo] = useState(today());
  const query = { campaign: slug || undefined, from, to };
  const report = useLoad(
    () =>
      call<{ data: ReportRow[]; from: string; to: string; timeZone: string }>(
        '/v1/reports/campaigns',
        { query },
      ),
    [slug, from, to, tick],
  );
  const csv = useAction();
  return (
    <section class="card" id="report" aria-labelledby="report-title">
      <h2 id="report-title">Campaign report</h2>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void report.reload();
        }}
      >
        <CampaignField
          id="report-campaign"
          campaigns={campaigns}
          value={slug}
          onChange={setSlug}
          allLabel="All campaigns"
        />
        <DateRangeFields idPrefix="report" from={from} to={to} onFrom={setFrom} onTo={setTo} />
        <button type="submit">Show</button>
        <button
          type="button"
          class="primary"
          disabled={csv.busy}
          onClick={() =>
            void csv.run(async () => {
              const name = await download(
                '/v1/reports/donations.csv',
                { token, query },
                'donations.csv',
              );
              return `Downloaded ${name}.`;
            })
          }
        >
          {csv.busy ? 'Preparing…' : 'Download CSV'}
        </button>
      </form>
      <OutcomeAlert outcome={csv.outcome} />
      {report.error && <Alert kind="error">{report.error}</Alert>}
      {report.data && (
        <>
          <DataTable
            columns={REPORT_COLUMNS}
            numeric={REPORT_COLUMNS.filter((c) => c !== 'Campaign' && c !== 'Pledges')}
            caption={
              <>
                {report.data.from} to {report.data.to} ({report.data.timeZone})
              </>
            }
          >
            {report.data.data.map((r, i, rows) => (
              <Row key={`${r.campaign}-${r.currency}`}>
                <td>{r.title ?? 'Unattributed'}</td>
                <td class="num">{formatMoney(r.gross, r.currency)}</td>
                <td class="num">{formatMoney(r.stripeFees, r.currency)}</td>
                <td class="num">{formatMoney(r.refunds, r.currency)}</td>
                <td class="num">{formatMoney(r.disputes, r.currency)}</td>
                <td class="num">{formatMoney(r.net, r.currency)}</td>
                <td class="num">{r.donationCount}</td>
                <td class="num">{r.distinctDonors}</td>
                <td class="num">
                  {r.percentOfGoal === null
                    ? '—'
                    : percentText({ raised: r.gross, percent: r.percentOfGoal })}
                </td>
                <td>
                  <PledgeFigures
                    r={r}
                    first={rows.findIndex((o) => o.campaign === r.campaign) === i}
                  />
                </td>
              </Row>
            ))}
          </DataTable>
          {!report.data.data.length && <p>No money moved in this period.</p>}
        </>
      )}
    </section>
  );
}

interface Entry {
  entryId: string;
  occurredAt: string;
  kind: string;
  amount: number;
  currency: string;
  donationId: string | null;
  donationStatus: string | null;
  donationMethod: string | null;
  campaign: string | null;
  campaignTitle: string | null;
  /** The donor asked not to be named publicly (staff still see the name). */
  anonymous: boolean | null;
  donorName: string | null;
  donorEmail: string | null;
}

/**
 * The 50 most recent gifts (card and offline), newest first, each card gift with a refund
 * action (finance and admin). The API pages newest first, so the newest are there however many
 * entries the 30 days hold; fees, refunds and disputes are left out here.
 */
function Gifts({ campaigns, call, tick }: { campaigns: CampaignView[]; call: Call; tick: number }) {
  const [slug, setSlug] = useState('');
  const entries = useLoad(
    () =>
      call<{ data: Entry[] }>('/v1/reports/donations', {
        query: {
          campaign: slug || undefined,
          from: daysAgo(29),
          to: today(),
          order: 'desc',
          limit: 500,
        },
      }),
    [slug, tick],
  );
  const charges = (entries.data?.data ?? []).filter((e) => e.kind === 'charge').slice(0, 50);
  const [refunding, setRefunding] = useState<Entry | null>(null);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [key, setKey] = useState('');
  const refund = useAction();
  const [done, setDone] = useState<string | null>(null);

  const open = (e: Entry) => {
    setRefunding(e);
    setAmount('');
    setReason('');
    setKey(idempotencyKey('refund'));
    refund.setOutcome(null);
  };
  const confirm = () => {
    const entry = refunding!;
    void refund
      .run(async () => {
        // Empty: everything that remains.
        const parsed = amount.trim() ? parseAmount(amount, entry.currency, 'Amount') : null;
        if (parsed && !parsed.ok) throw new Error(parsed.message);
        await call(`/v1/admin/donations/${entry.donationId}/refunds`, {
          method: 'POST',
          body: { reason, ...(parsed ? { amount: parsed.minor } : {}) },
          idempotencyKey: key,
        });
      })
      .then((ok) => {
        if (!ok) return;
        setDone(`Refund requested for the gift of ${formatMoney(entry.amount, entry.currency)}.`);
        setRefunding(null);
        void entries.reload();
      });
  };
  return (
    <section class="card" id="gifts" aria-labelledby="gifts-title">
      <h2 id="gifts-title">Recent gifts</h2>
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <CampaignField
          id="gifts-campaign"
          campaigns={campaigns}
          value={slug}
          onChange={setSlug}
          allLabel="All campaigns"
        />
        <button type="button" onClick={() => void entries.reload()}>
          Refresh
        </button>
      </form>
      {done && <Alert kind="success">{done}</Alert>}
      {entries.error && <Alert kind="error">{entries.error}</Alert>}
      <DataTable
        columns={['Date', 'Donor', 'Campaign', 'Amount', 'Method', 'Status', 'Action']}
        numeric={['Amount']}
      >
        {charges.map((e) => (
          <Row key={e.entryId}>
            <td>{formatDate(e.occurredAt)}</td>
            <td>
              {e.donorName ?? e.donorEmail ?? '—'}
              {e.anonymous && (
                <span class="badge private" title="The donor asked not to be named publicly">
                  Private
                  <span class="visually-hidden">
                    {' '}
                    (anonymous gift: the donor asked not to be named publicly)
                  </span>
                </span>
              )}
            </td>
            <td>{e.campaignTitle ?? e.campaign ?? '—'}</td>
            <td class="num">{formatMoney(e.amount, e.currency)}</td>
            <td>{e.donationMethod ?? '—'}</td>
            <td>{e.donationStatus ?? '—'}</td>
            <td>
              {e.donationMethod === 'card' && e.donationId && e.donationStatus !== 'refunded' && (
                <button
                  type="button"
                  onClick={() => open(e)}
                  aria-label={`Refund ${formatMoney(e.amount, e.currency)} from ${e.donorName ?? e.donorEmail ?? 'donor'}`}
                >
                  Refund…
                </button>
              )}
            </td>
          </Row>
        ))}
      </DataTable>
      {!entries.loading && !charges.length && <p>No gifts in the last 30 days.</p>}
      <ConfirmDialog
        open={refunding !== null}
        title="Refund this gift?"
        confirmLabel="Refund"
        danger
        busy={refund.busy}
        onConfirm={confirm}
        onCancel={() => setRefunding(null)}
      >
        {refunding && (
          <>
            <p>
              {formatMoney(refunding.amount, refunding.currency)} from{' '}
              {refunding.donorName ?? refunding.donorEmail ?? 'a donor'} on{' '}
              {formatDate(refunding.occurredAt)}. The money goes back to the donor’s card through
              Stripe.
            </p>
            <InputField
              id="refund-amount"
              label={`Amount (${refunding.currency.toUpperCase()})`}
              hint="Leave empty to refund everything that remains."
              inputMode="decimal"
              value={amount}
              onValue={setAmount}
            />
            <InputField
              id="refund-reason"
              label="Reason (for the books)"
              required
              maxLength={500}
              value={reason}
              onValue={setReason}
            />
            <OutcomeAlert outcome={refund.outcome} />
          </>
        )}
      </ConfirmDialog>
    </section>
  );
}

/** A section's heading with a Refresh button beside it. */
function RefreshHead(props: { id: string; title: string; onRefresh: () => Promise<void> }) {
  return (
    <div class="section-head">
      <h2 id={props.id}>{props.title}</h2>
      <button type="button" onClick={() => void props.onRefresh()}>
        Refresh
      </button>
    </div>
  );
}

interface StripeEvent {
  id: string;
  type: string;
  objectId: string | null;
  status: string;
  attempts: number;
  lastError: string | null;
  receivedAt: string;
}

/** How long Replay waits for the worker to settle the event before it stops watching. */
const REPLAY_WAIT_MS = 60_000;

function StripeEvents({ call, tick }: { call: Call; tick: number }) {
  const failed = useLoad(
    () => call<{ data: StripeEvent[] }>('/v1/admin/stripe-events', { query: { status: 'failed' } }),
    [tick],
  );
  const action = useAction();
  const [replaying, setReplaying] = useState<string | null>(null);
  const replay = (id: string) => {
    setReplaying(id);
    void action
      .run(async () => {
        await call(`/v1/admin/stripe-events/${id}/replay`, { method: 'POST' });
        // Processing happens in the worker (behind other jobs, and calling Stripe): wait up to a
        // minute for the event to settle, saying so after the first few seconds.
        const started = Date.now();
        while (Date.now() - started < REPLAY_WAIT_MS) {
          await new Promise((r) => setTimeout(r, Date.now() - started < 5_000 ? 500 : 1_500));
          if (Date.now() - started >= 3_000)
            action.setOutcome({ kind: 'info', text: `Event ${id} is still processing…` });
          const recent = await call<{ data: StripeEvent[] }>('/v1/admin/stripe-events', {
            query: { limit: 100 },
          });
          const now = recent.data.find((e) => e.id === id);
          if (now && now.status === 'failed')
            throw new ApiError(
              0,
              `Event ${id} failed again: ${now.lastError ?? 'no reason given'}`,
            );
          if (now && now.status !== 'pending') return `Event ${id} replayed: ${now.status}.`;
          if (
            !now &&
            !(
              await call<{ data: StripeEvent[] }>('/v1/admin/stripe-events', {
                query: { status: 'failed' },
              })
            ).data.some((e) => e.id === id)
          )
            return `Event ${id} replayed: no longer failing.`;
        }
        return `Event ${id} was queued for replay; it is still being processed.`;
      })
      .finally(() => {
        setReplaying(null);
        void failed.reload();
      });
  };
  const rows = failed.data?.data ?? [];
  return (
    <section class="card" id="events" aria-labelledby="events-title">
      <RefreshHead id="events-title" title="Failed Stripe events" onRefresh={failed.reload} />
      <OutcomeAlert outcome={action.outcome} />
      {failed.error && <Alert kind="error">{failed.error}</Alert>}
      {rows.length ? (
        <DataTable
          columns={['Event', 'Type', 'Attempts', 'Last error', 'Received', 'Action']}
          numeric={['Attempts']}
        >
          {rows.map((e) => (
            <Row key={e.id}>
              <td>
                <code>{e.id}</code>
              </td>
              <td>{e.type}</td>
              <td class="num">{e.attempts}</td>
              <td>{e.lastError ?? '—'}</td>
              <td>{formatDate(e.receivedAt)}</td>
              <td>
                <button
                  type="button"
                  disabled={replaying !== null}
                  onClick={() => replay(e.id)}
                  aria-label={`Replay ${e.id}`}
                >
                  {replaying === e.id ? 'Replaying…' : 'Replay'}
                </button>
              </td>
            </Row>
          ))}
        </DataTable>
      ) : (
        !failed.loading && !failed.error && <p>No failed events.</p>
      )}
    </section>
  );
}

interface Receipt {
  id: string;
  number: string;
  type: string;
  amount: number;
  currency: string;
  issuedAt: string;
  sendStatus: string;
  lastError?: string | null;
}

function FailedReceipts({ call, tick }: { call: Call; tick: number }) {
  const failed = useLoad(
    () => call<{ data: Receipt[] }>('/v1/admin/receipts', { query: { status: 'failed' } }),
    [tick],
  );
  const action = useAction();
  const rows = failed.data?.data ?? [];
  return (
    <section class="card" id="receipts" aria-labelledby="receipts-title">
      <RefreshHead
        id="receipts-title"
        title="Receipts that could not be sent"
        onRefresh={failed.reload}
      />
      <OutcomeAlert outcome={action.outcome} />
      {failed.error && <Alert kind="error">{failed.error}</Alert>}
      {rows.length ? (
        <DataTable
          columns={['Receipt', 'Amount', 'Issued', 'Last error', 'Action']}
          numeric={['Amount']}
        >
          {rows.map((r) => (
            <Row key={r.id}>
              <td>{r.number}</td>
              <td class="num">{formatMoney(r.amount, r.currency)}</td>
              <td>{formatDate(r.issuedAt)}</td>
              <td>{r.lastError ?? '—'}</td>
              <td>
                <button
                  type="button"
                  disabled={action.busy}
                  aria-label={`Resend receipt ${r.number}`}
                  onClick={() =>
                    void action
                      .run(async () => {
                        await call(`/v1/admin/receipts/${r.id}/resend`, { method: 'POST' });
                        return `Receipt ${r.number} queued to be sent again.`;
                      })
                      .then(() => failed.reload())
                  }
                >
                  Resend
                </button>
              </td>
            </Row>
          ))}
        </DataTable>
      ) : (
        !failed.loading && !failed.error && <p>No failed receipts.</p>
      )}
    </section>
  );
}

function OfflineGift(props: { campaigns: CampaignView[]; call: Call; onRecorded: () => void }) {
  const [slug, setSlug] = useState('');
  const chosen = slug || props.campaigns[0]?.slug || '';
  const campaign = props.campaigns.find((c) => c.slug === chosen);
  const [form, setForm] = useState({
    amount: '',
    currency: '',
    method: 'cheque',
    receivedOn: today(),
    email: '',
    name: '',
    reference: '',
  });
  const [key, setKey] = useState(idempotencyKey('offline'));
  const currency = form.currency || campaign?.goal.currency || 'usd';
  const action = useAction();
  const set = (field: keyof typeof form) => (value: string) => setForm({ ...form, [field]: value });
  return (
    <section class="card" id="offline" aria-labelledby="offline-title">
      <h2 id="offline-title">Record an offline gift</h2>
      <p class="muted">
        A cheque, bank transfer or cash gift: counted toward the campaign, in the ledger and
        receipted.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const parsed = parseAmount(form.amount, currency, 'Amount');
            if (!parsed.ok) throw new Error(parsed.message);
            const minor = parsed.minor;
            if (minor <= 0) throw new Error('Amount: must be more than zero.');
            const created = await props.call<{ id: string }>('/v1/admin/donations', {
              method: 'POST',
              idempotencyKey: key,
              body: {
                campaign: chosen,
                amount: minor,
                currency,
                method: form.method,
                receivedOn: form.receivedOn,
                reference: form.reference,
                donor: { email: form.email, ...(form.name.trim() ? { name: form.name } : {}) },
              },
            });
            setKey(idempotencyKey('offline'));
            setForm({ ...form, amount: '', email: '', name: '', reference: '' });
            props.onRecorded();
            return `Recorded ${formatMoney(minor, currency)} (gift ${created.id}).`;
          });
        }}
      >
        <div class="row">
          <CampaignField
            id="offline-campaign"
            campaigns={props.campaigns}
            value={chosen}
            onChange={setSlug}
          />
          <InputField
            id="offline-amount"
            label={`Amount (${currency.toUpperCase()})`}
            inputMode="decimal"
            required
            value={form.amount}
            onValue={set('amount')}
          />
          <Field id="offline-currency" label="Currency">
            <select
              id="offline-currency"
              value={currency}
              onChange={(e) => set('currency')(e.currentTarget.value)}
            >
              {[
                ...new Set([campaign?.goal.currency ?? 'usd', ...(campaign?.currencies ?? [])]),
              ].map((c) => (
                <option key={c} value={c}>
                  {c.toUpperCase()}
                </option>
              ))}
            </select>
          </Field>
          <Field id="offline-method" label="Method">
            <select
              id="offline-method"
              value={form.method}
              onChange={(e) => set('method')(e.currentTarget.value)}
            >
              <option value="cheque">Cheque</option>
              <option value="bank_transfer">Bank transfer</option>
              <option value="cash">Cash</option>
            </select>
          </Field>
          <InputField
            id="offline-received"
            label="Received on"
            type="date"
            required
            value={form.receivedOn}
            onValue={set('receivedOn')}
          />
        </div>
        <div class="row">
          <InputField
            id="offline-email"
            label="Donor email"
            type="email"
            required
            value={form.email}
            onValue={set('email')}
          />
          <InputField
            id="offline-name"
            label="Donor name (optional)"
            value={form.name}
            onValue={set('name')}
          />
          <InputField
            id="offline-reference"
            label="Cheque number or transfer reference"
            required
            value={form.reference}
            onValue={set('reference')}
          />
        </div>
        <OutcomeAlert outcome={action.outcome} />
        <SubmitButton
          class="primary"
          busy={action.busy}
          disabled={!chosen}
          busyLabel="Recording…"
          label="Record gift"
        />
      </form>
    </section>
  );
}
