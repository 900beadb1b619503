import { z } from 'zod';
import { isoTimeSchema, strategyNameSchema } from './decision.js';
import { errorKindSchema } from './event.js';

/** A fix an agent reported, and what verifying it found. */
export const fixOutcomeSchema = z
  .object({
    id: z.string(),
    decisionId: z
      .string()
      .nullable()
      .meta({ description: 'The decision it carried out; null for a fix the agent chose itself.' }),
    fingerprint: z.string(),
    kind: errorKindSchema,
    strategy: strategyNameSchema,
    service: z.string().nullable(),
    sessionId: z.string().nullable().meta({ description: 'The page session (page fixes).' }),
    local: z.boolean().meta({ description: 'Chosen by the agent on the spot.' }),
    status: z.enum(['verifying', 'succeeded', 'failed', 'rolled_back']),
    verifiedBy: z.string().nullable(),
    detail: z
      .string()
      .nullable()
      .meta({ description: 'What the agent or the verdict said; untrusted text.' }),
    reportedAt: isoTimeSchema,
    verifiedAt: isoTimeSchema.nullable(),
  })
  .meta({ id: 'FixOutcome' });
/** A fix and its verified outcome. */
export type FixOutcome = z.infer<typeof fixOutcomeSchema>;

/** `GET /api/fixes`. */
export const fixListSchema = z.object({ fixes: z.array(fixOutcomeSchema) }).meta({ id: 'FixList' });

/** One call to the model behind a decision. */
export const modelCallSchema = z
  .object({
    id: z.string(),
    decisionId: z.string().nullable(),
    fingerprint: z.string(),
    model: z.string(),
    promptTokens: z.number().int(),
    completionTokens: z.number().int(),
    costUsd: z.number().meta({ description: 'Estimated from the model’s price per token.' }),
    cached: z.boolean().meta({ description: 'Answered from the cache: no tokens spent.' }),
    createdAt: isoTimeSchema,
  })
  .meta({ id: 'ModelCall' });
/** One call to the model. */
export type ModelCall = z.infer<typeof modelCallSchema>;

/** `GET /api/model-calls`. */
export const modelCallListSchema = z
  .object({ calls: z.array(modelCallSchema) })
  .meta({ id: 'ModelCallList' });
