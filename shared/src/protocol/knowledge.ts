import { z } from 'zod';
import { decisionSchema, isoTimeSchema, strategyNameSchema } from './decision.js';

/** `GET /api/decisions`. */
export const decisionListSchema = z
  .object({ decisions: z.array(decisionSchema) })
  .meta({ id: 'DecisionList' });

/** What the collector learned about one strategy for one pattern. */
export const knowledgeEntrySchema = z
  .object({
    patternType: z.enum(['fingerprint', 'kind']),
    pattern: z.string().meta({ description: 'A fingerprint or an error kind.' }),
    strategy: strategyNameSchema,
    attempts: z.number().int(),
    successes: z.number().int(),
    failures: z.number().int(),
    successRate: z
      .number()
      .nullable()
      .meta({ description: 'Verified successes over attempts; null before any.' }),
    consecutiveFailures: z.number().int(),
    lastOutcome: z.enum(['success', 'failure']).nullable(),
    lastOutcomeAt: isoTimeSchema.nullable(),
    blockedUntil: isoTimeSchema.nullable().meta({
      description: 'Held off until then (breaker open, rolled back, refused or rejected).',
    }),
    cooldownUntil: isoTimeSchema.nullable(),
    developerFix: z
      .string()
      .nullable()
      .meta({ description: 'The code change a developer should make, as learned.' }),
  })
  .meta({ id: 'KnowledgeEntry' });
/** What the collector learned about one strategy for one pattern. */
export type KnowledgeEntry = z.infer<typeof knowledgeEntrySchema>;

/** `GET /api/knowledge`. */
export const knowledgeListSchema = z
  .object({ knowledge: z.array(knowledgeEntrySchema) })
  .meta({ id: 'KnowledgeList' });

/**
 * A person told about a decision that was not applied on its own, or, as its follow-up, that a
 * verified local fix superseded it.
 */
export const escalationSchema = z
  .object({
    id: z.string(),
    decisionId: z.string(),
    fingerprint: z.string(),
    kind: z.enum(['decision', 'fixed']).meta({
      description:
        '`decision`: the decision waits for a person; `fixed`: the follow-up of an escalated decision, superseded by a verified local fix (see `outcomeId`).',
    }),
    outcomeId: z
      .string()
      .nullable()
      .meta({ description: 'The verified outcome that fixed the fault, on a `fixed` escalation.' }),
    status: z.enum(['queued', 'sent', 'failed', 'suppressed', 'unconfigured']).meta({
      description:
        '`suppressed`: the fingerprint was escalated within the hour; `unconfigured`: no webhook, dashboards only.',
    }),
    attempts: z.number().int(),
    createdAt: isoTimeSchema,
    sentAt: isoTimeSchema.nullable(),
  })
  .meta({ id: 'Escalation' });
/** A person told about a decision. */
export type Escalation = z.infer<typeof escalationSchema>;

/** Model calls and their estimated cost, in `/api/status`. */
export const llmUsageSchema = z
  .object({
    calls: z.number().int(),
    promptTokens: z.number().int(),
    completionTokens: z.number().int(),
    costUsd: z.number(),
    byModel: z.array(
      z.object({
        model: z.string(),
        calls: z.number().int(),
        promptTokens: z.number().int(),
        completionTokens: z.number().int(),
        costUsd: z.number(),
      }),
    ),
  })
  .meta({ id: 'LlmUsage' });
/** Model calls and their estimated cost. */
export type LlmUsageFigures = z.infer<typeof llmUsageSchema>;
