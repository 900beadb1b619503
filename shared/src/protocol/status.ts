import { z } from 'zod';
import { decisionSchema } from './decision.js';
import { errorKindSchema } from './event.js';
import { escalationSchema, llmUsageSchema } from './knowledge.js';
import { agentTypeSchema } from './report.js';

/** A report as lists and live updates show it. */
export const reportSummarySchema = z
  .object({
    id: z.string(),
    agent: agentTypeSchema,
    service: z.string().nullable(),
    sessionId: z.string().nullable(),
    hostname: z.string().nullable(),
    url: z.string().nullable(),
    eventCount: z.number().int(),
    receivedAt: z.string(),
  })
  .meta({ id: 'ReportSummary' });
/** A report as lists and live updates show it. */
export type ReportSummary = z.infer<typeof reportSummarySchema>;

/** An agent the collector has heard from. */
export const agentSchema = z
  .object({
    id: z.string(),
    agent: agentTypeSchema,
    service: z.string().nullable(),
    sessionId: z.string().nullable(),
    hostname: z.string().nullable(),
    region: z.string().nullable(),
    healthy: z.boolean().meta({ description: 'False while its latest health check failed.' }),
    online: z.boolean().meta({ description: 'Reported within the last minutes.' }),
    firstSeen: z.string(),
    lastSeen: z.string(),
    reports: z.number().int(),
  })
  .meta({ id: 'Agent' });
/** An agent the collector has heard from. */
export type Agent = z.infer<typeof agentSchema>;

/** `GET /api/agents`. */
export const agentListSchema = z.object({ agents: z.array(agentSchema) }).meta({ id: 'AgentList' });

/** A fingerprint group in the status figures. */
export const errorPatternSchema = z.object({
  fingerprint: z.string(),
  kind: errorKindSchema,
  title: z.string(),
  count: z.number().int(),
});

/** `GET /api/status`: the fleet at a glance. */
export const statusSchema = z
  .object({
    agentsOnline: z.number().int(),
    agentsCount: z.number().int(),
    servicesHealthy: z.number().int(),
    errorRatePerMinute: z.number(),
    fixSuccessRate: z.number().nullable().meta({
      description:
        'Fix outcomes verified as succeeded over fix outcomes judged (succeeded, failed or rolled back), 0..1; null before any.',
    }),
    totalErrors: z.number().int(),
    totalFixes: z.number().int().meta({ description: 'Fix outcomes judged so far.' }),
    criticalIssues: z.number().int(),
    recentReports: z.array(reportSummarySchema),
    recentDecisions: z
      .array(decisionSchema)
      .meta({ description: 'The ten newest decisions of the project, newest first.' }),
    escalations: z
      .array(escalationSchema)
      .optional()
      .meta({ description: 'Recent escalations of the project, newest first.' }),
    llm: llmUsageSchema
      .optional()
      .meta({ description: 'Model calls, tokens and estimated cost of the project.' }),
    errorPatterns: z.array(errorPatternSchema),
    sentry: z
      .object({
        dsn: z.string().nullable().meta({
          description:
            'The DSN a Sentry SDK takes to send to this project: its public project key and its number, at the address this status was read from.',
        }),
        hint: z
          .string()
          .nullable()
          .meta({ description: 'Why there is no DSN, and how to get one.' }),
      })
      .optional(),
    uptime: z.number().meta({ description: 'Seconds since this collector process started.' }),
  })
  .meta({ id: 'Status' });
/** The fleet at a glance. */
export type Status = z.infer<typeof statusSchema>;

/** `GET /api/health`. */
export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.enum(['up', 'down']),
    version: z.string(),
    uptime: z.number(),
  })
  .meta({ id: 'Health' });
/** Liveness and database reachability. */
export type Health = z.infer<typeof healthSchema>;
