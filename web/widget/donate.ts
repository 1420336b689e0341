/**
 * The loader of the donation form and of the sign form, for campaign sites: one line where the
 * form should appear,
 *
 *   <script src="https://give.example.org/widget/donate.js" data-campaign="<slug>"></script>
 *   <script src="https://give.example.org/widget/act.js" data-campaign="<slug>"
 *           data-action="<action>"></script>
 *
 * with `data-lang="en|fr|fa"` optional (the browser's languages otherwise, else English). It
 * puts an iframe of /donate/<slug> (donate.js) or /act/<slug>/<action> (act.js) right where the
 * script tag is (served by this service, so the host page's styles cannot clash and what the
 * supporter types never touches the host page). The build writes this one file under both
 * names (web/vite.config.ts); the name the script was loaded by says which form it is. The
 * form tells its height through postMessage; only messages from this service's origin, from
 * that very frame, are believed.
 */
// No imports: this file is loaded by a classic <script> tag, so it must stay one chunk.
(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script) return;
  const src = new URL(script.src, location.href);
  const origin = src.origin;
  const kind = /\/act\.js$/.test(src.pathname) ? 'act' : 'donate';
  const slug = script.dataset.campaign?.trim() ?? '';
  const action = script.dataset.action?.trim() ?? '';
  // Without data-lang the form reads the browser's languages itself (the same browser).
  const lang = script.dataset.lang?.trim().toLowerCase();

  const frame = document.createElement('iframe');
  const query = lang ? `?${new URLSearchParams({ lang })}` : '';
  const path =
    kind === 'act'
      ? `/act/${encodeURIComponent(slug)}/${encodeURIComponent(action)}`
      : `/donate/${encodeURIComponent(slug)}`;
  frame.src = `${origin}${path}${query}`;
  frame.title = script.dataset.title ?? (kind === 'act' ? 'Sign the letter' : 'Donation form');
  // Stripe's Payment Element may open its own frames (3-D Secure) and ask for payment features.
  if (kind === 'donate') frame.allow = 'payment';
  frame.style.cssText =
    'width:100%;max-width:40rem;height:640px;border:0;display:block;overflow:hidden;color-scheme:normal;';
  script.insertAdjacentElement('afterend', frame);

  addEventListener('message', (event: MessageEvent) => {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    const data = event.data as { type?: string; height?: number; top?: boolean } | null;
    if (data?.type !== `pledges-${kind}:height` || typeof data.height !== 'number') return;
    frame.style.height = `${Math.ceil(Math.min(Math.max(data.height, 100), 10_000))}px`;
    // A new step (payment, thank-you) starts at the form's top, not where the button was.
    if (data.top && frame.getBoundingClientRect().top < 0)
      frame.scrollIntoView({ block: 'start', behavior: 'smooth' });
  });
})();
