import { ProgressFigures } from '../shared/progress';
import { ProgressBar } from '../shared/ui';
import { ActCtx } from './app';

/** Signatures as the shared bar reads progress: the percent floored to a tenth, as money's. */
export function signatureProgress(signatures: number, goal: number): ProgressFigures {
  const percent = goal > 0 ? Math.floor((signatures * 1000) / goal) / 10 : 0;
  return { raised: signatures, percent };
}

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
