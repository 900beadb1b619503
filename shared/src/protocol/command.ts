import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { fixTargetSchema, isoTimeSchema, strategyNameSchema } from './decision.js';

/** A fix the collector asks an agent to carry out (for a page: a recommendation). */
export const commandSchema = z
  .object({
    type: z.literal('command'),
    protocolVersion: z.number().int().min(1),
    id: z.string().min(1).max(LIMITS.maxIdLength),
    decisionId: z.string(),
    project: z.string(),
    fingerprint: z.string(),
    target: fixTargetSchema,
    service: z.string().nullable(),
    strategy: strategyNameSchema,
    params: z.record(z.string(), z.unknown()),
    rollback: z.boolean().optional().meta({
      description:
        'True when the command undoes an earlier run of the strategy (its catalog `rollback`), after that fix made things worse.',
    }),
    issuedAt: isoTimeSchema,
    expiresAt: isoTimeSchema.meta({ description: 'Not to be carried out after this time.' }),
  })
  .meta({ id: 'Command' });
/** A fix the collector asks an agent to carry out. */
export type Command = z.infer<typeof commandSchema>;

/** The answer to `GET /api/commands`: the commands waiting for this agent (possibly none). */
export const commandBatchSchema = z
  .object({ type: z.literal('commands'), commands: z.array(commandSchema) })
  .meta({ id: 'CommandBatch' });
/** The commands waiting for an agent. */
export type CommandBatch = z.infer<typeof commandBatchSchema>;

/** An agent saying it received a command and will carry it out (or refuses it, with why). */
export const commandAckSchema = z
  .object({
    type: z.literal('command_ack'),
    protocolVersion: z.number().int().min(1).optional(),
    commandId: z.string().min(1).max(LIMITS.maxIdLength),
    agentId: z.string().min(1).max(LIMITS.maxNameLength),
    accepted: z.boolean().meta({
      description:
        'False when the agent will not run it (no such fix, budget spent, auto-fix off).',
    }),
    reason: z.string().max(1_024).optional(),
    receivedAt: isoTimeSchema,
  })
  .meta({ id: 'CommandAck' });
/** An agent acknowledging a command. */
export type CommandAck = z.infer<typeof commandAckSchema>;
