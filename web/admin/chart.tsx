import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMoney } from '../shared/money';
import { DataTable, Row } from '../shared/ui';

export interface Series {
  starts: string[];
  currency: string;
  gross: number[];
  counts: number[];
}

/** Gross donations per bucket (uPlot), with the same figures as a table for screen readers. */
export function DonationsChart({ series, label }: { series: Series; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = series.starts.map((s) => Date.parse(`${s}T00:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width: Math.max(260, el.clientWidth),
        height: 220,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
        scales: { x: { time: true } },
        axes: [
          {},
          { values: (_u, ticks) => ticks.map((t) => formatMoney(t, series.currency)), size: 80 },
        ],
        series: [
          {},
          {
            label: `Gross (${series.currency.toUpperCase()})`,
            stroke: '#0b5cad',
            fill: 'rgba(11,92,173,0.12)',
            width: 2,
            value: (_u, v) => (v == null ? '—' : formatMoney(v, series.currency)),
          },
        ],
      },
      [xs, series.gross],
      el,
    );
    const resize = () => plot.setSize({ width: Math.max(260, el.clientWidth), height: 220 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [series]);
  return (
    <figure>
      <div ref={box} class="chart" role="img" aria-label={label} />
      <details>
        <summary>Figures as a table</summary>
        <DataTable
          columns={['From', 'Gross', 'Donations']}
          numeric={['Gross', 'Donations']}
          caption={<>{label}</>}
          captionHidden
        >
          {series.starts.map((s, i) => (
            <Row key={s}>
              <td>{s}</td>
              <td class="num">{formatMoney(series.gross[i], series.currency)}</td>
              <td class="num">{series.counts[i]}</td>
            </Row>
          ))}
        </DataTable>
      </details>
    </figure>
  );
}
