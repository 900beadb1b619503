/** Which bound a reservation would break. */
export type BudgetScope = 'total' | 'client' | 'project';

/** Request-body bytes held at once: bounded in total, per client address and per project. */
export interface BodyBudget {
  /** Reserves `bytes`; answers a function that gives them back, or the bound that is full. */
  reserve(bytes: number, client: string, project: string): (() => void) | BudgetScope;
  /** Bytes reserved now, in total. */
  readonly total: number;
}

/** The bounds of a body budget, in bytes. */
export interface BodyBudgetLimits {
  total: number;
  perClient: number;
  perProject: number;
}

/** Creates a budget; one client or one project can fill only its share, never everyone's. */
export function createBodyBudget(limits: BodyBudgetLimits): BodyBudget {
  let total = 0;
  const byClient = new Map<string, number>();
  const byProject = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, bytes: number) => {
    const next = (map.get(key) ?? 0) + bytes;
    if (next > 0) map.set(key, next);
    else map.delete(key);
  };
  return {
    get total() {
      return total;
    },
    reserve(bytes, client, project) {
      if ((byClient.get(client) ?? 0) + bytes > limits.perClient) return 'client';
      if ((byProject.get(project) ?? 0) + bytes > limits.perProject) return 'project';
      if (total + bytes > limits.total) return 'total';
      total += bytes;
      add(byClient, client, bytes);
      add(byProject, project, bytes);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total -= bytes;
        add(byClient, client, -bytes);
        add(byProject, project, -bytes);
      };
    },
  };
}
