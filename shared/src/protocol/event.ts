import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { ERROR_KINDS, EVENT_TYPES, type EventType, SEVERITIES } from '../taxonomy.js';
import { EVENT_DATA_SCHEMAS } from './event-data.js';

/** An event type. */
export const eventTypeSchema = z.enum(EVENT_TYPES);
/** A kind from the error taxonomy. */
export const errorKindSchema = z.enum(ERROR_KINDS);
/** A severity. */
export const severitySchema = z.enum(SEVERITIES);

/** Milliseconds since the epoch, within the range a Date can hold. */
export const epochMsSchema = z.number().finite().min(0).max(8.64e15);

/** A string field no longer than `max` characters. */
export const boundedString = (max: number) => z.string().max(max);

const commonFields = {
  count: z.number().int().min(1).max(LIMITS.maxEventCount).optional().meta({
    description:
      'How many occurrences the event stands for (an agent merges repeats of one fingerprint into one event); absent means 1. Issue counts, rates and triggers sum it.',
  }),
  message: boundedString(LIMITS.maxMessageLength).optional(),
  stack: boundedString(LIMITS.maxStackLength).optional(),
  severity: severitySchema.optional(),
  url: boundedString(LIMITS.maxUrlLength).optional(),
  kind: errorKindSchema.optional().meta({
    description: 'Set by agents that classify locally; the collector classifies when absent.',
  }),
  fingerprint: z
    .string()
    .regex(/^[0-9a-z_-]{1,64}$/i)
    .optional()
    .meta({
      description: 'Set by agents that fingerprint locally; computed by the collector when absent.',
    }),
};

const idSchema = z.string().min(1).max(LIMITS.maxIdLength).meta({
  description: 'Chosen by the client, unique per project; a resent id is a duplicate.',
});
const timestampSchema = epochMsSchema.meta({
  description:
    'When it happened, epoch milliseconds. The collector refuses (400) an event older than it keeps (RETENTION_DAYS).',
});

/** One schema per event type, each with its own `data`, switched on `type`. */
function eventUnion<Extra extends z.ZodRawShape>(extra: Extra) {
  const member = <T extends EventType>(type: T) =>
    z.object({
      ...extra,
      type: z.literal(type),
      ...commonFields,
      data: EVENT_DATA_SCHEMAS[type].optional(),
    });
  // A fix event names its strategy and issue in `data`, so there it is required.
  const fix = <T extends 'fix_attempt' | 'fix_outcome'>(type: T) =>
    z.object({ ...extra, type: z.literal(type), ...commonFields, data: EVENT_DATA_SCHEMAS[type] });
  return z.discriminatedUnion('type', [
    member('error'),
    member('network'),
    member('resource'),
    member('ui'),
    member('performance'),
    member('health_check'),
    fix('fix_attempt'),
    fix('fix_outcome'),
  ]);
}

/** One event in a report: a fault, a fix attempt or a fix outcome. */
export const eventSchema = eventUnion({ id: idSchema, timestamp: timestampSchema }).meta({
  id: 'Event',
});
/** One event in a report. */
export type Event = z.infer<typeof eventSchema>;

/** An event in the original single-event form, where id and timestamp may be left out. */
export const legacyEventSchema = eventUnion({
  id: idSchema.optional(),
  timestamp: timestampSchema.optional(),
}).meta({ id: 'LegacyEvent' });
/** An event in the original single-event form. */
export type LegacyEvent = z.infer<typeof legacyEventSchema>;
