import { useEffect, useState } from 'preact/hooks';
import { api, Call } from '../shared/api';
import { countryOptions } from '../shared/countries';
import { formatDate } from '../shared/money';
import {
  Alert,
  Field,
  InputField,
  OutcomeAlert,
  SubmitButton,
  useAction,
  useLoad,
} from '../shared/ui';

interface Address {
  line1: string;
  line2?: string;
  city: string;
  state?: string;
  postalCode: string;
  country: string;
}

/** GET /v1/donor/profile. */
interface Profile {
  email: string;
  name: string | null;
  address: Address | null;
  pendingEmail: string | null;
  pendingEmailExpiresAt: string | null;
}

const EMPTY: Required<Address> = {
  line1: '',
  line2: '',
  city: '',
  state: '',
  postalCode: '',
  country: '',
};

/** The address's text inputs, in the order shown (the country is a select after them). */
const ADDRESS_FIELDS: {
  key: Exclude<keyof Address, 'country'>;
  id: string;
  label: string;
  autocomplete: string;
  maxLength: number;
}[] = [
  {
    key: 'line1',
    id: 'profile-line1',
    label: 'Street address',
    autocomplete: 'address-line1',
    maxLength: 200,
  },
  {
    key: 'line2',
    id: 'profile-line2',
    label: 'Address line 2 (optional)',
    autocomplete: 'address-line2',
    maxLength: 200,
  },
  {
    key: 'city',
    id: 'profile-city',
    label: 'City',
    autocomplete: 'address-level2',
    maxLength: 100,
  },
  {
    key: 'state',
    id: 'profile-state',
    label: 'State or region (optional)',
    autocomplete: 'address-level1',
    maxLength: 100,
  },
  {
    key: 'postalCode',
    id: 'profile-postal-code',
    label: 'Postal code',
    autocomplete: 'postal-code',
    maxLength: 20,
  },
];

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** The address as typed: null when every field is empty (no address on receipts). */
function addressOf(a: Required<Address>): Address | null {
  const t = Object.fromEntries(
    Object.entries(a).map(([k, v]) => [k, v.trim()]),
  ) as Required<Address>;
  if (!Object.values(t).some(Boolean)) return null;
  return {
    line1: t.line1,
    ...(t.line2 ? { line2: t.line2 } : {}),
    city: t.city,
    ...(t.state ? { state: t.state } : {}),
    postalCode: t.postalCode,
    country: t.country,
  };
}

/**
 * "Your details": the name and address for the receipts of future pledge payments, and the
 * email, which changes only once the new address confirms the link mailed to it.
 */
export function YourDetails({ call }: { call: Call }) {
  const profile = useLoad(() => call<Profile>('/v1/donor/profile'));
  const [name, setName] = useState('');
  const [address, setAddress] = useState<Required<Address>>(EMPTY);
  const [changingEmail, setChangingEmail] = useState(false);
  const [newEmail, setNewEmail] = useState('');
  const saving = useAction();
  const emailing = useAction();
  const p = profile.data;
  useEffect(() => {
    if (!p) return;
    setName(p.name ?? '');
    setAddress({ ...EMPTY, ...(p.address ?? {}) });
  }, [p]);
  const field = (key: keyof Address) => (value: string) =>
    setAddress((a) => ({ ...a, [key]: value }));

  return (
    <section class="card" id="your-details" aria-labelledby="your-details-title">
      <h2 id="your-details-title">Your details</h2>
      {profile.error && <Alert kind="error">{profile.error}</Alert>}
      <h3 id="receipt-details-title">Name and address for receipts</h3>
      <p class="muted" id="receipt-details-text">
        Used on the receipts of your pledges’ next payments. Receipts already issued, and gifts
        already given, keep the name and address they were given with. Leave a field empty to have
        none.
      </p>
      <form
        aria-labelledby="receipt-details-title"
        aria-describedby="receipt-details-text"
        onSubmit={(e) => {
          e.preventDefault();
          void saving.run(async () => {
            await call<Profile>('/v1/donor/profile', {
              method: 'PATCH',
              body: { name: name.trim() || null, address: addressOf(address) },
            });
            void profile.reload();
            return 'Saved. The next receipts of your pledges carry these details; a new one-off gift carries what you give with it.';
          });
        }}
      >
        <InputField
          id="profile-name"
          label="Name"
          autocomplete="name"
          maxLength={200}
          value={name}
          onValue={setName}
        />
        {/* A fieldset is as wide as its widest content unless told otherwise (a long country). */}
        <fieldset style={{ minWidth: 0, border: 0, padding: 0, margin: '0 0 1rem' }}>
          <legend style={{ fontWeight: 700, padding: 0 }}>Postal address</legend>
          {ADDRESS_FIELDS.map((f) => (
            <InputField
              key={f.key}
              id={f.id}
              label={f.label}
              autocomplete={f.autocomplete}
              maxLength={f.maxLength}
              value={address[f.key]}
              onValue={field(f.key)}
            />
          ))}
          <Field id="profile-country" label="Country">
            <select
              id="profile-country"
              autocomplete="country"
              style={{ maxWidth: '100%' }}
              value={address.country}
              onChange={(e) => field('country')(e.currentTarget.value)}
            >
              <option value="">—</option>
              {countryOptions('en').map(([code, label]) => (
                <option key={code} value={code}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
        </fieldset>
        <OutcomeAlert outcome={saving.outcome} />
        <SubmitButton class="primary" busy={saving.busy} busyLabel="Saving…" label="Save details" />
      </form>

      <h3 id="email-title">Email address</h3>
      {p && (
        <p>
          Receipts and sign-in links go to <strong class="current-email">{p.email}</strong>.
        </p>
      )}
      {p?.pendingEmail && p.pendingEmailExpiresAt && (
        <Alert kind="info">
          A link to confirm {p.pendingEmail} was sent there. Your email changes when you follow it
          (before {timeOf(p.pendingEmailExpiresAt)} on {formatDate(p.pendingEmailExpiresAt)}).
        </Alert>
      )}
      {!changingEmail && (
        <button
          type="button"
          onClick={() => {
            emailing.setOutcome(null);
            setChangingEmail(true);
          }}
        >
          Change email
        </button>
      )}
      {changingEmail && (
        <form
          aria-labelledby="email-title"
          onSubmit={(e) => {
            e.preventDefault();
            void emailing
              .run(async () => {
                const updated = await call<Profile>('/v1/donor/profile', {
                  method: 'PATCH',
                  body: { email: newEmail },
                });
                void profile.reload();
                return `Until you follow the link, we keep using ${updated.email}.`;
              })
              .then((ok) => {
                if (ok) {
                  setChangingEmail(false);
                  setNewEmail('');
                }
              });
          }}
        >
          <InputField
            id="profile-new-email"
            label="New email address"
            hint="We send a link to this address: the change takes effect once you follow it."
            type="email"
            autocomplete="email"
            required
            maxLength={254}
            value={newEmail}
            onValue={setNewEmail}
          />
          <OutcomeAlert outcome={emailing.outcome} />
          <div class="actions">
            <SubmitButton
              class="primary"
              busy={emailing.busy}
              busyLabel="Sending…"
              label="Send confirmation link"
            />
            <button type="button" onClick={() => setChangingEmail(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {!changingEmail && <OutcomeAlert outcome={emailing.outcome} />}
    </section>
  );
}

/**
 * The page an email change's link opens (/donor/email#token=…). The token is in the fragment
 * (never sent to a server) and is used only when the button is pressed, so a mail scanner
 * opening the link changes nothing.
 */
export function ConfirmEmailChange({ onChanged }: { onChanged: () => void }) {
  const [token] = useState(() => new URLSearchParams(location.hash.slice(1)).get('token'));
  const [changedTo, setChangedTo] = useState<string | null>(null);
  useEffect(() => {
    // Out of the address bar and history: the link is single-use anyway.
    if (location.hash) history.replaceState(null, '', location.pathname);
  }, []);
  const action = useAction();
  return (
    <section class="card signin">
      <h2>Confirm your new email address</h2>
      {changedTo ? (
        <>
          <Alert kind="success">
            Your email address is now {changedTo}. You were signed out everywhere: sign in again
            with this address.
          </Alert>
          <p>
            <a href="/donor">Sign in</a>
          </p>
        </>
      ) : token ? (
        <>
          <p>
            You followed a link to use this address for your gifts from now on: receipts and sign-in
            links will come here. Confirm to change it.
          </p>
          <OutcomeAlert outcome={action.outcome} />
          <button
            type="button"
            class="primary"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                const res = await api<{ email: string }>('/v1/donor/email-changes/confirm', {
                  method: 'POST',
                  body: { token },
                });
                onChanged();
                setChangedTo(res.email);
              })
            }
          >
            {action.busy ? 'Confirming…' : 'Confirm new email address'}
          </button>
        </>
      ) : (
        <Alert kind="error">
          This link is incomplete. Please use the whole link from the email.
        </Alert>
      )}
      {!changedTo && (action.outcome?.kind === 'error' || !token) ? (
        <p>
          <a href="/donor">Go to your gifts</a>
        </p>
      ) : null}
    </section>
  );
}
