import { useEffect, useMemo, useRef } from 'preact/hooks';
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

/** A column of a chart's figures table: the plotted one first. */
export interface ChartColumn {
  name: string;
  values: number[];
  format: (value: number) => string;
  /** Whole counts (signatures): the axis ticks only whole numbers, from 0. */
  whole?: boolean;
}

/** Tick steps for whole counts: never a fraction of a signature. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 100_000];

/**
 * One line over time (uPlot): `columns[0]` per bucket (`starts`, YYYY-MM-DD), with every
 * column as a table for screen readers (and anyone who wants the figures).
 */
export function TimeChart(props: { starts: string[]; columns: ChartColumn[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [plotted] = props.columns;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = props.starts.map((s) => Date.parse(`${s}T00:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width: Math.max(260, el.clientWidth),
        height: 220,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
        scales: {
          x: { time: true },
          ...(plotted.whole
            ? { y: { range: (_u, _min, max) => [0, Math.max(1, max)] as [number, number] } }
            : {}),
        },
        axes: [
          {},
          {
            values: (_u, ticks) => ticks.map((t) => plotted.format(t)),
            size: 80,
            ...(plotted.whole ? { incrs: WHOLE_STEPS } : {}),
          },
        ],
        series: [
          {},
          {
            label: plotted.name,
            stroke: '#0b5cad',
            fill: 'rgba(11,92,173,0.12)',
            width: 2,
            value: (_u, v) => (v == null ? '—' : plotted.format(v)),
          },
        ],
      },
      [xs, plotted.values],
      el,
    );
    const resize = () => plot.setSize({ width: Math.max(260, el.clientWidth), height: 220 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [props.starts, props.columns]);
  const names = props.columns.map((c) => c.name);
  return (
    <figure>
      <div ref={box} class="chart" role="img" aria-label={props.label} />
      <details>
        <summary>Figures as a table</summary>
        <DataTable
          columns={['From', ...names]}
          numeric={names}
          caption={<>{props.label}</>}
          captionHidden
        >
          {props.starts.map((s, i) => (
            <Row key={s}>
              <td>{s}</td>
              {props.columns.map((c) => (
                <td key={c.name} class="num">
                  {c.format(c.values[i])}
                </td>
              ))}
            </Row>
          ))}
        </DataTable>
      </details>
    </figure>
  );
}

/** Gross donations per bucket, with the donation count beside it in the table. */
export function DonationsChart({ series, label }: { series: Series; label: string }) {
  // Drawn again only when the figures change (a new array of columns would redraw each render).
  const columns = useMemo(
    () => [
      {
        name: `Gross (${series.currency.toUpperCase()})`,
        values: series.gross,
        format: (v: number) => formatMoney(v, series.currency),
      },
      { name: 'Donations', values: series.counts, format: String },
    ],
    [series],
  );
  return <TimeChart starts={series.starts} label={label} columns={columns} />;
}
