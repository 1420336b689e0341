import { useEffect, useRef, useState } from 'preact/hooks';
import { api, CampaignView } from '../shared/api';
import { shownGoal } from '../shared/progress';
import { ProgressBar } from '../shared/ui';
import { Ctx } from './context';

interface Status {
  status: string;
  amount: number;
  currency: string;
  counted: boolean;
  receiptNumber: string | null;
}

/** First ask after a second, then 1.5 times longer each time, at most 10 s apart, for ~2 min. */
const FIRST_WAIT = 1000;
const MAX_WAIT = 10_000;
const GIVE_UP_AFTER = 120_000;

/**
 * The thank-you: asks the gift's (or pledge's) status, with the client secret as proof, until
 * it is counted and its receipt numbered (or ~2 minutes pass: then a friendly "we will email
 * your receipt"), and shows the campaign's progress, fetched again once the gift counts.
 */
export function Thanks(props: {
  ctx: Ctx;
  kind: 'donation' | 'pledge';
  id: string;
  clientSecret: string;
}) {
  const { ctx } = props;
  const [status, setStatus] = useState<Status | null>(null);
  const [slow, setSlow] = useState(false);
  const [campaign, setCampaign] = useState<CampaignView>(ctx.campaign);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    let wait = FIRST_WAIT;
    let refreshed = false;
    const path =
      props.kind === 'donation'
        ? `/v1/donations/${encodeURIComponent(props.id)}/status`
        : `/v1/pledges/${encodeURIComponent(props.id)}/status`;
    const ask = async () => {
      try {
        const s = await api<Status>(path, { headers: { 'X-Client-Secret': props.clientSecret } });
        if (stopped) return;
        setStatus(s);
        if (s.counted && !refreshed) {
          refreshed = true;
          const fresh = await api<CampaignView>(
            `/v1/campaigns/${encodeURIComponent(ctx.slug)}`,
          ).catch(() => null);
          if (fresh && !stopped) setCampaign(fresh);
        }
        const done = (s.counted && s.receiptNumber) || ['failed', 'canceled'].includes(s.status);
        if (done) return;
      } catch {
        // A network blip: ask again later.
      }
      if (stopped) return;
      if (Date.now() - started > GIVE_UP_AFTER) {
        setSlow(true);
        return;
      }
      timer = setTimeout(() => void ask(), wait);
      wait = Math.min(MAX_WAIT, wait * 1.5);
    };
    timer = setTimeout(() => void ask(), 300);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [props.id]);

  const failed = status && ['failed', 'canceled'].includes(status.status);
  const p = campaign.progress;
  // Once the goal is reached, a campaign with stretch goals shows its next one.
  const shown = shownGoal(campaign);
  return (
    <section class="thanks" aria-labelledby="thanks-title">
      <h1 id="thanks-title" tabIndex={-1} ref={heading}>
        {failed ? ctx.tr('notPaid') : ctx.tr('thanks')}
      </h1>
      <div aria-live="polite" class="thanks-status">
        {!failed && !status?.counted && !slow && <p class="muted">{ctx.tr('confirming')}</p>}
        {status?.counted && (
          <p>{props.kind === 'pledge' ? ctx.tr('pledgeCounted') : ctx.tr('counted')}</p>
        )}
        {status?.receiptNumber && (
          <p class="receipt">
            {ctx.tr('receiptNumber')}{' '}
            {/* Left to right in every language: 2026-000042 must not read 000042-2026. */}
            <strong class="receipt-number" dir="ltr">
              {status.receiptNumber}
            </strong>
          </p>
        )}
        {status?.counted && <p class="muted">{ctx.tr('receiptByEmail')}</p>}
        {slow && !status?.counted && <p>{ctx.tr('slow')}</p>}
      </div>
      <div class="campaign-progress">
        <ProgressBar
          progress={shown.figures}
          label={ctx.tr('progress', { campaign: campaign.title })}
        />
        <p class="figures">
          {ctx.tr('raisedOf', {
            raised: ctx.money(p.raised, p.currency),
            goal: ctx.money(shown.target.amount, shown.target.currency),
          })}
        </p>
        {shown.stage === 'next' && (
          <p class="next-goal">
            {ctx.tr('nextGoal', {
              goal: ctx.money(shown.target.amount, shown.target.currency),
            })}
          </p>
        )}
        {shown.stage === 'all' && <p class="next-goal">{ctx.tr('allGoals')}</p>}
      </div>
    </section>
  );
}
