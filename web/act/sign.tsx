import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, FieldProblem, PublicActionView, PublicSigner } from '../shared/api';
import { countryName, countryOptions } from '../shared/countries';
import { useTellHeight } from '../shared/frame';
import { isolate, MessageKey, problemMessage } from '../shared/i18n';
import { CheckField, TextField } from '../shared/ui';
import { ActCtx } from './app';
import { SignatureCount } from './progress';

/** How many public signers the page shows at first, and adds per "Show more". */
const SIGNERS_PAGE = 10;
const COMMENT_MAX = 500;

interface Draft {
  name: string;
  email: string;
  country: string;
  comment: string;
  public: boolean;
  displayName: string;
}

type Errors = Partial<Record<keyof Draft | 'form', string>>;

/** Field ids by the API's field names, in the form's order (the first at fault takes focus). */
const FIELD_IDS: Partial<Record<string, string>> = {
  name: 'name',
  email: 'email',
  country: 'country',
  comment: 'comment',
  displayName: 'display-name',
};

function validate(ctx: ActCtx, d: Draft): Errors {
  const errors: Errors = {};
  if (!d.name.trim()) errors.name = ctx.tr('errRequired');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(d.email.trim())) errors.email = ctx.tr('errEmail');
  if (!d.country) errors.country = ctx.tr('actErrCountry');
  return errors;
}

/** The API's field errors, in the form's words where the code is known. */
function fieldErrors(ctx: ActCtx, problems: FieldProblem[]): Errors {
  const errors: Errors = {};
  for (const p of problems) {
    const field = (FIELD_IDS[p.field] ? p.field : 'form') as keyof Errors;
    const text =
      p.code === 'is_email'
        ? ctx.tr('errEmail')
        : field === 'country'
          ? ctx.tr('actErrCountry')
          : p.message;
    errors[field] = errors[field] ? `${errors[field]} ${text}` : text;
  }
  return errors;
}

/** A message for an API error the form has no field for, in the page's language. */
function problemText(ctx: ActCtx, error: unknown): string {
  return problemMessage(ctx.tr, error, { notFound: 'actNotFound', notActive: 'actNotActive' });
}

/**
 * The letter and its sign form: title, target, description, the count toward the goal, the
 * letter as sent, recent public signers, then name, email, country, comment and whether to be
 * shown here. Private by default. After sending: "check your email" (a signature counts only
 * once its emailed link is confirmed).
 */
export function ActPage(props: { ctx: ActCtx; campaign: string; action: string }) {
  const { ctx } = props;
  const [view, setView] = useState<PublicActionView | null>(null);
  const [failure, setFailure] = useState<'not-found' | 'unavailable' | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const path = `/v1/campaigns/${encodeURIComponent(props.campaign)}/actions/${encodeURIComponent(props.action)}`;
  useTellHeight('act', view ? (sentTo ? 'sent' : 'form') : `loading-${failure}`);

  useEffect(() => {
    setFailure(null);
    if (!props.campaign || !props.action) return setFailure('not-found');
    api<PublicActionView>(path, { query: { signersLimit: SIGNERS_PAGE } })
      .then((v) => {
        document.title = ctx.tr('actPageTitle', { action: v.title });
        setView(v);
      })
      .catch((error) =>
        setFailure(
          error instanceof ApiError && (error.status === 404 || error.status === 400)
            ? 'not-found'
            : 'unavailable',
        ),
      );
  }, [attempt]);

  if (failure === 'not-found')
    return (
      <section class="state" role="alert">
        <h1>{ctx.tr('actNotFound')}</h1>
        <p>{ctx.tr('actNotFoundBody')}</p>
      </section>
    );
  if (failure)
    return (
      <section class="state">
        <p class="alert alert-error" role="alert">
          {ctx.tr('actLoadFailed')}
        </p>
        <button type="button" onClick={() => setAttempt((n) => n + 1)}>
          {ctx.tr('retry')}
        </button>
      </section>
    );
  if (!view)
    return (
      <p class="state muted" role="status">
        {ctx.tr('actLoading')}
      </p>
    );
  if (sentTo) return <CheckEmail ctx={ctx} email={sentTo} />;

  return (
    <article class="act" aria-labelledby="act-title">
      <h1 id="act-title" dir="auto">
        {view.title}
      </h1>
      <p class="target">{ctx.tr('actTo', { target: isolate(view.target.name) })}</p>
      {view.description && (
        <p class="description" dir="auto">
          {view.description}
        </p>
      )}
      <SignatureCount ctx={ctx} title={view.title} signatures={view.signatures} goal={view.goal} />
      <section class="letter" aria-labelledby="letter-title">
        <h2 id="letter-title">{ctx.tr('actLetter')}</h2>
        <p class="letter-subject">
          {ctx.tr('actSubject', { subject: isolate(view.letter.subject) })}
        </p>
        <div class="letter-body" dir="auto">
          {view.letter.body}
        </div>
      </section>
      {view.status === 'active' ? (
        <SignForm ctx={ctx} view={view} path={path} onSent={setSentTo} />
      ) : (
        <p class="alert alert-info" role="status">
          {ctx.tr('actClosed')}
        </p>
      )}
      {view.signers && <Signers ctx={ctx} path={path} first={view.signers} />}
    </article>
  );
}

function CheckEmail({ ctx, email }: { ctx: ActCtx; email: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="state sent" aria-labelledby="sent-title">
      <h1 id="sent-title" ref={heading} tabIndex={-1}>
        {ctx.tr('actCheckEmail')}
      </h1>
      <p>{ctx.tr('actCheckEmailBody', { email: isolate(email) })}</p>
      <p class="hint">{ctx.tr('actSpam')}</p>
    </section>
  );
}

/** Recent public signers (display name, country, day), with "Show more" while there are more. */
function Signers(props: {
  ctx: ActCtx;
  path: string;
  first: NonNullable<PublicActionView['signers']>;
}) {
  const { ctx } = props;
  const [signers, setSigners] = useState<PublicSigner[]>(props.first.data);
  const [next, setNext] = useState<string | null>(props.first.nextCursor);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!signers.length) return null;
  const more = async () => {
    setBusy(true);
    setError(null);
    try {
      const page = await api<PublicActionView>(props.path, {
        query: { signersLimit: SIGNERS_PAGE, signersCursor: next ?? undefined },
      });
      setSigners((s) => [...s, ...(page.signers?.data ?? [])]);
      setNext(page.signers?.nextCursor ?? null);
    } catch (e) {
      setError(problemText(ctx, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="signers" aria-labelledby="signers-title">
      <h2 id="signers-title">{ctx.tr('actRecent')}</h2>
      <ul>
        {signers.map((s, i) => (
          <li key={i}>
            <bdi class="signer-name">{s.displayName}</bdi>
            <span class="muted">
              {' · '}
              {countryName(s.country, ctx.lang)} · {ctx.date(s.date)}
            </span>
          </li>
        ))}
      </ul>
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {next && (
        <button type="button" disabled={busy} onClick={() => void more()}>
          {ctx.tr('actMoreSigners')}
        </button>
      )}
    </section>
  );
}

function SignForm(props: {
  ctx: ActCtx;
  view: PublicActionView;
  path: string;
  onSent: (email: string) => void;
}) {
  const { ctx, view } = props;
  const [d, setDraft] = useState<Draft>({
    name: '',
    email: '',
    country: '',
    comment: '',
    public: false,
    displayName: '',
  });
  const set = (change: Partial<Draft>) => setDraft({ ...d, ...change });
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const countries = useMemo(() => countryOptions(ctx.lang), []);
  const target = isolate(view.target.name);

  const showErrors = (found: Errors) => {
    setErrors({ ...found, form: [ctx.tr('errForm'), found.form].filter(Boolean).join(' ') });
    const first = Object.keys(FIELD_IDS).find((f) => found[f as keyof Errors]);
    if (first) requestAnimationFrame(() => document.getElementById(FIELD_IDS[first]!)?.focus());
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = validate(ctx, d);
    if (Object.keys(found).length) return showErrors(found);
    setErrors({});
    setBusy(true);
    const email = d.email.trim();
    const body = {
      name: d.name.trim(),
      email,
      country: d.country,
      ...(d.comment.trim() ? { comment: d.comment.trim() } : {}),
      public: d.public,
      ...(d.public && d.displayName.trim() ? { displayName: d.displayName.trim() } : {}),
      // The confirmation email and its page in the form's language.
      lang: ctx.lang,
    };
    try {
      await api(`${props.path}/signatures`, { method: 'POST', body });
      props.onSent(email);
    } catch (error) {
      if (error instanceof ApiError && error.fields.length)
        showErrors(fieldErrors(ctx, error.fields));
      else setErrors({ form: problemText(ctx, error) });
    } finally {
      setBusy(false);
    }
  };

  const invalid = (field: keyof Errors) => (errors[field] ? 'true' : undefined);
  const described = (field: keyof Draft, hint?: string) =>
    [hint, errors[field] ? `${FIELD_IDS[field]}-error` : undefined].filter(Boolean).join(' ') ||
    undefined;
  const err = (field: keyof Draft) =>
    errors[field] ? (
      <span class="field-error" id={`${FIELD_IDS[field]}-error`}>
        {errors[field]}
      </span>
    ) : null;
  const text = (
    field: 'name' | 'email' | 'displayName',
    label: MessageKey,
    extra: { type?: string; autocomplete?: string; hint?: string; maxLength: number; dir?: 'ltr' },
  ) => (
    <TextField
      id={FIELD_IDS[field]!}
      label={ctx.tr(label)}
      hint={extra.hint}
      error={errors[field]}
      type={extra.type}
      autocomplete={extra.autocomplete}
      maxLength={extra.maxLength}
      dir={extra.dir}
      value={d[field]}
      onValue={(value) => set({ [field]: value })}
    />
  );

  return (
    <form
      class="sign-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby="sign-title"
    >
      <h2 id="sign-title">{ctx.tr('actSignTitle')}</h2>
      {text('name', 'actName', { autocomplete: 'name', maxLength: 200 })}
      {text('email', 'actEmail', {
        type: 'email',
        autocomplete: 'email',
        hint: ctx.tr('actEmailHint', { target }),
        maxLength: 254,
        dir: 'ltr',
      })}
      <div class={errors.country ? 'field has-error' : 'field'}>
        <label for="country">{ctx.tr('actCountry')}</label>
        <select
          id="country"
          autocomplete="country"
          aria-invalid={invalid('country')}
          aria-describedby={described('country')}
          value={d.country}
          onChange={(e) => set({ country: e.currentTarget.value })}
        >
          <option value="">{ctx.tr('actChooseCountry')}</option>
          {countries.map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
        {err('country')}
      </div>
      <div class={errors.comment ? 'field has-error' : 'field'}>
        <label for="comment">{ctx.tr('actComment')}</label>
        <textarea
          id="comment"
          rows={3}
          maxLength={COMMENT_MAX}
          aria-invalid={invalid('comment')}
          aria-describedby={described('comment', 'comment-count')}
          value={d.comment}
          onInput={(e) => set({ comment: e.currentTarget.value })}
        />
        <small class="hint counter" id="comment-count">
          {ctx.tr('actCommentCount', {
            used: ctx.num(d.comment.length),
            max: ctx.num(COMMENT_MAX),
          })}
        </small>
        {err('comment')}
      </div>
      <p class="hint sent-with">{ctx.tr('actSentWith', { target })}</p>

      <fieldset class="group">
        <legend>{ctx.tr('actPrivacy')}</legend>
        {!d.public && <p class="hint private-note">{ctx.tr('actPrivateNote')}</p>}
        <CheckField
          id="show-name"
          checked={d.public}
          onChecked={(checked) => set({ public: checked })}
        >
          {ctx.tr('actShowName')}
        </CheckField>
        {d.public &&
          text('displayName', 'actDisplayName', {
            hint: ctx.tr('actDisplayNameHint'),
            maxLength: 80,
          })}
      </fieldset>

      <div aria-live="assertive" class="form-status">
        {errors.form && <p class="alert alert-error">{errors.form}</p>}
      </div>
      <div class="actions">
        <button type="submit" class="primary continue" disabled={busy}>
          {busy ? ctx.tr('actSending') : ctx.tr('actSubmit')}
        </button>
      </div>
    </form>
  );
}
