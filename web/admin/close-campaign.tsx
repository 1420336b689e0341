import { useEffect, useState } from 'preact/hooks';
import { ApiError, Call, CampaignView } from '../shared/api';
import { count } from '../shared/messages';
import { ConfirmDialog, OutcomeAlert, useAction } from '../shared/ui';

/** POST /v1/admin/campaigns/:slug/close answers this. */
export interface CampaignClosed {
  campaign: CampaignView;
  successor: string | null;
  /** Pledges running on it (active, paused, past due). */
  pledges: number;
  /** Donors emailed, once each. */
  donorsEmailed: number;
}

/** The message's limit, as the API's (CloseCampaignDto.message). */
const MESSAGE_MAX = 2000;

/** The dialog's fields, by the API's field names; an error the API names goes beside its field. */
type FieldName = 'successor' | 'message';

/**
 * "Close campaign…": a successor (another active campaign, or none), a message for the pledge
 * donors, and what closing does, said before it is done. An admin's; it cannot be undone.
 */
export function CloseCampaignDialog(props: {
  campaign: CampaignView | null;
  campaigns: CampaignView[];
  call: Call;
  onCancel: () => void;
  onClosed: (closed: CampaignClosed) => void;
}) {
  const c = props.campaign;
  const [successor, setSuccessor] = useState('');
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const close = useAction();
  // Each opening starts blank.
  useEffect(() => {
    setSuccessor('');
    setMessage('');
    setErrors({});
    close.setOutcome(null);
  }, [c?.slug]);
  const others = props.campaigns.filter((o) => o.status === 'active' && o.slug !== c?.slug);

  const confirm = () => {
    if (!c) return;
    setErrors({});
    void close.run(async () => {
      try {
        const closed = await props.call<CampaignClosed>(
          `/v1/admin/campaigns/${encodeURIComponent(c.slug)}/close`,
          {
            method: 'POST',
            body: {
              ...(successor ? { successor } : {}),
              ...(message.trim() ? { message: message.trim() } : {}),
            },
          },
        );
        props.onClosed(closed);
      } catch (error) {
        if (error instanceof ApiError && error.fields.length) {
          const mine: Partial<Record<FieldName, string>> = {};
          const elsewhere: string[] = [];
          for (const f of error.fields)
            if (f.field === 'successor' || f.field === 'message') mine[f.field] = f.message;
            else elsewhere.push(`${f.field}: ${f.message}`);
          setErrors(mine);
          throw new Error(
            ['The campaign was not closed: see the field above.', ...elsewhere].join(' '),
          );
        }
        throw error;
      }
    });
  };

  const fieldClass = (f: FieldName) => (errors[f] ? 'field has-error' : 'field');
  const describedBy = (f: FieldName, hint?: string) =>
    [hint, errors[f] ? `close-${f}-error` : undefined].filter(Boolean).join(' ') || undefined;
  const errorOf = (f: FieldName) =>
    errors[f] ? (
      <span class="field-error" id={`close-${f}-error`}>
        {errors[f]}
      </span>
    ) : null;
  const chosen = others.find((o) => o.slug === successor);

  return (
    <ConfirmDialog
      open={c !== null}
      title="Close this campaign?"
      confirmLabel="Close campaign"
      danger
      busy={close.busy}
      onCancel={props.onCancel}
      onConfirm={confirm}
    >
      {c && (
        <>
          <p>
            <strong>
              <bdi>{c.title}</bdi>
            </strong>{' '}
            <span class="muted">({c.slug})</span>
          </p>
          <div class={fieldClass('successor')}>
            <label for="close-successor">Successor campaign (optional)</label>
            <select
              id="close-successor"
              value={successor}
              aria-invalid={errors.successor ? 'true' : undefined}
              aria-describedby={describedBy('successor', 'close-successor-hint')}
              onChange={(e) => setSuccessor(e.currentTarget.value)}
            >
              <option value="">None</option>
              {others.map((o) => (
                <option key={o.slug} value={o.slug}>
                  {o.title}
                </option>
              ))}
            </select>
            <small class="hint" id="close-successor-hint">
              Pledge donors may continue the same gift to it (in a currency it takes).
            </small>
            {errorOf('successor')}
          </div>
          <div class={fieldClass('message')}>
            <label for="close-message">Message to pledge donors (optional)</label>
            <textarea
              id="close-message"
              rows={4}
              dir="auto"
              maxLength={MESSAGE_MAX}
              value={message}
              aria-invalid={errors.message ? 'true' : undefined}
              aria-describedby={describedBy('message', 'close-message-hint')}
              onInput={(e) => setMessage(e.currentTarget.value)}
            />
            <small class="hint" id="close-message-hint">
              In the email and in their donor account. {message.length} of {MESSAGE_MAX} characters.
            </small>
            {errorOf('message')}
          </div>
          <p class="close-effect">
            Gifts stop now. Each donor with a pledge on it is emailed once
            {chosen ? (
              <>
                {' '}
                and may continue the same gift to <bdi>{chosen.title}</bdi>, or stop it
              </>
            ) : (
              ' and may stop it'
            )}
            ; otherwise each pledge ends at the end of its paid period, with no further payment.
            This cannot be undone.
          </p>
          <OutcomeAlert outcome={close.outcome} />
        </>
      )}
    </ConfirmDialog>
  );
}

/** What a close reached, in a sentence. */
export function closedText(closed: CampaignClosed): string {
  const pledges = closed.pledges
    ? `${count('pledgeRunning', closed.pledges)}; ${count('donorEmailed', closed.donorsEmailed)}.`
    : 'No pledge was running on it.';
  return `“${closed.campaign.title}” is closed: it takes no more gifts. ${pledges}`;
}
