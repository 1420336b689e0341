import { CampaignView } from '../shared/api';
import { Field } from '../shared/ui';

/** A "Campaign" field: a select of the campaigns, with an "all" choice when `allLabel` is set. */
export function CampaignField(props: {
  id: string;
  campaigns: CampaignView[];
  value: string;
  onChange: (v: string) => void;
  allLabel?: string;
}) {
  return (
    <Field id={props.id} label="Campaign">
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.allLabel !== undefined && <option value="">{props.allLabel}</option>}
        {props.campaigns.map((c) => (
          <option key={c.slug} value={c.slug}>
            {c.title}
          </option>
        ))}
      </select>
    </Field>
  );
}
