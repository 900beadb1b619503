import { z } from 'zod';

/** An error answer (RFC 9457 problem+json). */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'For validation errors: each field that is wrong and why.' }),
  })
  .meta({ id: 'Problem' });
/** An error answer. */
export type Problem = z.infer<typeof problemSchema>;
