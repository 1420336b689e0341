import type { ComponentChildren } from 'preact';
import { cloneElement, createContext, isValidElement, toChildArray } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from './api';
import { barPercent, percentText, progressSliver, ProgressFigures } from './progress';

/** An error (read out at once) or a confirmation (read out politely). */
export function Alert(props: { kind: 'error' | 'success' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`alert alert-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

export type Outcome = { kind: 'error' | 'success' | 'info'; text: string } | null;

export function OutcomeAlert({ outcome }: { outcome: Outcome }) {
  return outcome ? <Alert kind={outcome.kind}>{outcome.text}</Alert> : null;
}

/** Runs an action, remembering whether it is busy and how it ended (as a message). */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const run = async (action: () => Promise<string | void>) => {
    setBusy(true);
    setOutcome(null);
    try {
      const text = await action();
      setOutcome(text ? { kind: 'success', text } : null);
      return true;
    } catch (error) {
      setOutcome({ kind: 'error', text: messageOf(error) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, outcome, setOutcome, run };
}

/**
 * Loads data, with a reload function and the error to show. Only the latest request counts:
 * when filters change (or a refresh starts) while an earlier request is still out, the earlier
 * answer is dropped whenever it arrives, so a slow old answer never replaces a newer one.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const reload = async () => {
    const request = ++latest.current;
    const current = () => request === latest.current;
    setLoading(true);
    try {
      const result = await load();
      if (!current()) return;
      setData(result);
      setError(null);
    } catch (e) {
      if (current()) setError(messageOf(e));
    } finally {
      if (current()) setLoading(false);
    }
  };
  useEffect(() => {
    void reload();
    // Unmounted, or about to load for other deps: whatever is still out is stale.
    return () => void ++latest.current;
  }, deps);
  return { data, error, loading, reload };
}

/** A campaign's progress bar: a sliver whenever something is raised (see shared/progress). */
export function ProgressBar(props: { progress: ProgressFigures; label: string }) {
  const width = barPercent(props.progress);
  return (
    <div
      class="progress"
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={width}
      aria-valuetext={percentText(props.progress)}
    >
      <div
        class={progressSliver(props.progress) ? 'progress-fill raised-some' : 'progress-fill'}
        style={{ width: `${width}%` }}
      />
    </div>
  );
}

/**
 * A confirmation in a modal <dialog>: the browser keeps focus inside it and Escape cancels.
 * `onConfirm` returning false keeps it open (its error is shown by the caller).
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  busy?: boolean;
  danger?: boolean;
  /** Focus starts on Cancel (for what cannot be undone), not on the first control. */
  focusCancel?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  const titleId = `dialog-${props.title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <dialog ref={ref} aria-labelledby={titleId} onCancel={props.onCancel}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          props.onConfirm();
        }}
      >
        <h2 id={titleId}>{props.title}</h2>
        {props.children}
        <SubmitActions
          class={props.danger ? 'danger' : 'primary'}
          busy={props.busy}
          busyLabel="Working…"
          label={props.confirmLabel}
          onCancel={props.onCancel}
          focusCancel={props.focusCancel}
        />
      </form>
    </dialog>
  );
}

/** A labelled control: the label is always there, a hint is tied to the control. */
export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <small id={`${props.id}-hint`} class="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}

/**
 * A labelled <input> (a Field around it, same id): `onValue` gets the value on each input
 * event. With a hint, the input is described by it.
 */
export function InputField(props: {
  id: string;
  label: string;
  hint?: string;
  type?: 'text' | 'password' | 'email' | 'date';
  autocomplete?: string;
  inputMode?: 'decimal' | 'numeric';
  required?: boolean;
  maxLength?: number;
  value: string;
  onValue: (value: string) => void;
}) {
  return (
    <Field id={props.id} label={props.label} hint={props.hint}>
      <input
        id={props.id}
        // Preact types each input type apart; a union of them needs this one cast.
        type={props.type as 'text' | undefined}
        autocomplete={props.autocomplete}
        inputMode={props.inputMode}
        required={props.required}
        maxLength={props.maxLength}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value)}
      />
    </Field>
  );
}

/**
 * A text input of the public forms (donate, act): label, hint and the field's error under it
 * (ids `${id}-hint` and `${id}-error`); the input is described by both and marked invalid
 * while there is an error.
 */
export function TextField(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  type?: string;
  autocomplete?: string;
  maxLength?: number;
  dir?: 'ltr';
  value: string;
  onValue: (value: string) => void;
}) {
  const { id, hint, error } = props;
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type={(props.type ?? 'text') as 'text'}
        autocomplete={props.autocomplete}
        maxLength={props.maxLength}
        dir={props.dir}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={
          [hint ? `${id}-hint` : undefined, error ? `${id}-error` : undefined]
            .filter(Boolean)
            .join(' ') || undefined
        }
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value)}
      />
      {hint && (
        <small class="hint" id={`${id}-hint`}>
          {hint}
        </small>
      )}
      {error && (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** A checkbox of the public forms (donate, act), its label beside it. */
export function CheckField(props: {
  id: string;
  checked: boolean;
  describedBy?: string;
  onChecked: (checked: boolean) => void;
  children: ComponentChildren;
}) {
  return (
    <label class="check">
      <input
        type="checkbox"
        id={props.id}
        checked={props.checked}
        aria-describedby={props.describedBy}
        onChange={(e) => props.onChecked(e.currentTarget.checked)}
      />
      <span>{props.children}</span>
    </label>
  );
}

/** "From" and "To" date inputs (ids `${idPrefix}-from` and `${idPrefix}-to`), set on change. */
export function DateRangeFields(props: {
  idPrefix: string;
  from: string;
  to: string;
  onFrom: (value: string) => void;
  onTo: (value: string) => void;
}) {
  const ends = [
    { end: 'from', label: 'From', value: props.from, onValue: props.onFrom },
    { end: 'to', label: 'To', value: props.to, onValue: props.onTo },
  ];
  return (
    <>
      {ends.map(({ end, label, value, onValue }) => (
        <Field key={end} id={`${props.idPrefix}-${end}`} label={label}>
          <input
            id={`${props.idPrefix}-${end}`}
            type="date"
            value={value}
            onChange={(e) => onValue(e.currentTarget.value)}
          />
        </Field>
      ))}
    </>
  );
}

export interface SubmitButtonProps {
  label: string;
  /** Shown instead of the label while busy (the label stays when omitted). */
  busyLabel?: string;
  busy?: boolean;
  /** Disabled for another reason than being busy. */
  disabled?: boolean;
  class?: string;
}

/** A submit button, disabled (and relabelled) while its action runs. */
export function SubmitButton(props: SubmitButtonProps) {
  return (
    <button type="submit" class={props.class} disabled={props.busy || props.disabled}>
      {props.busy && props.busyLabel ? props.busyLabel : props.label}
    </button>
  );
}

/** A form's submit button followed by a Cancel button. */
export function SubmitActions({
  onCancel,
  focusCancel,
  ...submit
}: SubmitButtonProps & { onCancel: () => void; focusCancel?: boolean }) {
  return (
    <div class="actions">
      <SubmitButton {...submit} />
      {/* A modal <dialog> opens with focus on its autofocus control. */}
      <button type="button" onClick={onCancel} autofocus={focusCancel}>
        Cancel
      </button>
    </div>
  );
}

/** A table's header row; columns named in `numeric` get the `num` class. */
export function TableHead(props: { columns: string[]; numeric?: string[] }) {
  return (
    <thead role="rowgroup">
      <tr role="row">
        {props.columns.map((column) => (
          <th
            key={column}
            scope="col"
            role="columnheader"
            class={props.numeric?.includes(column) ? 'num' : undefined}
          >
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** The columns of the DataTable a Row sits in: each cell is labelled with its column's name. */
const Columns = createContext<string[]>([]);

/**
 * Every table in the pages: a real <table> with its header row, which on a phone (base.css,
 * below 40rem) shows each row as a small card, each cell labelled with its column's name
 * (`data-label`, drawn by CSS) and the header row visually hidden but still read out.
 * The explicit ARIA roles keep the table a table for screen readers once CSS stops
 * displaying it as one (Safari drops a table's semantics when its display changes).
 * Rows are `Row`s; an empty-state message goes after the DataTable, not in it.
 */
export function DataTable(props: {
  columns: string[];
  numeric?: string[];
  caption?: ComponentChildren;
  /** A caption for screen readers only (the figures' table under a chart, say). */
  captionHidden?: boolean;
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table class="data-table" role="table">
        {props.caption && (
          <caption class={props.captionHidden ? 'visually-hidden' : 'muted'}>
            {props.caption}
          </caption>
        )}
        <TableHead columns={props.columns} numeric={props.numeric} />
        <tbody role="rowgroup">
          <Columns.Provider value={props.columns}>{props.children}</Columns.Provider>
        </tbody>
      </table>
    </div>
  );
}

/**
 * A DataTable's row: its cells (<td>, one per column, in the columns' order; put a
 * condition inside a cell, never around one) get their column's name as `data-label`.
 */
export function Row(props: { children: ComponentChildren }) {
  const columns = useContext(Columns);
  return (
    <tr role="row">
      {toChildArray(props.children).map((cell, i) =>
        isValidElement(cell)
          ? cloneElement(cell, { 'data-label': columns[i], role: 'cell' })
          : cell,
      )}
    </tr>
  );
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}
