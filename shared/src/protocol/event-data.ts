import { z } from 'zod';
import { STRATEGY_NAMES } from '../strategies.js';
import { ERROR_KINDS } from '../taxonomy.js';
import { checkedData } from './json.js';

const text = z.string().max(2_048);
const count = z.number().finite();
const errorKindSchema = z.enum(ERROR_KINDS);

/** `data` of an `error` event: where it was caught. Unknown keys are kept. */
export const errorDataSchema = checkedData({
  name: text.optional().meta({ description: 'The error name, e.g. TypeError.' }),
  source: text.optional().meta({ description: 'onerror, unhandledrejection, console, process, …' }),
  filename: text.optional(),
  lineno: count.optional(),
  colno: count.optional(),
});

/** `data` of a `network` event: the request that failed. */
export const networkDataSchema = checkedData({
  method: text.optional(),
  status: count.optional().meta({ description: 'HTTP status; 0 or absent when none came back.' }),
  durationMs: count.optional(),
  errorText: text.optional(),
  timedOut: z.boolean().optional(),
  retryAfter: count.optional().meta({ description: 'Retry-After the server sent, in seconds.' }),
});

/** `data` of a `resource` event: the element whose file failed to load. */
export const resourceDataSchema = checkedData({
  tag: text.optional().meta({ description: 'script, link, img, …' }),
  module: z.boolean().optional().meta({ description: 'A `<script type="module">`.' }),
  src: text.optional(),
});

/** `data` of a `ui` event: the critical element that is missing. */
export const uiDataSchema = checkedData({ selector: text.optional() });

/** `data` of a `performance` event: the measure over its threshold. */
export const performanceDataSchema = checkedData({
  metric: text.optional().meta({ description: 'long_task, memory, heap, …' }),
  value: count.optional(),
  threshold: count.optional(),
});

/** `data` of a `health_check` event: one check's result. */
export const healthCheckDataSchema = checkedData({
  check: text.optional().meta({ description: 'api, db, cache, cpu, memory, event_loop, …' }),
  status: z.enum(['pass', 'warn', 'fail']).optional(),
  value: count.optional(),
  threshold: count.optional(),
  service: text.optional(),
});

const strategy = z.enum(STRATEGY_NAMES);
const fixLinks = {
  commandId: text.optional().meta({
    description: 'The command this fix carried out; absent when the agent fixed on its own.',
  }),
  decisionId: text.optional(),
  local: z.boolean().optional().meta({
    description: 'True when the agent chose the fix itself (local autonomy).',
  }),
  customName: text.optional().meta({ description: 'For `custom`: the configured fix.' }),
  rollback: z.boolean().optional().meta({
    description: 'True when this undid an earlier run of the strategy (a `rollback` command).',
  }),
};

/** `data` of a `fix_attempt` event: a fix an agent started. */
export const fixAttemptDataSchema = checkedData({
  strategy,
  fingerprint: text.meta({ description: 'The issue the fix is for.' }),
  kind: errorKindSchema.optional(),
  attempt: count.optional(),
  ...fixLinks,
});

/** `data` of a `fix_outcome` event: whether a fix worked, as the agent verified it. */
export const fixOutcomeDataSchema = checkedData({
  strategy,
  fingerprint: text.meta({ description: 'The issue the fix was for.' }),
  kind: errorKindSchema.optional(),
  success: z.boolean().meta({
    description:
      'True only when the agent verified it: the retried request succeeded, the check passes again.',
  }),
  verifiedBy: text.optional().meta({
    description: 'How it was verified: a check name, `request`, `absence`, …',
  }),
  durationMs: count.optional(),
  detail: text.optional().meta({ description: 'Why it failed or what it did, for people.' }),
  alreadyFixedBy: strategy.optional().meta({
    description:
      "Set on the answer to a command when the agent ran nothing: it had itself fixed the fault with this strategy, verified, and the fault's check passes now. The command's decision is superseded; the answer teaches nothing.",
  }),
  ...fixLinks,
});

/** The `data` schema of each event type. */
export const EVENT_DATA_SCHEMAS = {
  error: errorDataSchema,
  network: networkDataSchema,
  resource: resourceDataSchema,
  ui: uiDataSchema,
  performance: performanceDataSchema,
  health_check: healthCheckDataSchema,
  fix_attempt: fixAttemptDataSchema,
  fix_outcome: fixOutcomeDataSchema,
} as const;

/** `data` of a `network` event. */
export type NetworkData = z.infer<typeof networkDataSchema>;
/** `data` of a `health_check` event. */
export type HealthCheckData = z.infer<typeof healthCheckDataSchema>;
/** `data` of a `fix_outcome` event. */
export type FixOutcomeData = z.infer<typeof fixOutcomeDataSchema>;
/** `data` of a `fix_attempt` event. */
export type FixAttemptData = z.infer<typeof fixAttemptDataSchema>;
