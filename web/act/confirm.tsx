import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, PublicActionView } from '../shared/api';
import { isolate, problemMessage } from '../shared/i18n';
import { ActCtx } from './app';
import { SignatureCount } from './progress';

interface Confirmed {
  campaignSlug: string;
  actionSlug: string;
  actionTitle: string;
  signatures: number;
}

/** The letter's own page, in this page's language. */
function letterHref(done: Confirmed, ctx: ActCtx): string {
  const path = `/act/${encodeURIComponent(done.campaignSlug)}/${encodeURIComponent(done.actionSlug)}`;
  return `${path}?lang=${ctx.lang}`;
}

/**
 * /act/confirm?lang=fa#token=…: the emailed link's page, in the language of the form that was
 * signed (?lang=, read by app.tsx; else the browser's). The token is in the fragment (never sent to a
 * server by the browser) and is used only when the signer presses Confirm, so a mail scanner
 * opening the link confirms nothing. Then: thanks, the count toward the goal and a link back to
 * the letter. A used or expired link says so and offers no button (nor a letter: unknown then).
 */
export function ConfirmPage({ ctx }: { ctx: ActCtx }) {
  const [token] = useState(() => new URLSearchParams(location.hash.slice(1)).get('token'));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // A used or expired link: pressing again cannot help, so the button goes.
  const [spent, setSpent] = useState(false);
  const [done, setDone] = useState<Confirmed | null>(null);
  const [goal, setGoal] = useState<number | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = ctx.tr('confirmPageTitle');
    // Out of the address bar and history: the link is single use anyway.
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  }, []);
  useEffect(() => {
    if (done) heading.current?.focus();
  }, [done]);

  const confirm = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const confirmed = await api<Confirmed>('/v1/signatures/confirm', {
        method: 'POST',
        body: { token },
      });
      setDone(confirmed);
      // The goal, for the bar (the count itself is the one the confirmation answered).
      const view = await api<PublicActionView>(
        `/v1/campaigns/${encodeURIComponent(confirmed.campaignSlug)}/actions/${encodeURIComponent(confirmed.actionSlug)}`,
        { query: { signersLimit: 1 } },
      ).catch(() => null);
      if (view) setGoal(view.goal);
    } catch (error) {
      const spentLink = error instanceof ApiError && error.code === 'invalid_token';
      if (spentLink) setSpent(true);
      // No words of its own for "not found" or "not active": those read as the generic error.
      setProblem(
        spentLink
          ? ctx.tr('confirmInvalid')
          : problemMessage(ctx.tr, error, { notFound: 'errGeneric', notActive: 'errGeneric' }),
      );
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <section class="state confirmed" aria-labelledby="confirmed-title">
        <h1 id="confirmed-title" ref={heading} tabIndex={-1}>
          {ctx.tr('confirmDone')}
        </h1>
        <p>{ctx.tr('confirmSigned', { action: isolate(done.actionTitle) })}</p>
        {goal !== null ? (
          <SignatureCount
            ctx={ctx}
            title={done.actionTitle}
            signatures={done.signatures}
            goal={goal}
          />
        ) : (
          <p class="figures">{ctx.tr('confirmCount', { count: ctx.num(done.signatures) })}</p>
        )}
        <p class="back">
          <a href={letterHref(done, ctx)}>{ctx.tr('confirmBack')}</a>
        </p>
        <p class="manage">
          {ctx.tr('confirmManage')} <a href="/donor">{ctx.tr('confirmManageLink')}</a>
        </p>
      </section>
    );
  return (
    <section class="state confirm" aria-labelledby="confirm-title">
      <h1 id="confirm-title">{ctx.tr('confirmPageTitle')}</h1>
      {token ? (
        <>
          {/* "Press the button": not once a spent link has no button. */}
          {!spent && <p>{ctx.tr('confirmIntro')}</p>}
          <div aria-live="assertive" class="form-status">
            {problem && <p class="alert alert-error">{problem}</p>}
          </div>
          {!spent && (
            <div class="actions">
              <button
                type="button"
                class="primary continue"
                disabled={busy}
                onClick={() => void confirm()}
              >
                {busy ? ctx.tr('confirmBusy') : ctx.tr('confirmButton')}
              </button>
            </div>
          )}
        </>
      ) : (
        <p class="alert alert-error" role="alert">
          {ctx.tr('confirmMissing')}
        </p>
      )}
    </section>
  );
}
