import { signatureProgress } from '../shared/progress';
import { ProgressBar } from '../shared/ui';
import { ActCtx } from './app';

/** "Signatures: 1,234 of 5,000" over the shared progress bar. */
export function SignatureCount(props: {
  ctx: ActCtx;
  title: string;
  signatures: number;
  goal: number;
}) {
  const { ctx } = props;
  return (
    <div class="signature-count">
      <p class="figures">
        {ctx.tr('actSignatures', {
          count: ctx.num(props.signatures),
          goal: ctx.num(props.goal),
        })}
      </p>
      <ProgressBar
        progress={signatureProgress(props.signatures, props.goal)}
        label={ctx.tr('actProgress', { action: props.title })}
      />
    </div>
  );
}
