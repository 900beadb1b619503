import { z } from 'zod';

// Sentry's own wire format, as far as the collector reads it. Every object is loose: SDKs add
// fields release by release, and a field the collector does not read must never refuse an event.

const text = z.string();
const number = z.number().finite();

/** One stack frame of a Sentry exception. */
export const sentryFrameSchema = z.looseObject({
  filename: text.nullish(),
  abs_path: text.nullish(),
  function: text.nullish(),
  module: text.nullish(),
  lineno: number.nullish(),
  colno: number.nullish(),
  in_app: z.boolean().nullish(),
});

/** One exception of a Sentry event (a chain lists its causes first, the thrown one last). */
export const sentryExceptionSchema = z.looseObject({
  type: text.nullish(),
  value: text.nullish(),
  module: text.nullish(),
  mechanism: z.looseObject({ type: text.nullish(), handled: z.boolean().nullish() }).nullish(),
  stacktrace: z.looseObject({ frames: z.array(sentryFrameSchema).nullish() }).nullish(),
});

const logEntry = z.looseObject({ formatted: text.nullish(), message: text.nullish() });

/** A Sentry error event: the payload of an envelope's `event` item or of `/store/`. */
export const sentryEventSchema = z
  .looseObject({
    event_id: z
      .string()
      .regex(/^[0-9a-f]{32}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)
      .nullish()
      .meta({ description: 'Kept as the event id, so a resent event is a duplicate.' }),
    timestamp: z.union([number, text]).nullish(),
    level: text.nullish(),
    platform: text.nullish(),
    logger: text.nullish(),
    message: z.union([text, logEntry]).nullish(),
    logentry: logEntry.nullish(),
    exception: z
      .union([
        z.looseObject({ values: z.array(sentryExceptionSchema).nullish() }),
        z.array(sentryExceptionSchema),
      ])
      .nullish(),
    request: z.looseObject({ url: text.nullish(), method: text.nullish() }).nullish(),
    contexts: z.record(z.string(), z.unknown()).nullish(),
    tags: z
      .union([z.record(z.string(), z.unknown()), z.array(z.tuple([text, z.unknown()]))])
      .nullish(),
    release: text.nullish(),
    environment: text.nullish(),
    server_name: text.nullish(),
    transaction: text.nullish(),
    fingerprint: z
      .array(z.union([text, number]))
      .nullish()
      .meta({ description: 'Replaces the grouping; `{{ default }}` stands for the usual one.' }),
    sdk: z.looseObject({ name: text.nullish(), version: text.nullish() }).nullish(),
  })
  .meta({ id: 'SentryEvent' });
/** A Sentry error event. */
export type SentryEvent = z.infer<typeof sentryEventSchema>;

/** The first line of an envelope. */
export const sentryEnvelopeHeaderSchema = z.looseObject({
  event_id: text.nullish(),
  dsn: text.nullish(),
  sent_at: text.nullish(),
});

/** The header line of one envelope item. */
export const sentryItemHeaderSchema = z.looseObject({
  type: z.string().min(1).max(64),
  length: z.number().int().min(0).nullish(),
});

/** What the collector answers a stored envelope or event, as the SDKs expect. */
export const sentryAckSchema = z
  .object({
    id: z.string().nullable().meta({ description: 'The event id, or null without an event.' }),
  })
  .meta({ id: 'SentryAck' });
