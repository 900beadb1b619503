import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { isoTimeSchema } from './decision.js';

/** A service key as the admin API lists it: never its secret. */
export const serviceKeySchema = z
  .object({
    id: z.string().meta({ description: "The key's id, for revoking it." }),
    project: z.string(),
    service: z.string().meta({ description: 'The service whoever holds the key is.' }),
    createdAt: isoTimeSchema,
    revokedAt: isoTimeSchema.nullable(),
  })
  .meta({ id: 'ServiceKey' });
/** A service key as listed. */
export type ServiceKey = z.infer<typeof serviceKeySchema>;

/** The answer to `POST /api/services/{service}/keys`: the only time the secret is shown. */
export const createdServiceKeySchema = serviceKeySchema
  .extend({
    key: z.string().meta({
      description:
        'The secret (`shs_…`), shown only in this answer; the collector keeps its hash. Give it to the service as SELFHEAL_AGENT_KEY.',
    }),
  })
  .meta({ id: 'CreatedServiceKey' });

/** `GET /api/services/{service}/keys`. */
export const serviceKeyListSchema = z
  .object({ keys: z.array(serviceKeySchema) })
  .meta({ id: 'ServiceKeyList' });

/** A service's name in a path: what agents send as `service`. */
export const serviceNameSchema = z
  .string()
  .min(1)
  .max(LIMITS.maxNameLength)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters')
  .refine((name) => name.isWellFormed(), 'no lone surrogates');
