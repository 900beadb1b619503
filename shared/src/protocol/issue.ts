import { z } from 'zod';
import { errorKindSchema, eventTypeSchema, severitySchema } from './event.js';
import { agentTypeSchema } from './report.js';

/** An issue: every event that shares one fingerprint. */
export const issueSchema = z
  .object({
    fingerprint: z.string(),
    type: eventTypeSchema,
    kind: errorKindSchema,
    severity: severitySchema,
    title: z.string().meta({ description: 'Scrubbed first line of the latest message.' }),
    count: z.number().int(),
    firstSeen: z.string().meta({ description: 'ISO 8601 time of the first event.' }),
    lastSeen: z.string().meta({ description: 'ISO 8601 time of the latest event.' }),
    service: z
      .string()
      .nullable()
      .meta({ description: 'The service (or page origin) of the latest event.' }),
    services: z.array(z.string()).meta({
      description: 'Every service or page origin it was seen on, latest first (at most 20).',
    }),
    url: z.string().nullable(),
  })
  .meta({ id: 'Issue' });
/** An issue: every event that shares one fingerprint. */
export type Issue = z.infer<typeof issueSchema>;

/** A stored event as the API returns it. */
export const storedEventSchema = z
  .object({
    id: z.string(),
    type: eventTypeSchema,
    timestamp: z.number(),
    message: z.string().optional(),
    stack: z.string().optional(),
    url: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    kind: errorKindSchema,
    fingerprint: z.string(),
    severity: severitySchema,
    agent: agentTypeSchema,
    service: z.string().nullable(),
    receivedAt: z.string(),
  })
  .meta({ id: 'StoredEvent' });
/** A stored event as the API returns it. */
export type StoredEvent = z.infer<typeof storedEventSchema>;

/** `GET /api/issues`. */
export const issueListSchema = z.object({ issues: z.array(issueSchema) }).meta({ id: 'IssueList' });

/** `GET /api/issues/:fingerprint`: the issue and its most recent events. */
export const issueDetailSchema = z
  .object({ issue: issueSchema, events: z.array(storedEventSchema) })
  .meta({ id: 'IssueDetail' });
/** An issue with its most recent events. */
export type IssueDetail = z.infer<typeof issueDetailSchema>;
