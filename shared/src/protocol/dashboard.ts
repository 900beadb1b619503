import { z } from 'zod';
import { decisionSchema } from './decision.js';
import { issueSchema } from './issue.js';
import { escalationSchema } from './knowledge.js';
import { reportSummarySchema } from './status.js';

/** A live update pushed to dashboards over `/ws/dashboard`. */
export const dashboardUpdateSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('hello'), protocolVersion: z.number(), instance: z.string() }),
    z.object({ type: z.literal('report'), report: reportSummarySchema }),
    z.object({ type: z.literal('issue'), issue: issueSchema, isNew: z.boolean() }),
    z.object({ type: z.literal('decision'), decision: decisionSchema }),
    z.object({ type: z.literal('escalation'), escalation: escalationSchema }),
  ])
  .meta({ id: 'DashboardUpdate' });
/** A live update pushed to dashboards. */
export type DashboardUpdate = z.infer<typeof dashboardUpdateSchema>;
