import type { Issue, Trends } from '@selfheal/shared/protocol';
import { useMemo } from 'preact/hooks';
import { type ChartSeries, TimeChart } from './chart.js';

const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/** The start of every bucket of `trends`, in seconds, oldest first. */
export function bucketTimes(trends: Trends): number[] {
  const step = BUCKET_MS[trends.bucket];
  const xs: number[] = [];
  for (let at = Date.parse(trends.from); at <= Date.parse(trends.to); at += step)
    xs.push(at / 1000);
  return xs;
}

function valuesAt<P extends { at: string }>(
  xs: number[],
  points: P[],
  value: (p: P) => number | null,
): Array<number | null> {
  const byTime = new Map(points.map((p) => [Date.parse(p.at) / 1000, p]));
  return xs.map((x) => {
    const point = byTime.get(x);
    return point ? value(point) : null;
  });
}

/** The success rate of each strategy, bucket by bucket, from verified outcomes. */
export function StrategyTrend({ trends }: { trends: Trends | null }) {
  const chart = useMemo(() => {
    if (!trends) return null;
    const xs = bucketTimes(trends);
    const series: ChartSeries[] = trends.strategies.map((s) => ({
      label: s.strategy,
      values: valuesAt(xs, s.points, (p) =>
        p.attempts > 0 ? Math.round((p.successes / p.attempts) * 100) : null,
      ),
    }));
    return { xs, series };
  }, [trends]);
  return (
    <section aria-label="Success rate per strategy" data-testid="strategy-trend">
      <h2>Success rate per strategy, by {trends?.bucket ?? 'hour'}</h2>
      {chart && chart.series.length > 0 ? (
        <TimeChart
          xs={chart.xs}
          series={chart.series}
          unit="percent"
          label="Success rate of each strategy over time"
        />
      ) : (
        <p class="empty">No fix has been verified in the last day.</p>
      )}
    </section>
  );
}

/** Occurrences of the most frequent issues, bucket by bucket. */
export function IssueTrend({ trends, issues }: { trends: Trends | null; issues: Issue[] }) {
  const chart = useMemo(() => {
    if (!trends) return null;
    const xs = bucketTimes(trends);
    const titles = new Map(issues.map((i) => [i.fingerprint, i.title]));
    const series: ChartSeries[] = trends.issues.slice(0, 5).map((i) => ({
      label: (titles.get(i.fingerprint) ?? i.fingerprint).slice(0, 40),
      values: valuesAt(xs, i.points, (p) => p.count),
    }));
    return { xs, series };
  }, [trends, issues]);
  return (
    <section aria-label="Issue trend" data-testid="issue-trend">
      <h2>Occurrences of the top issues, by {trends?.bucket ?? 'hour'}</h2>
      {chart && chart.series.length > 0 ? (
        <TimeChart
          xs={chart.xs}
          series={chart.series}
          unit="count"
          label="Occurrences of the most frequent issues over time"
        />
      ) : (
        <p class="empty">No fault in the last day.</p>
      )}
    </section>
  );
}
