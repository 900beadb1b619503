import { z } from 'zod';
import { DECISION_STATUSES } from '../decision-status.js';
import { FIX_TARGETS, RISK_LEVELS, STRATEGY_NAMES } from '../strategies.js';
import { errorKindSchema } from './event.js';

/** A strategy name from the catalog. */
export const strategyNameSchema = z.enum(STRATEGY_NAMES);
/** Who carries a fix out. */
export const fixTargetSchema = z.enum(FIX_TARGETS);
/** A strategy's risk class. */
export const riskLevelSchema = z.enum(RISK_LEVELS);

/** An ISO 8601 time, the one time format of decisions and commands. */
export const isoTimeSchema = z.iso.datetime({ offset: true });

/** Where a decision came from, in the order the collector asks. */
export const decisionSourceSchema = z.enum(['knowledge', 'llm', 'rules', 'operator']);

/** Where a decision stands. */
export const decisionStatusSchema = z.enum(DECISION_STATUSES);

/** What the collector decided to do about an issue. */
export const decisionSchema = z
  .object({
    id: z.string(),
    project: z.string(),
    fingerprint: z.string(),
    kind: errorKindSchema,
    target: fixTargetSchema,
    service: z.string().nullable().meta({ description: 'The service a service fix runs in.' }),
    strategy: strategyNameSchema,
    params: z.record(z.string(), z.unknown()),
    source: decisionSourceSchema,
    confidence: z.number().min(0).max(1).meta({
      description:
        'The gating confidence the collector computed from the success record, the risk class and (for the LLM) its stated confidence.',
    }),
    riskLevel: riskLevelSchema,
    reasoning: z.string(),
    estimatedImpact: z.string(),
    rollbackPlan: z.string(),
    developerFix: z.string().nullable().meta({
      description:
        'What a developer should change. From the model it is untrusted advice about untrusted text: show it as text.',
    }),
    notes: z.array(z.string()).meta({
      description:
        'How the decision was reached and what became of it: steps the engine skipped, a refusal by the agent with its reason, an expiry with why.',
    }),
    autoApplied: z.boolean(),
    status: decisionStatusSchema,
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    expiresAt: isoTimeSchema,
  })
  .meta({ id: 'Decision' });
/** What the collector decided to do about an issue. */
export type Decision = z.infer<typeof decisionSchema>;
