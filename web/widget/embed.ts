import './embed.css';
import { ActionSummary, api, ApiError, CampaignView } from '../shared/api';
import { count } from '../shared/messages';
import { formatMoney } from '../shared/money';
import {
  barPercent,
  percentText,
  ProgressFigures,
  progressSliver,
  shownGoal,
  signatureProgress,
} from '../shared/progress';

/**
 * The widget inside its iframe: a campaign's goal, raised, percent, each active action's
 * signatures toward its goal, and a donate button. Once the goal is reached, a campaign with
 * stretch goals shows the next one instead ("Goal reached — next goal $X"), its bar and
 * percent toward it.
 */
const params = new URLSearchParams(location.search);
const slug = params.get('campaign') ?? '';
const root = document.getElementById('widget')!;

const accent = params.get('accent') ?? '';
if (/^#[0-9a-f]{3,8}$/i.test(accent))
  document.documentElement.style.setProperty('--accent', accent);
if (params.get('theme') === 'dark') document.documentElement.classList.add('dark');

function safeUrl(value: string | null): string | null {
  try {
    const u = new URL(value ?? '');
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string>,
  ...children: (Node | string)[]
) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/**
 * Tells the host page the widget's own height: the card's box, not the document's
 * scrollHeight, which is never less than the frame (so a frame could grow but never shrink
 * from its first 170 px, leaving a blank band under the button).
 */
let told = -1;
function tellHeight() {
  const height = Math.ceil(root.getBoundingClientRect().height);
  if (height === told) return;
  told = height;
  parent.postMessage({ type: 'pledges-widget:height', height }, '*');
}

/** A bar's track and fill, as shared/progress draws figures (a sliver whenever any is raised). */
function bar(label: string, figures: ProgressFigures) {
  const percent = barPercent(figures);
  const fill = el('div', { class: progressSliver(figures) ? 'fill raised-some' : 'fill' });
  fill.style.width = `${percent}%`;
  return el(
    'div',
    {
      class: 'bar',
      role: 'progressbar',
      'aria-label': label,
      'aria-valuemin': '0',
      'aria-valuemax': '100',
      'aria-valuenow': String(percent),
      'aria-valuetext': percentText(figures),
    },
    fill,
  );
}

/** An action beside the money: its title, a thinner bar and "1,234 of 5,000 signatures". */
function actionLine(a: ActionSummary) {
  return el(
    'li',
    { class: 'action', 'data-action': a.slug },
    el('span', { class: 'action-title' }, a.title),
    bar(`${a.title}: signatures toward the goal`, signatureProgress(a.signatures, a.goal)),
    el(
      'span',
      { class: 'action-figures' },
      el('strong', { class: 'signatures' }, a.signatures.toLocaleString('en')),
      ` of ${count('signature', a.goal)}`,
    ),
  );
}

/** After the figures, once a goal is reached: the next goal, or that every goal is. */
function goalNote(stage: 'next' | 'all' | null, target: string) {
  if (stage === 'next')
    return [el('p', { class: 'next-goal' }, `Goal reached — next goal ${target}`)];
  if (stage === 'all') return [el('p', { class: 'next-goal' }, 'Every goal reached')];
  return [];
}

function render(c: CampaignView) {
  const shown = shownGoal(c);
  const target = formatMoney(shown.target.amount, shown.target.currency);
  const donate = safeUrl(params.get('donate'));
  const actions = c.actions ?? [];
  root.replaceChildren(
    el('h1', { class: 'title' }, c.title),
    bar(
      `${c.title}: progress toward the ${shown.stage === null ? 'goal' : 'next goal'}`,
      shown.figures,
    ),
    el(
      'p',
      { class: 'figures' },
      el('strong', { class: 'raised' }, formatMoney(c.progress.raised, c.progress.currency)),
      ' raised of ',
      el('span', { class: 'goal' }, target),
      ' · ',
      el('span', { class: 'percent' }, percentText(shown.figures)),
    ),
    ...goalNote(shown.stage, target),
    ...(actions.length ? [el('ul', { class: 'actions' }, ...actions.map(actionLine))] : []),
    // A closed campaign takes no gift: it says so, and offers no donate button.
    ...(c.status === 'closed'
      ? [el('p', { class: 'closed', role: 'status' }, 'This campaign has closed. Thank you.')]
      : donate
        ? [
            el(
              'a',
              { class: 'donate', href: donate, target: '_top' },
              params.get('label')?.slice(0, 40) || 'Donate',
            ),
          ]
        : []),
  );
}

function fail(message: string) {
  root.replaceChildren(el('p', { class: 'error', role: 'alert' }, message));
}

async function load() {
  try {
    // The list, not the campaign's own route: it carries no supporters (no donor data).
    const { data } = await api<{ data: CampaignView[] }>('/v1/campaigns');
    const campaign = data.find((c) => c.slug === slug);
    if (campaign) render(campaign);
    else fail('This campaign is not available.');
  } catch (error) {
    fail(
      error instanceof ApiError && error.status === 0
        ? 'Campaign progress could not be loaded.'
        : 'Campaign progress is unavailable.',
    );
  }
}

// Whatever changes the card's height (content, wrapping at a new width, fonts) is told.
new ResizeObserver(tellHeight).observe(root);
addEventListener('resize', tellHeight);
void load();
// Progress moves as gifts arrive.
setInterval(() => void load(), 60_000);
