import { z } from 'zod';
import { isoTimeSchema, strategyNameSchema } from './decision.js';

/** How long one point of a trend spans. */
export const trendBucketSchema = z.enum(['hour', 'day']);
/** How long one point of a trend spans. */
export type TrendBucket = z.infer<typeof trendBucketSchema>;

/** A strategy's verified outcomes in one bucket. */
export const strategyPointSchema = z.object({
  at: isoTimeSchema.meta({ description: 'Start of the bucket.' }),
  attempts: z.number().int().meta({ description: 'Outcomes verified in the bucket.' }),
  successes: z.number().int(),
});

/** An issue's occurrences in one bucket. */
export const issuePointSchema = z.object({
  at: isoTimeSchema.meta({ description: 'Start of the bucket.' }),
  count: z.number().int(),
});

/** `GET /api/trends`: success per strategy and occurrences per issue, bucket by bucket. */
export const trendsSchema = z
  .object({
    bucket: trendBucketSchema,
    from: isoTimeSchema.meta({ description: 'Start of the first bucket.' }),
    to: isoTimeSchema,
    strategies: z.array(
      z.object({
        strategy: strategyNameSchema,
        points: z.array(strategyPointSchema).meta({
          description: 'Buckets with at least one verified outcome, oldest first.',
        }),
      }),
    ),
    issues: z.array(
      z.object({
        fingerprint: z.string(),
        count: z.number().int().meta({ description: 'Occurrences within the span.' }),
        points: z.array(issuePointSchema).meta({
          description: 'Buckets with at least one occurrence, oldest first.',
        }),
        services: z.array(z.string()).meta({
          description: 'Services whose events of the issue are within the span (at most 10).',
        }),
        origins: z.array(z.string()).meta({
          description:
            'Origins of the pages whose events of the issue are within the span (at most 10).',
        }),
      }),
    ),
  })
  .meta({ id: 'Trends' });
/** Success per strategy and occurrences per issue over time. */
export type Trends = z.infer<typeof trendsSchema>;
