import { useState } from 'preact/hooks';
import { Call } from '../shared/api';
import { countryName } from '../shared/countries';
import { formatDate } from '../shared/money';
import {
  Alert,
  ConfirmDialog,
  DataTable,
  OutcomeAlert,
  Row,
  useAction,
  useLoad,
} from '../shared/ui';

/** GET /v1/donor/signatures: a letter the donor signed. */
export interface Signature {
  id: string;
  campaignSlug: string;
  campaignTitle: string;
  actionSlug: string;
  actionTitle: string;
  status: 'pending' | 'confirmed' | 'withdrawn' | string;
  public: boolean;
  displayName: string | null;
  country: string;
  comment: string | null;
  signedAt: string;
  confirmedAt: string | null;
  withdrawnAt: string | null;
}

const STATUS_TEXT: Record<string, string> = {
  pending: 'Waiting for you to confirm it (see the email we sent)',
  confirmed: 'Counted',
  withdrawn: 'Withdrawn',
};

/**
 * "Your signatures": the letters this donor signed, each with Withdraw (asked in a dialog):
 * a withdrawn signature stops counting and is left out of later deliveries.
 */
export function Signatures({ call }: { call: Call }) {
  const list = useLoad(() => call<{ data: Signature[] }>('/v1/donor/signatures'));
  const [withdrawing, setWithdrawing] = useState<Signature | null>(null);
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  const rows = list.data?.data ?? [];
  return (
    <section class="card" id="signatures" aria-labelledby="signatures-title">
      <h2 id="signatures-title">Your signatures</h2>
      {done && <Alert kind="success">{done}</Alert>}
      {list.error && <Alert kind="error">{list.error}</Alert>}
      {rows.length > 0 && (
        <DataTable columns={['Letter', 'Signed', 'Status', 'Shown publicly', 'Action']}>
          {rows.map((s) => (
            <Row key={s.id}>
              <td>
                <strong>{s.actionTitle}</strong>
                <div class="muted">{s.campaignTitle}</div>
              </td>
              <td>{formatDate(s.signedAt)}</td>
              <td>
                {STATUS_TEXT[s.status] ?? s.status}
                {s.withdrawnAt && <div class="muted">{formatDate(s.withdrawnAt)}</div>}
              </td>
              <td>
                {s.public && s.status !== 'withdrawn'
                  ? `As “${s.displayName ?? '—'}”, ${countryName(s.country, 'en')}`
                  : 'No'}
              </td>
              <td>
                {s.status !== 'withdrawn' && (
                  <button
                    type="button"
                    aria-label={`Withdraw your signature from ${s.actionTitle}`}
                    onClick={() => {
                      action.setOutcome(null);
                      setDone(null);
                      setWithdrawing(s);
                    }}
                  >
                    Withdraw…
                  </button>
                )}
              </td>
            </Row>
          ))}
        </DataTable>
      )}
      {list.data && !rows.length && <p>You have not signed any letters.</p>}
      <ConfirmDialog
        open={withdrawing !== null}
        title="Withdraw your signature?"
        confirmLabel="Withdraw signature"
        danger
        focusCancel
        busy={action.busy}
        onCancel={() => setWithdrawing(null)}
        onConfirm={() => {
          const s = withdrawing!;
          void action
            .run(async () => {
              await call(`/v1/donor/signatures/${encodeURIComponent(s.id)}/withdraw`, {
                method: 'POST',
              });
            })
            .then((ok) => {
              if (!ok) return;
              setWithdrawing(null);
              setDone(`Your signature on “${s.actionTitle}” is withdrawn.`);
              void list.reload();
            });
        }}
      >
        {withdrawing && (
          <>
            <p>
              Your signature on “{withdrawing.actionTitle}” stops counting, is no longer shown on
              the letter’s page and is left out of future deliveries. A letter already delivered
              with your name cannot be recalled.
            </p>
            <OutcomeAlert outcome={action.outcome} />
          </>
        )}
      </ConfirmDialog>
    </section>
  );
}
