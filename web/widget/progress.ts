/**
 * The progress widget's loader, for campaign sites:
 *
 *   <div data-campaign="release-the-seven-ashraf-hostages" data-accent="#0b5cad"
 *        data-donate-url="https://example.org/donate"></div>
 *   <script src="https://give.example.org/widget/progress.js" async></script>
 *
 * Each element with data-campaign gets an iframe of /widget/embed.html (served by this
 * service, so no CORS is needed and the host page's styles cannot clash). Attributes:
 * data-accent (colour), data-theme (light | dark), data-donate-url, data-donate-label.
 * The iframe tells its height through postMessage; nothing about donors is shown.
 */
(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const origin = new URL(script?.src ?? '/widget/progress.js', location.href).origin;
  const frames = new Map<Window, HTMLIFrameElement>();

  addEventListener('message', (event: MessageEvent) => {
    if (event.origin !== origin) return;
    const data = event.data as { type?: string; height?: number } | null;
    const frame = event.source ? frames.get(event.source as Window) : undefined;
    if (frame && data?.type === 'pledges-widget:height' && typeof data.height === 'number')
      frame.style.height = `${Math.ceil(data.height)}px`;
  });

  function mount(el: HTMLElement) {
    if (el.dataset.widgetMounted) return;
    el.dataset.widgetMounted = 'true';
    const slug = el.dataset.campaign ?? '';
    const params = new URLSearchParams({ campaign: slug });
    const pass: [string, string | undefined][] = [
      ['accent', el.dataset.accent],
      ['theme', el.dataset.theme],
      ['donate', el.dataset.donateUrl ?? location.href.split('#')[0] + '#donate'],
      ['label', el.dataset.donateLabel],
    ];
    for (const [k, v] of pass) if (v) params.set(k, v);
    const frame = document.createElement('iframe');
    frame.src = `${origin}/widget/embed.html?${params}`;
    frame.title = `Campaign progress: ${slug}`;
    frame.loading = 'lazy';
    frame.style.cssText = 'width:100%;height:170px;border:0;display:block;overflow:hidden;';
    el.replaceChildren(frame);
    if (frame.contentWindow) frames.set(frame.contentWindow, frame);
  }

  // Not the form loaders' script tags (donate.js, act.js), which carry data-campaign too.
  const run = () =>
    document.querySelectorAll<HTMLElement>('[data-campaign]:not(script)').forEach(mount);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})();
