import type {
  Agent,
  DashboardUpdate,
  Decision,
  Escalation,
  FixOutcome,
  Issue,
  KnowledgeEntry,
  ModelCall,
  Status,
  Trends,
} from '@selfheal/shared/protocol';
import type { Api } from './api.js';

/** Everything the dashboard shows, as last read or updated live. */
export interface DashboardData {
  status: Status | null;
  issues: Issue[];
  agents: Agent[];
  decisions: Decision[];
  knowledge: KnowledgeEntry[];
  trends: Trends | null;
  fixes: FixOutcome[];
  calls: ModelCall[];
  escalations: Escalation[];
}

/** Nothing read yet. */
export const EMPTY: DashboardData = {
  status: null,
  issues: [],
  agents: [],
  decisions: [],
  knowledge: [],
  trends: null,
  fixes: [],
  calls: [],
  escalations: [],
};

/** A part of the data read by one call. */
export type Part =
  | 'status'
  | 'issues'
  | 'agents'
  | 'decisions'
  | 'knowledge'
  | 'trends'
  | 'fixes'
  | 'calls';

/** Every part. */
export const ALL_PARTS: readonly Part[] = [
  'status',
  'issues',
  'agents',
  'decisions',
  'knowledge',
  'trends',
  'fixes',
  'calls',
];

/** Reads `part` and answers how it changes the data. */
export async function readPart(api: Api, part: Part): Promise<Partial<DashboardData>> {
  switch (part) {
    case 'status': {
      const status = await api.status();
      return { status, escalations: status.escalations ?? [] };
    }
    case 'issues':
      return { issues: (await api.issues()).issues };
    case 'agents':
      return { agents: (await api.agents()).agents };
    case 'decisions':
      return { decisions: (await api.decisions()).decisions };
    case 'knowledge':
      return { knowledge: (await api.knowledge()).knowledge };
    case 'trends':
      return { trends: await api.trends() };
    case 'fixes':
      return { fixes: (await api.fixes()).fixes };
    case 'calls':
      return { calls: (await api.modelCalls()).calls };
  }
}

function upsert<T>(list: T[], item: T, same: (a: T, b: T) => boolean): T[] {
  const index = list.findIndex((x) => same(x, item));
  if (index < 0) return [item, ...list];
  const next = [...list];
  next[index] = item;
  return next;
}

/** Applies one live update: issues, decisions and escalations change in place at once. */
export function applyUpdate(data: DashboardData, update: DashboardUpdate): DashboardData {
  switch (update.type) {
    case 'issue': {
      const issues = upsert(data.issues, update.issue, (a, b) => a.fingerprint === b.fingerprint);
      issues.sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen));
      return { ...data, issues };
    }
    case 'decision': {
      const decisions = upsert(data.decisions, update.decision, (a, b) => a.id === b.id);
      decisions.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { ...data, decisions };
    }
    case 'escalation':
      return {
        ...data,
        escalations: upsert(data.escalations, update.escalation, (a, b) => a.id === b.id),
      };
    case 'report':
    case 'outcome':
    case 'hello':
      return data;
  }
}

/** The parts derived from what `update` changed, to be read again. */
export function staleAfter(update: DashboardUpdate): Part[] {
  switch (update.type) {
    case 'issue':
      return ['trends', 'status'];
    case 'decision':
      return ['fixes', 'knowledge', 'calls', 'status', 'trends'];
    case 'report':
      return ['agents', 'status', 'fixes'];
    case 'outcome':
      return ['fixes', 'knowledge', 'status', 'trends'];
    case 'escalation':
    case 'hello':
      return [];
  }
}
