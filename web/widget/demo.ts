/**
 * /widget/demo.html?campaign=<slug>: the widget embedded as a campaign site would embed it
 * (light and dark), to try it locally. A page opened from a file cannot frame the widget (its
 * CSP allows any http(s) site, and a file:// page is none), so this one is served by the API.
 */
const slug = new URLSearchParams(location.search).get('campaign')?.trim() ?? '';
const script = `${location.origin}/widget/progress.js`;

function holder(id: string, theme: string) {
  const el = document.getElementById(id)!;
  el.dataset.campaign = slug;
  el.dataset.theme = theme;
  el.dataset.donateUrl = `${location.origin}/widget/demo.html?campaign=${encodeURIComponent(slug)}#donate`;
}

if (slug) {
  holder('demo-light', 'light');
  holder('demo-dark', 'dark');
  const loader = document.createElement('script');
  loader.src = script;
  loader.async = true;
  document.body.append(loader);
} else {
  document.getElementById('demo-help')!.textContent =
    'Add ?campaign=<slug> to this page’s address (the slug of an active campaign: GET /v1/campaigns lists them).';
}

document.getElementById('demo-snippet')!.textContent =
  `<div data-campaign="${slug || '<slug>'}" data-donate-url="https://example.org/donate"></div>\n` +
  `<script src="${script}" async></script>`;
