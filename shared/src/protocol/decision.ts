import { z } from 'zod';

/** Where a decision came from, in the order the collector asks. */
export const decisionSourceSchema = z.enum(['knowledge', 'llm', 'rules']);

/** Where a decision stands. */
export const decisionStatusSchema = z.enum([
  'pending',
  'approved',
  'rejected',
  'dispatched',
  'succeeded',
  'failed',
  'rolled_back',
]);

/** What the collector decided to do about an issue. */
export const decisionSchema = z
  .object({
    id: z.string(),
    fingerprint: z.string(),
    strategy: z.string(),
    source: decisionSourceSchema,
    confidence: z.number().min(0).max(1),
    reasoning: z.string(),
    estimatedImpact: z.string(),
    rollbackPlan: z.string(),
    developerFix: z.string().nullable(),
    status: decisionStatusSchema,
    createdAt: z.string(),
  })
  .meta({ id: 'Decision' });
/** What the collector decided to do about an issue. */
export type Decision = z.infer<typeof decisionSchema>;

/** A fix the collector asks an agent to carry out. */
export const commandSchema = z
  .object({
    type: z.literal('command'),
    id: z.string(),
    decisionId: z.string(),
    strategy: z.string(),
    fingerprint: z.string(),
    params: z.record(z.string(), z.unknown()),
    issuedAt: z.number(),
  })
  .meta({ id: 'Command' });
/** A fix the collector asks an agent to carry out. */
export type Command = z.infer<typeof commandSchema>;
