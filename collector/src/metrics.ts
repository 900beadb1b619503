/** Counters, gauges and one latency histogram, rendered in the Prometheus text format. */
export interface Metrics {
  inc(name: CounterName, labels?: Record<string, string>, by?: number): void;
  observeIngest(seconds: number): void;
  render(gauges: Record<string, number>): string;
}

const COUNTERS = {
  selfheal_events_ingested_total: 'Events stored.',
  selfheal_events_duplicate_total: 'Events received again after they were stored.',
  selfheal_events_refused_total: 'Events in well-formed reports that were refused, by reason.',
  selfheal_reports_refused_total: 'Reports refused, by reason.',
  selfheal_reports_total: 'Reports acknowledged, by agent type.',
  selfheal_sentry_items_total:
    'Items of Sentry envelopes, by item type and outcome (stored, ignored: read past, refused).',
  selfheal_issues_created_total: 'Issues seen for the first time.',
  selfheal_issues_overflowed_total:
    'New fingerprints counted under their project overflow issue: the new-issue cap was reached.',
  selfheal_decisions_total: 'Decisions stored, by source and first status.',
  selfheal_decision_candidates_dropped_total:
    'Issues not looked at because too many were waiting (looked at again when they recur).',
  selfheal_decisions_capped_total:
    'Decisions not made because their project reached its new-decision cap (made when they recur).',
  selfheal_decisions_unneeded_total:
    'Page faults not decided because the page agents healed them in every session that met them.',
  selfheal_decisions_reviewed_total: 'Pending decisions approved or rejected, by verdict.',
  selfheal_commands_total: 'Commands issued, delivered, acknowledged and refused, by target.',
  selfheal_outcomes_total: 'Fix outcomes settled by verification, by status.',
  selfheal_outcomes_refused_total:
    'Reported fix outcomes that may not teach (wrong key for the service, page session already counted, …), by reason.',
  selfheal_escalations_total: 'Escalations recorded and webhook posts, by status.',
  selfheal_llm_calls_total: 'Model calls behind decisions, by model and whether cached.',
  selfheal_llm_tokens_total: 'Model tokens spent, by model and type (prompt, completion).',
  selfheal_llm_cost_usd_total: 'Estimated model cost in US dollars, by model.',
  selfheal_internal_errors_total: 'Requests answered 500 (a bug in the collector), by route.',
} as const;
/** A counter the collector keeps. */
export type CounterName = keyof typeof COUNTERS;

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const labelText = (labels: Record<string, string>) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
};

/** Creates an empty set of metrics for one collector process. */
export function createMetrics(): Metrics {
  const counters = new Map<string, Map<string, number>>();
  const buckets = BUCKETS.map(() => 0);
  let sum = 0;
  let count = 0;
  return {
    inc(name, labels = {}, by = 1) {
      const series = counters.get(name) ?? new Map<string, number>();
      counters.set(name, series);
      const key = labelText(labels);
      series.set(key, (series.get(key) ?? 0) + by);
    },
    observeIngest(seconds) {
      sum += seconds;
      count += 1;
      for (let i = 0; i < BUCKETS.length; i++) {
        if (seconds <= (BUCKETS[i] as number)) buckets[i] = (buckets[i] as number) + 1;
      }
    },
    render(gauges) {
      const lines: string[] = [];
      for (const [name, help] of Object.entries(COUNTERS)) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
        const series = counters.get(name);
        if (!series || series.size === 0) lines.push(`${name} 0`);
        else for (const [labels, value] of series) lines.push(`${name}${labels} ${value}`);
      }
      const h = 'selfheal_ingest_duration_seconds';
      lines.push(`# HELP ${h} Time from receiving a report to acknowledging it.`);
      lines.push(`# TYPE ${h} histogram`);
      for (const [i, le] of BUCKETS.entries()) lines.push(`${h}_bucket{le="${le}"} ${buckets[i]}`);
      lines.push(`${h}_bucket{le="+Inf"} ${count}`, `${h}_sum ${sum}`, `${h}_count ${count}`);
      for (const [name, value] of Object.entries(gauges)) {
        lines.push(`# TYPE ${name} gauge`, `${name} ${value}`);
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
