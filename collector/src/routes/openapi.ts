import { problemSchema } from '@selfheal/shared/protocol';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is not valid; `errors` names each wrong field',
  401: 'No credentials were sent',
  403: 'The credentials are not valid here',
  404: 'Not found',
  408: 'The body did not arrive in time; the connection is closed',
  409: 'Conflict: the resource is no longer in a state that allows this',
  413: 'The body is too large',
  426: 'Not a WebSocket upgrade',
  429: 'Too many requests; see Retry-After',
  500: 'A bug in the collector; sending the same request again will not help',
  503: 'Overloaded or the store is unavailable; see Retry-After',
};

/** Problem+json responses for the given statuses, for route definitions. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/problem+json': { schema: problemSchema } },
      },
    ]),
  );
}
