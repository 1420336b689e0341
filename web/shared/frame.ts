import { useEffect, useRef } from 'preact/hooks';

/**
 * Tells the page around the frame how tall the page's #app is (web/widget/donate.ts, the
 * loader of /widget/donate.js and /widget/act.js, sizes the iframe from it). `kind` names the
 * message (`pledges-<kind>:height`); a change of `step` also asks the host page to bring the
 * frame's top into view (a new step starts at the top, not where the button was).
 */
export function useTellHeight(kind: 'donate' | 'act', step: string) {
  const told = useRef(-1);
  const stepRef = useRef(step);
  useEffect(() => {
    if (parent === window) return;
    const root = document.getElementById('app')!;
    const tell = (top = false) => {
      const height = Math.ceil(root.getBoundingClientRect().height);
      if (height === told.current && !top) return;
      told.current = height;
      parent.postMessage({ type: `pledges-${kind}:height`, height, top }, '*');
    };
    const observer = new ResizeObserver(() => tell());
    observer.observe(root);
    if (stepRef.current !== step) tell(true);
    stepRef.current = step;
    return () => observer.disconnect();
  }, [step]);
}
