import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { commandSchema } from './command.js';
import { eventSchema, legacyEventSchema } from './event.js';

/** Which side of the app an agent watches. */
export const agentTypeSchema = z.enum(['frontend', 'backend']);
/** Which side of the app an agent watches. */
export type AgentType = z.infer<typeof agentTypeSchema>;

const name = z.string().min(1).max(LIMITS.maxNameLength);

const envelopeFields = {
  agent: agentTypeSchema,
  protocolVersion: z.number().int().min(1).optional().meta({
    description:
      'The protocol version the agent speaks; absent means 1. A newer major version than the collector knows is refused with 400.',
  }),
  service: name.optional().meta({ description: 'The service or site the agent watches.' }),
  sessionId: name.optional(),
  url: z.string().max(LIMITS.maxUrlLength).optional(),
  hostname: name.optional(),
  region: name.optional(),
};

/** A batch of events from one agent: the body of `POST /api/report`. */
export const reportSchema = z
  .object({
    ...envelopeFields,
    events: z.array(eventSchema).min(1).max(LIMITS.maxEventsPerReport),
  })
  .meta({ id: 'Report' });
/** A batch of events from one agent. */
export type Report = z.infer<typeof reportSchema>;

/** The original single-event report `{agent, service, event}`. */
export const legacyReportSchema = z
  .object({ ...envelopeFields, event: legacyEventSchema })
  .meta({ id: 'LegacyReport' });
/** The original single-event report. */
export type LegacyReport = z.infer<typeof legacyReportSchema>;

/** Either form of report. */
export const anyReportSchema = z.union([reportSchema, legacyReportSchema]);

/** The answer to an accepted report: how many events were new, how many already stored. */
export const reportAckSchema = z
  .object({
    accepted: z.number().int().min(0),
    duplicates: z.number().int().min(0),
    commands: z.array(commandSchema).optional().meta({
      description:
        "Recommendations for a frontend agent: fixes the collector decided for this report's issues, applied under the agent's own guards.",
    }),
  })
  .meta({ id: 'ReportAck' });
/** The answer to an accepted report. */
export type ReportAck = z.infer<typeof reportAckSchema>;
