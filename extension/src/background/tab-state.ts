import { classify, fingerprint, isFaultEvent } from '@selfheal/shared';
import type {
  Event as AgentEvent,
  AgentStatus,
  FaultGroup,
  FixRecord,
  TabState,
} from '@selfheal/shared/protocol';

/** Most fault groups and fixes kept per tab; the least recent go first. */
export const TAB_LIMITS = { faults: 200, fixes: 200, title: 300 } as const;

/** A tab nothing has been seen in yet. */
export function emptyTabState(tabId: number, url = ''): TabState {
  return {
    tabId,
    sessionId: '',
    url,
    agentConnected: false,
    updatedAt: Date.now(),
    faults: [],
    fixes: [],
    status: null,
    statusAt: null,
    reports: { sent: 0, failed: 0, events: 0, dropped: 0, lastError: null },
  };
}

function titleOf(event: AgentEvent): string {
  const first = (event.message ?? '').split('\n')[0] ?? '';
  return (first || event.type).slice(0, TAB_LIMITS.title);
}

function recordFault(state: TabState, event: AgentEvent): void {
  const classified = event.kind ? null : classify(event);
  const kind = event.kind ?? classified?.kind ?? 'unknown';
  const print = event.fingerprint ?? fingerprint({ ...event, kind });
  const existing = state.faults.find((f) => f.fingerprint === print);
  if (existing) {
    existing.count += 1;
    existing.lastSeen = Math.max(existing.lastSeen, event.timestamp);
    existing.title = titleOf(event);
    return;
  }
  const group: FaultGroup = {
    fingerprint: print,
    type: event.type,
    kind,
    severity: event.severity ?? classified?.severity ?? classify(event).severity,
    title: titleOf(event),
    count: 1,
    firstSeen: event.timestamp,
    lastSeen: event.timestamp,
  };
  state.faults.push(group);
  if (state.faults.length > TAB_LIMITS.faults) {
    state.faults.sort((a, b) => b.lastSeen - a.lastSeen);
    state.faults.length = TAB_LIMITS.faults;
  }
}

/** Why a fix ran, in words, from its attempt event and the fault it answers. */
export function reasonFor(data: Record<string, unknown>, fault: FaultGroup | undefined): string {
  const what = fault ? `${fault.kind} "${fault.title}" (seen ${fault.count}×)` : 'a fault';
  if (typeof data.commandId === 'string') {
    const decision = typeof data.decisionId === 'string' ? ` ${data.decisionId}` : '';
    return `The collector recommended it (decision${decision}) for ${what}.`;
  }
  return `The agent chose it on the spot for ${what}.`;
}

function recordFix(state: TabState, event: AgentEvent): void {
  if (event.type !== 'fix_attempt' && event.type !== 'fix_outcome') return;
  const data = event.data as Record<string, unknown> & { strategy: string; fingerprint: string };
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
  const open = [...state.fixes]
    .reverse()
    .find(
      (f) =>
        f.success === null &&
        f.fingerprint === data.fingerprint &&
        f.strategy === data.strategy &&
        (text('commandId') === undefined || f.commandId === text('commandId')),
    );
  if (event.type === 'fix_outcome' && open) {
    open.endedAt = event.timestamp;
    open.success = data.success === true;
    open.verifiedBy = text('verifiedBy');
    open.detail = text('detail') ?? event.message;
    return;
  }
  const fault = state.faults.find((f) => f.fingerprint === data.fingerprint);
  const record: FixRecord = {
    id: event.id,
    fingerprint: data.fingerprint,
    strategy: data.strategy,
    kind: event.kind ?? fault?.kind,
    startedAt: event.timestamp,
    success: event.type === 'fix_outcome' ? data.success === true : null,
    commandId: text('commandId'),
    decisionId: text('decisionId'),
    local: typeof data.local === 'boolean' ? data.local : undefined,
    reason: reasonFor(data, fault),
  };
  if (event.type === 'fix_outcome') {
    record.endedAt = event.timestamp;
    record.verifiedBy = text('verifiedBy');
    record.detail = text('detail') ?? event.message;
  }
  state.fixes.push(record);
  if (state.fixes.length > TAB_LIMITS.fixes)
    state.fixes.splice(0, state.fixes.length - TAB_LIMITS.fixes);
}

/** Adds what an agent saw or did to the tab's state (in place). */
export function applyEvent(state: TabState, event: AgentEvent): void {
  if (isFaultEvent(event.type)) recordFault(state, event);
  else recordFix(state, event);
  state.updatedAt = Date.now();
}

/** Records the agent's latest counters and health (in place). */
export function applyStatus(state: TabState, status: AgentStatus): void {
  state.status = status;
  state.statusAt = Date.now();
  state.updatedAt = state.statusAt;
}
