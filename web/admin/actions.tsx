import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, Call, CampaignView, download, idempotencyKey } from '../shared/api';
import { count } from '../shared/messages';
import { formatDate } from '../shared/money';
import { percentText, signatureProgress } from '../shared/progress';
import {
  Alert,
  ConfirmDialog,
  DataTable,
  DateRangeFields,
  daysAgo,
  Field,
  InputField,
  OutcomeAlert,
  ProgressBar,
  Row,
  SubmitActions,
  today,
  useAction,
  useLoad,
} from '../shared/ui';
import { TimeChart } from './chart';
import { CampaignField } from './fields';

/** GET /v1/admin/actions/:id: an action as staff see it. */
export interface AdminAction {
  id: string;
  campaignSlug: string;
  slug: string;
  title: string;
  description: string;
  target: { name: string; email: string };
  letterSubject: string;
  letterBody: string;
  letterVersion: number;
  goal: number;
  status: 'draft' | 'active' | 'closed';
  deliveryCron: string | null;
  /** Confirmed, not withdrawn. */
  signatures: number;
  pendingSignatures: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

interface Delivery {
  id: string;
  status: 'pending' | 'sent' | 'failed' | string;
  signatures: number;
  letterVersion: number;
  /** When the first and last signatures it carries were confirmed. */
  confirmedFrom: string | null;
  confirmedTo: string | null;
  note: string | null;
  trigger: 'staff' | 'schedule' | string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** The API's words for a refused save: each field named, as the validation body lists them. */
function refusal(error: unknown): Error {
  if (error instanceof ApiError && error.fields.length)
    return new Error(error.fields.map((f) => `${f.field}: ${f.message}`).join(' '));
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Actions (letters supporters sign) per campaign: the list with counts toward each goal,
 * create, edit (the letter is versioned once signed), close; for the open one, signatures
 * over time, deliveries to the target with "Deliver now", and the signers' CSV.
 */
export function Actions(props: {
  campaigns: CampaignView[];
  call: Call;
  token: string;
  tick: number;
}) {
  const [slug, setSlug] = useState('');
  const chosen = slug || props.campaigns[0]?.slug || '';
  const [changed, setChanged] = useState(0);
  // Refresh: the list's counts and the open action's chart and deliveries.
  const [refreshed, setRefreshed] = useState(0);
  const list = useLoad(
    async () =>
      chosen
        ? props.call<{ data: AdminAction[] }>(
            `/v1/admin/campaigns/${encodeURIComponent(chosen)}/actions`,
          )
        : { data: [] },
    [chosen, props.tick, changed, refreshed],
  );
  const [editing, setEditing] = useState<AdminAction | 'new' | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [closing, setClosing] = useState<AdminAction | null>(null);
  const close = useAction();
  const [done, setDone] = useState<string | null>(null);
  const actions = list.data?.data ?? [];
  const open = actions.find((a) => a.id === openId) ?? null;

  return (
    <section class="card" id="actions" aria-labelledby="actions-title">
      <div class="section-head">
        <h2 id="actions-title">Actions</h2>
        <button
          type="button"
          class="primary"
          disabled={!chosen}
          onClick={() => {
            setDone(null);
            setEditing('new');
          }}
        >
          New action
        </button>
      </div>
      <p class="muted">
        Letters supporters sign. A signature counts once its signer confirms it from the email link;
        staff deliver the letter to its target with the signers’ names, countries and comments
        (never their emails).
      </p>
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <CampaignField
          id="actions-campaign"
          campaigns={props.campaigns}
          value={chosen}
          onChange={(v) => {
            setSlug(v);
            setOpenId(null);
            setEditing(null);
          }}
        />
        <button type="button" onClick={() => setRefreshed((n) => n + 1)} disabled={list.loading}>
          {list.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </form>
      {done && <Alert kind="success">{done}</Alert>}
      {list.error && <Alert kind="error">{list.error}</Alert>}
      {editing && (
        <ActionForm
          key={editing === 'new' ? 'new' : editing.id}
          call={props.call}
          campaignSlug={chosen}
          action={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(saved, text) => {
            setEditing(null);
            setDone(text);
            setOpenId(saved.id);
            setChanged((n) => n + 1);
          }}
        />
      )}
      {actions.length > 0 && (
        <DataTable
          columns={['Action', 'Status', 'Signatures', 'Waiting', 'Letter', 'Updated', 'Manage']}
          numeric={['Signatures', 'Waiting']}
        >
          {actions.map((a) => (
            <Row key={a.id}>
              <td>
                <strong>{a.title}</strong>
                <div class="muted">
                  <code>{a.slug}</code>
                </div>
              </td>
              <td>
                <span class="badge">{a.status}</span>
              </td>
              <td class="num">
                <span class="signatures">{a.signatures.toLocaleString('en')}</span> of{' '}
                {a.goal.toLocaleString('en')}
                <div class="muted">{percentText(signatureProgress(a.signatures, a.goal))}</div>
              </td>
              <td class="num">{a.pendingSignatures.toLocaleString('en')}</td>
              <td>version {a.letterVersion}</td>
              <td>{formatDate(a.updatedAt)}</td>
              <td>
                <div class="row">
                  <button
                    type="button"
                    aria-expanded={openId === a.id}
                    aria-controls="action-details"
                    aria-label={`Details of ${a.title}`}
                    onClick={() => setOpenId(openId === a.id ? null : a.id)}
                  >
                    Details
                  </button>
                  {a.status !== 'closed' && (
                    <button
                      type="button"
                      aria-label={`Edit ${a.title}`}
                      onClick={() => {
                        setDone(null);
                        setEditing(a);
                      }}
                    >
                      Edit
                    </button>
                  )}
                  {a.status !== 'closed' && (
                    <button
                      type="button"
                      aria-label={`Close ${a.title}`}
                      onClick={() => {
                        close.setOutcome(null);
                        setClosing(a);
                      }}
                    >
                      Close…
                    </button>
                  )}
                </div>
              </td>
            </Row>
          ))}
        </DataTable>
      )}
      {!list.loading && !list.error && chosen && !actions.length && (
        <p>No actions for this campaign yet.</p>
      )}
      {open && (
        <ActionDetails
          key={open.id}
          action={open}
          call={props.call}
          token={props.token}
          tick={props.tick + refreshed}
          onDelivered={() => setChanged((n) => n + 1)}
        />
      )}
      <ConfirmDialog
        open={closing !== null}
        title="Close this action?"
        confirmLabel="Close action"
        danger
        focusCancel
        busy={close.busy}
        onCancel={() => setClosing(null)}
        onConfirm={() => {
          const a = closing!;
          void close
            .run(async () => {
              await props.call(`/v1/admin/actions/${a.id}/close`, { method: 'POST' });
            })
            .then((ok) => {
              if (!ok) return;
              setClosing(null);
              setDone(`“${a.title}” is closed: it takes no more signatures.`);
              setChanged((n) => n + 1);
            });
        }}
      >
        {closing && (
          <>
            <p>
              “{closing.title}” stops taking signatures; its page says it is closed. Its{' '}
              {count('signature', closing.signatures)} stay, and can still be delivered.
            </p>
            <OutcomeAlert outcome={close.outcome} />
          </>
        )}
      </ConfirmDialog>
    </section>
  );
}

interface Draft {
  slug: string;
  title: string;
  description: string;
  targetName: string;
  targetEmail: string;
  letterSubject: string;
  letterBody: string;
  goal: string;
  status: 'draft' | 'active' | 'closed';
  deliveryCron: string;
}

function draftOf(a: AdminAction | null): Draft {
  return {
    slug: a?.slug ?? '',
    title: a?.title ?? '',
    description: a?.description ?? '',
    targetName: a?.target.name ?? '',
    targetEmail: a?.target.email ?? '',
    letterSubject: a?.letterSubject ?? '',
    letterBody: a?.letterBody ?? '',
    goal: a ? String(a.goal) : '',
    status: a?.status ?? 'draft',
    deliveryCron: a?.deliveryCron ?? '',
  };
}

/** Create (every field) or edit (what changed; the slug stays) an action. */
function ActionForm(props: {
  call: Call;
  campaignSlug: string;
  action: AdminAction | null;
  onCancel: () => void;
  onSaved: (saved: AdminAction, text: string) => void;
}) {
  const a = props.action;
  const [d, setDraft] = useState<Draft>(() => draftOf(a));
  const set = (field: keyof Draft) => (value: string) => setDraft({ ...d, [field]: value });
  const save = useAction();
  const letterChanged =
    a !== null && (d.letterSubject !== a.letterSubject || d.letterBody !== a.letterBody);
  const signed = a !== null && a.signatures + a.pendingSignatures > 0;

  const submit = (e: Event) => {
    e.preventDefault();
    void save.run(async () => {
      const goal = Number(d.goal);
      if (!/^\d+$/.test(d.goal.trim()) || goal < 1)
        throw new Error('Goal: a whole number of signatures, 1 or more.');
      const all = {
        title: d.title.trim(),
        description: d.description.trim(),
        target: { name: d.targetName.trim(), email: d.targetEmail.trim() },
        letterSubject: d.letterSubject.trim(),
        letterBody: d.letterBody.trim(),
        goal,
        status: d.status,
        deliveryCron: d.deliveryCron.trim() || null,
      };
      try {
        if (!a) {
          const created = await props.call<AdminAction>(
            `/v1/admin/campaigns/${encodeURIComponent(props.campaignSlug)}/actions`,
            { method: 'POST', body: { slug: d.slug.trim(), ...all } },
          );
          props.onSaved(created, `Action “${created.title}” created (${created.status}).`);
          return;
        }
        // Only what changed: an unchanged letter keeps its version whatever the signatures.
        const before = draftOf(a);
        const body: Record<string, unknown> = {};
        if (d.title !== before.title) body.title = all.title;
        if (d.description !== before.description) body.description = all.description;
        if (d.targetName !== before.targetName || d.targetEmail !== before.targetEmail)
          body.target = all.target;
        if (d.letterSubject !== before.letterSubject) body.letterSubject = all.letterSubject;
        if (d.letterBody !== before.letterBody) body.letterBody = all.letterBody;
        if (d.goal !== before.goal) body.goal = goal;
        if (d.status !== before.status) body.status = all.status;
        if (d.deliveryCron !== before.deliveryCron) body.deliveryCron = all.deliveryCron;
        if (!Object.keys(body).length) return props.onCancel();
        const saved = await props.call<AdminAction>(`/v1/admin/actions/${a.id}`, {
          method: 'PATCH',
          body,
        });
        props.onSaved(
          saved,
          saved.letterVersion > a.letterVersion
            ? `Saved. The letter is now version ${saved.letterVersion}; those who signed version ${a.letterVersion} keep it.`
            : `Saved “${saved.title}”.`,
        );
      } catch (error) {
        throw refusal(error);
      }
    });
  };

  return (
    <form class="action-form" onSubmit={submit} aria-labelledby="action-form-title">
      <h3 id="action-form-title">{a ? `Edit “${a.title}”` : 'New action'}</h3>
      <div class="row">
        {!a && (
          <InputField
            id="action-slug"
            label="Slug (in the page’s address)"
            hint="Lower-case letters, digits and dashes, e.g. write-to-the-un"
            required
            maxLength={80}
            value={d.slug}
            onValue={set('slug')}
          />
        )}
        <InputField
          id="action-title"
          label="Title"
          required
          maxLength={200}
          value={d.title}
          onValue={set('title')}
        />
      </div>
      <Field id="action-description" label="Description (shown above the letter)">
        <textarea
          id="action-description"
          rows={3}
          value={d.description}
          onInput={(e) => set('description')(e.currentTarget.value)}
        />
      </Field>
      <div class="row">
        <InputField
          id="action-target-name"
          label="Target’s name (public)"
          hint="e.g. UN Working Group on Enforced or Involuntary Disappearances"
          required
          maxLength={200}
          value={d.targetName}
          onValue={set('targetName')}
        />
        <InputField
          id="action-target-email"
          label="Target’s delivery email (staff only)"
          type="email"
          required
          value={d.targetEmail}
          onValue={set('targetEmail')}
        />
      </div>
      <fieldset class="letter-fields">
        <legend>The letter</legend>
        <p class="hint" id="letter-versioning">
          {!a
            ? 'Signers endorse this text. Once anyone has signed it, it is frozen: a later edit makes a new version, and each signature keeps the version it endorsed.'
            : signed
              ? `Version ${a.letterVersion} has been signed (confirmed or awaiting confirmation), so it is frozen: saving a changed subject or body makes version ${a.letterVersion + 1}. Those who signed keep version ${a.letterVersion}; new signers sign the new one.`
              : `No one has signed version ${a.letterVersion} yet: changes edit it in place.`}
        </p>
        {letterChanged && signed && (
          <Alert kind="info">Saving makes letter version {a!.letterVersion + 1}.</Alert>
        )}
        <InputField
          id="action-letter-subject"
          label="Subject"
          required
          maxLength={300}
          value={d.letterSubject}
          onValue={set('letterSubject')}
        />
        <Field id="action-letter-body" label="Body">
          <textarea
            id="action-letter-body"
            rows={10}
            required
            aria-describedby="letter-versioning"
            value={d.letterBody}
            onInput={(e) => set('letterBody')(e.currentTarget.value)}
          />
        </Field>
      </fieldset>
      <div class="row">
        <InputField
          id="action-goal"
          label="Goal (signatures)"
          inputMode="numeric"
          required
          value={d.goal}
          onValue={set('goal')}
        />
        <Field id="action-status" label="Status">
          <select
            id="action-status"
            value={d.status}
            onChange={(e) => set('status')(e.currentTarget.value)}
          >
            <option value="draft">Draft (not public)</option>
            <option value="active">Active (takes signatures)</option>
          </select>
        </Field>
        <InputField
          id="action-cron"
          label="Scheduled delivery (optional)"
          hint="A cron expression, e.g. 0 9 * * 1 for Mondays at 09:00. Empty: deliver by hand."
          value={d.deliveryCron}
          onValue={set('deliveryCron')}
        />
      </div>
      <OutcomeAlert outcome={save.outcome} />
      <SubmitActions
        class="primary"
        busy={save.busy}
        busyLabel="Saving…"
        label={a ? 'Save changes' : 'Create action'}
        onCancel={props.onCancel}
      />
    </form>
  );
}

/** GET /v1/reports/timeseries?metric=signatures: per bucket, signatures per action (by slug). */
interface SignaturesSeries {
  buckets: { start: string; signatures?: { action: string; signatures: number }[] }[];
}

/** One action's signatures per bucket (0 where the bucket has none for it). */
function perDay(series: SignaturesSeries, a: AdminAction): { starts: string[]; values: number[] } {
  return {
    starts: series.buckets.map((b) => b.start),
    values: series.buckets.map(
      (b) => b.signatures?.find((s) => s.action === a.slug)?.signatures ?? 0,
    ),
  };
}

/** One action: its count, signatures per day, deliveries (with Deliver now) and the CSV. */
function ActionDetails(props: {
  action: AdminAction;
  call: Call;
  token: string;
  tick: number;
  onDelivered: () => void;
}) {
  const a = props.action;
  const [from, setFrom] = useState(daysAgo(29));
  const [to, setTo] = useState(today());
  const series = useLoad(
    () =>
      props.call<SignaturesSeries>('/v1/reports/timeseries', {
        query: { campaign: a.campaignSlug, metric: 'signatures', interval: 'day', from, to },
      }),
    [a.id, from, to, props.tick],
  );
  const day = useMemo(() => (series.data ? perDay(series.data, a) : null), [series.data, a]);
  const columns = useMemo(
    () => (day ? [{ name: 'Signatures', values: day.values, format: String, whole: true }] : []),
    [day],
  );
  const [deliveriesTick, setDeliveriesTick] = useState(0);
  const deliveries = useLoad(
    () => props.call<{ data: Delivery[] }>(`/v1/admin/actions/${a.id}/deliveries`),
    [a.id, props.tick, deliveriesTick],
  );
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const [key, setKey] = useState(() => idempotencyKey('delivery'));
  const deliver = useAction();
  const csv = useAction();
  // The newest delivery that left: the next one carries what was confirmed after it.
  const made = deliveries.data?.data ?? [];
  const last = made.find((dl) => dl.status === 'sent');
  // What earlier deliveries carried: when the confirmed count is that, nothing is new.
  const carried = made.reduce((sum, dl) => sum + dl.signatures, 0);
  const pending = made.some((dl) => dl.status === 'pending');
  const nothingNew =
    deliveries.data !== null && !pending && (a.signatures === 0 || a.signatures === carried);
  // After "Deliver now": the job sends it within moments; re-read the list every second
  // (for up to 15 s) until it lists that delivery as no longer pending.
  const [watching, setWatching] = useState<{ id: string; until: number } | null>(null);
  useEffect(() => {
    if (!watching || deliveries.loading) return;
    const queued = made.find((dl) => dl.id === watching.id);
    if ((queued && queued.status !== 'pending') || Date.now() > watching.until) {
      setWatching(null);
      return;
    }
    const timer = setTimeout(() => setDeliveriesTick((n) => n + 1), 1_000);
    return () => clearTimeout(timer);
  }, [watching, deliveries.data, deliveries.loading]);
  const embed = `<script src="${location.origin}/widget/act.js" data-campaign="${a.campaignSlug}" data-action="${a.slug}"></script>`;
  const copy = useAction();

  return (
    <section class="action-details" id="action-details" aria-labelledby="action-details-title">
      <h3 id="action-details-title">{a.title}</h3>
      <p>
        <strong>{count('signature', a.signatures)}</strong> of {a.goal.toLocaleString('en')} (
        {percentText(signatureProgress(a.signatures, a.goal))}) ·{' '}
        {a.pendingSignatures.toLocaleString('en')} awaiting confirmation · letter version{' '}
        {a.letterVersion} · to {a.target.name}
        {a.deliveryCron && (
          <>
            {' '}
            · delivered on schedule <code>{a.deliveryCron}</code>
          </>
        )}
      </p>
      <ProgressBar
        progress={signatureProgress(a.signatures, a.goal)}
        label={`${a.title}: signatures toward the goal`}
      />
      <p class="row">
        {a.status !== 'draft' && (
          <a href={`/act/${encodeURIComponent(a.campaignSlug)}/${encodeURIComponent(a.slug)}`}>
            Open the public page
          </a>
        )}
        <button
          type="button"
          disabled={csv.busy}
          onClick={() =>
            void csv.run(async () => {
              const name = await download(
                `/v1/admin/actions/${a.id}/signatures.csv`,
                { token: props.token },
                `signatures-${a.slug}.csv`,
              );
              return `Downloaded ${name}.`;
            })
          }
        >
          {csv.busy ? 'Preparing…' : 'Download signers (CSV)'}
        </button>
      </p>
      <OutcomeAlert outcome={csv.outcome} />

      <h4 id="action-embed-title">On your site</h4>
      <p class="hint" id="action-embed-hint">
        Paste this line where the letter and its sign form should appear on a page of your site.
      </p>
      <div class="embed-snippet">
        <code
          id="action-embed"
          aria-labelledby="action-embed-title"
          aria-describedby="action-embed-hint"
        >
          {embed}
        </code>
        <button
          type="button"
          aria-label="Copy the embed code"
          disabled={copy.busy}
          onClick={() =>
            void copy.run(async () => {
              try {
                await navigator.clipboard.writeText(embed);
                return 'Copied: paste it into your page.';
              } catch {
                // No clipboard (an insecure page, or refused): select it for Ctrl+C.
                const range = document.createRange();
                range.selectNodeContents(document.getElementById('action-embed')!);
                getSelection()?.removeAllRanges();
                getSelection()?.addRange(range);
                return 'Selected: press Ctrl+C (⌘C on a Mac) to copy it.';
              }
            })
          }
        >
          Copy
        </button>
      </div>
      <OutcomeAlert outcome={copy.outcome} />

      <h4>Signatures over time</h4>
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <DateRangeFields
          idPrefix="action-chart"
          from={from}
          to={to}
          onFrom={setFrom}
          onTo={setTo}
        />
      </form>
      {series.error ? (
        <Alert kind="error">{series.error}</Alert>
      ) : (
        day && (
          <TimeChart
            starts={day.starts}
            columns={columns}
            label={`Signatures confirmed per day for ${a.title}`}
          />
        )
      )}

      <div class="section-head">
        <h4>Deliveries to {a.target.name}</h4>
        {!nothingNew && (
          <button
            type="button"
            class="primary"
            onClick={() => {
              deliver.setOutcome(null);
              setConfirming(true);
            }}
          >
            Deliver now…
          </button>
        )}
      </div>
      <OutcomeAlert outcome={confirming ? null : deliver.outcome} />
      {nothingNew && (
        <p class="muted" id="nothing-new">
          {a.signatures === 0
            ? 'Nothing to deliver: no confirmed signatures yet.'
            : `Nothing new to deliver: the ${count('signature', a.signatures)} confirmed so far went in earlier deliveries${last ? ` (the last on ${formatDate(last.sentAt ?? last.createdAt)})` : ''}.`}
        </p>
      )}
      {deliveries.error && <Alert kind="error">{deliveries.error}</Alert>}
      {deliveries.data && deliveries.data.data.length > 0 && (
        <div class="deliveries">
          <DataTable
            columns={['Created', 'By', 'Status', 'Signatures', 'Confirmed', 'Letter', 'Sent']}
            numeric={['Signatures']}
          >
            {deliveries.data.data.map((dl) => (
              <Row key={dl.id}>
                <td>{formatDate(dl.createdAt)}</td>
                <td>{dl.trigger === 'schedule' ? 'Schedule' : 'Staff'}</td>
                <td>
                  <span class="badge">{dl.status}</span>
                  {dl.lastError && <div class="muted">{dl.lastError}</div>}
                </td>
                <td class="num">{dl.signatures.toLocaleString('en')}</td>
                <td>
                  {dl.confirmedFrom && dl.confirmedTo
                    ? `${formatDate(dl.confirmedFrom)} – ${formatDate(dl.confirmedTo)}`
                    : '—'}
                </td>
                <td>version {dl.letterVersion}</td>
                <td>{dl.sentAt ? formatDate(dl.sentAt) : '—'}</td>
              </Row>
            ))}
          </DataTable>
        </div>
      )}
      {deliveries.data && !deliveries.data.data.length && <p>Not delivered yet.</p>}
      <ConfirmDialog
        open={confirming}
        title="Deliver the letter now?"
        confirmLabel="Deliver now"
        busy={deliver.busy}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          void deliver
            .run(async () => {
              const queued = await props.call<Delivery>(`/v1/admin/actions/${a.id}/deliveries`, {
                method: 'POST',
                idempotencyKey: key,
                body: note.trim() ? { note: note.trim() } : {},
              });
              setWatching({ id: queued.id, until: Date.now() + 15_000 });
              return `Delivery to ${a.target.name} queued: the list shows when it is sent.`;
            })
            .then((ok) => {
              if (!ok) return;
              // A new click is a new delivery; a retry of this one kept the same key.
              setKey(idempotencyKey('delivery'));
              setNote('');
              setConfirming(false);
              setDeliveriesTick((n) => n + 1);
              props.onDelivered();
            })
        }
      >
        <p>
          One email to {a.target.name} &lt;{a.target.email}&gt; with the letter (version{' '}
          {a.letterVersion}) and a PDF of the signatures{' '}
          {made.length
            ? `confirmed since the last delivery (${formatDate((last ?? made[0]!).sentAt ?? (last ?? made[0]!).createdAt)})`
            : 'confirmed since the action started'}
          : names, countries and comments, never emails.
        </p>
        <Field id="delivery-note" label="A note above the letter (optional)">
          <textarea
            id="delivery-note"
            rows={3}
            maxLength={1000}
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </Field>
        <OutcomeAlert outcome={deliver.outcome} />
      </ConfirmDialog>
    </section>
  );
}
