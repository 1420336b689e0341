import { formatDate } from '../shared/money';

/** PledgeView.closing: set while the pledge runs on a campaign that has closed. */
export interface PledgeClosing {
  closedAt: string;
  /** What staff said when closing the campaign (plain text, any language). */
  message: string | null;
  /** The campaign the same gift may continue to; null when there is none for this pledge. */
  successor: { slug: string; title: string } | null;
}

/**
 * A pledge's campaign has closed: what happened, staff's message, when the gift ends, and the
 * donor's two choices (continue the same gift to the successor, or stop now). Doing nothing is
 * a choice too: the gift is not charged again and ends with its paid period.
 */
export function ClosingPanel(props: {
  pledgeId: string;
  campaignTitle: string;
  closing: PledgeClosing;
  /** When the gift ends by itself (Stripe told), else the end of its paid period. */
  endsOn: string | null;
  busy: boolean;
  /** False while the first payment is still due: such a pledge can only be canceled. */
  canContinue: boolean;
  onContinue: () => void;
  onStop: () => void;
}) {
  const { closing } = props;
  const id = `closing-${props.pledgeId}`;
  const successor = props.canContinue ? closing.successor : null;
  return (
    <section class="closing" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>This campaign has closed</h4>
      <p>
        <bdi>{props.campaignTitle}</bdi> closed on {formatDate(closing.closedAt)}.
      </p>
      {closing.message && (
        <blockquote class="closing-message" dir="auto">
          {closing.message}
        </blockquote>
      )}
      <p class="closing-ends" id={`${id}-ends`}>
        <strong>
          This gift will not be charged again
          {props.endsOn ? `; it ends on ${formatDate(props.endsOn)}` : ''}.
        </strong>{' '}
        If you choose nothing, it simply ends.
      </p>
      {successor && (
        <p class="hint" id={`${id}-continue`}>
          Continuing keeps the same card and the same amount, from the next payment on; the payments
          already made stay with <bdi>{props.campaignTitle}</bdi>.
        </p>
      )}
      <div
        class="actions"
        role="group"
        aria-label={`Your choice for the gift to ${props.campaignTitle}`}
      >
        {successor && (
          <button
            type="button"
            class="primary"
            disabled={props.busy}
            aria-describedby={`${id}-continue`}
            onClick={props.onContinue}
          >
            Continue to <bdi>{successor.title}</bdi>
          </button>
        )}
        <button
          type="button"
          class="danger"
          disabled={props.busy}
          aria-describedby={`${id}-ends`}
          onClick={props.onStop}
        >
          Stop now
        </button>
      </div>
    </section>
  );
}
