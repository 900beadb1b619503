import type {
  Agent,
  Decision,
  FixOutcome,
  Issue,
  KnowledgeEntry,
  ModelCall,
  Status,
  Trends,
} from '@selfheal/shared/protocol';

/** A refused or failed call, with the collector's own explanation. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The token was missing or wrong. */
  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/** The collector's read and review API, called with the admin token. */
export interface Api {
  status(): Promise<Status>;
  issues(): Promise<{ issues: Issue[] }>;
  agents(): Promise<{ agents: Agent[] }>;
  decisions(): Promise<{ decisions: Decision[] }>;
  knowledge(): Promise<{ knowledge: KnowledgeEntry[] }>;
  trends(): Promise<Trends>;
  fixes(): Promise<{ fixes: FixOutcome[] }>;
  modelCalls(): Promise<{ calls: ModelCall[] }>;
  review(decisionId: string, verdict: 'approve' | 'reject'): Promise<Decision>;
}

async function problemText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { detail?: unknown; title?: unknown };
    if (typeof body.detail === 'string') return body.detail;
    if (typeof body.title === 'string') return body.title;
  } catch {
    // Not problem+json: say what happened by status.
  }
  return `the collector answered ${res.status}`;
}

/** An API client on this page's origin for `project`, sending `token` as a bearer token. */
export function createApi(token: string, project: string): Api {
  const call = async <T>(method: 'GET' | 'POST', path: string, query = ''): Promise<T> => {
    const params = new URLSearchParams(query);
    params.set('project', project);
    let res: Response;
    try {
      res = await fetch(`${path}?${params}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
      });
    } catch {
      throw new ApiError(0, 'the collector cannot be reached');
    }
    if (!res.ok) throw new ApiError(res.status, await problemText(res));
    return (await res.json()) as T;
  };
  return {
    status: () => call('GET', '/api/status'),
    issues: () => call('GET', '/api/issues', 'limit=200'),
    agents: () => call('GET', '/api/agents'),
    decisions: () => call('GET', '/api/decisions', 'limit=100'),
    knowledge: () => call('GET', '/api/knowledge', 'limit=500'),
    trends: () => call('GET', '/api/trends', 'bucket=hour&span=24'),
    fixes: () => call('GET', '/api/fixes', 'limit=100'),
    modelCalls: () => call('GET', '/api/model-calls', 'limit=100'),
    review: (id, verdict) => call('POST', `/api/decisions/${encodeURIComponent(id)}/${verdict}`),
  };
}
