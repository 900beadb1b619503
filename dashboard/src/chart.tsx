import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line of a chart: its label and a value (or a gap) per x. */
export interface ChartSeries {
  label: string;
  values: Array<number | null>;
}

const COLORS = ['#0969da', '#1a7f37', '#cf222e', '#9a6700', '#8250df', '#bf3989', '#1b7c83'];

/** A time chart drawn by uPlot: `xs` in seconds, one line per series. */
export function TimeChart(props: {
  xs: number[];
  series: ChartSeries[];
  /** The y axis: a percentage from 0 to 100, or counts from 0. */
  unit: 'percent' | 'count';
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const percent = props.unit === 'percent';
    const plot = new uPlot(
      {
        width: Math.max(el.clientWidth, 300),
        height: props.height ?? 200,
        legend: { show: true },
        scales: {
          // A little room after the last bucket, so its point is not cut in half.
          x: { time: true, range: (_u, min, max) => [min, max + (max - min) / 40] },
          y: { range: (_u, _min, max) => [0, percent ? 100 : Math.max(1, max * 1.1)] },
        },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => (percent ? `${t} %` : String(t))) }],
        series: [
          {},
          ...props.series.map((s, i) => ({
            label: s.label,
            stroke: COLORS[i % COLORS.length],
            width: 2,
            points: { show: true, size: 6 },
            spanGaps: false,
          })),
        ],
      },
      [props.xs, ...props.series.map((s) => s.values)],
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(el.clientWidth, 300), height: props.height ?? 200 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.xs, props.series, props.unit, props.height]);
  return <div class="chart" ref={box} role="img" aria-label={props.label} />;
}
