import { z } from 'zod';
import { ERROR_KINDS, EVENT_TYPES, SEVERITIES } from '../taxonomy.js';
import { eventDataSchema } from './json.js';
import { LIMITS } from './limits.js';

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

const eventFields = {
  type: eventTypeSchema,
  message: boundedString(LIMITS.maxMessageLength).optional(),
  stack: boundedString(LIMITS.maxStackLength).optional(),
  severity: severitySchema.optional(),
  url: boundedString(LIMITS.maxUrlLength).optional(),
  data: eventDataSchema.optional(),
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

/** One event in a report: a fault, a fix attempt or a fix outcome. */
export const eventSchema = z
  .object({
    id: z.string().min(1).max(LIMITS.maxIdLength).meta({
      description: 'Chosen by the client, unique per project; a resent id is a duplicate.',
    }),
    timestamp: epochMsSchema.meta({ description: 'When it happened, epoch milliseconds.' }),
    ...eventFields,
  })
  .meta({ id: 'Event' });
/** One event in a report. */
export type Event = z.infer<typeof eventSchema>;

/** An event in the original single-event form, where id and timestamp may be left out. */
export const legacyEventSchema = z
  .object({
    id: z.string().min(1).max(LIMITS.maxIdLength).optional(),
    timestamp: epochMsSchema.optional(),
    ...eventFields,
  })
  .meta({ id: 'LegacyEvent' });
/** An event in the original single-event form. */
export type LegacyEvent = z.infer<typeof legacyEventSchema>;
