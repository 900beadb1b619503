import { z } from 'zod';
import { decisionSchema } from './decision.js';
import { issueSchema } from './issue.js';
import { escalationSchema } from './knowledge.js';
import { reportSummarySchema } from './status.js';

const project = z.string().meta({
  description: 'The project it belongs to; a dashboard receives only its own project.',
});

/** A live update pushed to dashboards over `/ws/dashboard`. */
export const dashboardUpdateSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('hello'), protocolVersion: z.number(), instance: z.string() }),
    z.object({ type: z.literal('report'), project, report: reportSummarySchema }),
    z.object({ type: z.literal('issue'), project, issue: issueSchema, isNew: z.boolean() }),
    z.object({ type: z.literal('decision'), project, decision: decisionSchema }),
    z.object({ type: z.literal('escalation'), project, escalation: escalationSchema }),
    z.object({
      type: z.literal('outcome'),
      project,
      fingerprint: z.string(),
      strategy: z.string(),
      status: z.enum(['succeeded', 'failed', 'rolled_back']).meta({
        description: 'The verdict on a fix, as verification settled it (local fixes included).',
      }),
    }),
  ])
  .meta({ id: 'DashboardUpdate' });
/** A live update pushed to dashboards. */
export type DashboardUpdate = z.infer<typeof dashboardUpdateSchema>;
