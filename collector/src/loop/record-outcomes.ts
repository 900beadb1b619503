import { randomUUID } from 'node:crypto';
import {
  type ErrorKind,
  FAULT_EVENT_TYPES,
  isErrorKind,
  PROMISE_SCOPE,
  STRATEGY_PROMISES,
  strategyFits,
} from '@selfheal/shared';
import {
  type AgentType,
  type FixOutcomeData,
  fixOutcomeDataSchema,
} from '@selfheal/shared/protocol';
import { and, gt, inArray, or, sql } from 'drizzle-orm';
import { type Db, executeOn } from '../db/database.js';
import { commands, events, issues, outcomes } from '../db/schema.js';
import type { InboxRow } from '../store/inbox.js';
import { insertFrom, type RecordsetShape, recordset } from '../store/recordset.js';

/**
 * A `fix_outcome` event as the learning side reads it. `agent` and `service` are what the key
 * said (a backend outcome came with its service's key), never what the body claimed.
 */
export interface ReportedOutcome {
  project: string;
  eventId: string;
  agent: AgentType;
  service: string | null;
  /** The page session that sent it (page outcomes). */
  sessionId: string | null;
  receivedAt: Date;
  /** The event's `data`, read with the protocol's own schema. */
  data: FixOutcomeData;
}

/** Why a reported outcome was not stored to teach. */
export type RefusedOutcome =
  | 'invalid'
  | 'not_a_page_strategy'
  | 'no_session'
  | 'session_already_counted'
  | 'command_of_another_service'
  | 'fingerprint_not_reported_by_service'
  | 'rollback'
  /** The agent ran nothing: its own fix had already healed the fault (`alreadyFixedBy`). */
  | 'already_fixed';

/** A command its agent answered without running it: its own fix had already healed the fault. */
export interface MootCommand {
  project: string;
  decisionId: string;
  /** The service that answered. */
  service: string | null;
  /** The strategy that had fixed it. */
  fixedBy: string;
  detail: string | null;
}

/**
 * Stores the reported fix outcomes among `rows` to be verified: a reported success of a fix whose
 * promise is watched on its target waits out `windowMs` (the fingerprint must not come back); a
 * retry's success (the agent saw the answer) and every reported failure are due at once. A
 * resent event is stored once. Links the outcome to its command and decision when the project
 * has them.
 */
export async function recordOutcomes(
  db: Db,
  rows: InboxRow[],
  windowMs: number,
): Promise<{ stored: number; refused: RefusedOutcome[]; moot: MootCommand[] }> {
  const refused: RefusedOutcome[] = [];
  const moot: MootCommand[] = [];
  const valid: ReportedOutcome[] = [];
  for (const row of rows) {
    if (row.type !== 'fix_outcome') continue;
    const reported = reportedOf(row);
    if (reported) valid.push(reported);
    else refused.push('invalid');
  }
  if (valid.length === 0) return { stored: 0, refused, moot };
  const commandIds = [
    ...new Set(valid.map((o) => o.data.commandId).filter((id) => id !== undefined)),
  ];
  const known = commandIds.length
    ? await db
        .select({
          id: commands.id,
          project: commands.projectId,
          decisionId: commands.decisionId,
          target: commands.target,
          service: commands.service,
        })
        .from(commands)
        .where(inArray(commands.id, commandIds))
    : [];
  const fingerprints = [...new Set(valid.map((o) => o.data.fingerprint))];
  const kinds = await db
    .select({ project: issues.projectId, fingerprint: issues.fingerprint, kind: issues.kind })
    .from(issues)
    .where(inArray(issues.fingerprint, fingerprints));
  const kindOf = (o: ReportedOutcome): ErrorKind => {
    const issueKind = kinds.find(
      (k) => k.project === o.project && k.fingerprint === o.data.fingerprint,
    )?.kind;
    return o.data.kind ?? (isErrorKind(issueKind) ? issueKind : 'unknown');
  };
  const teaching = await mayTeach(db, valid, known, kindOf, windowMs, refused, moot);
  const stored = teaching.map(({ outcome: o, command }) => {
    const { fingerprint, strategy, success } = o.data;
    const kind = kindOf(o);
    const watched = PROMISE_SCOPE[STRATEGY_PROMISES[strategy]] !== 'none';
    return {
      id: randomUUID(),
      projectId: o.project,
      eventId: o.eventId,
      decisionId: command?.decisionId ?? null,
      commandId: command?.id ?? null,
      fingerprint,
      kind,
      strategy,
      service: o.service,
      sessionId: o.agent === 'frontend' ? o.sessionId : null,
      local: o.data.local === true || !command,
      mayHold: o.agent === 'backend',
      reportedSuccess: success,
      status: 'verifying' as const,
      verifiedBy: o.data.verifiedBy?.slice(0, 200) || null,
      detail: o.data.detail?.slice(0, 1_000) || null,
      reportedAt: o.receivedAt,
      verifyAt: new Date(o.receivedAt.getTime() + (success && watched ? windowMs : 0)),
    };
  });
  if (stored.length === 0) return { stored: 0, refused, moot };
  // As one JSON parameter: building a statement of twenty parameters per row cost more CPU than
  // the insert itself.
  const inserted = await executeOn(db)<{ id: string }>(sql`
    ${insertFrom(OUTCOME_ROWS, recordset(OUTCOME_ROWS, stored))}
    on conflict do nothing returning id`);
  return { stored: inserted.length, refused, moot };
}

const OUTCOME_ROWS = {
  table: outcomes,
  keys: [
    'id',
    'projectId',
    'eventId',
    'decisionId',
    'commandId',
    'fingerprint',
    'kind',
    'strategy',
    'service',
    'sessionId',
    'local',
    'mayHold',
    'reportedSuccess',
    'status',
    'verifiedBy',
    'detail',
    'reportedAt',
    'verifyAt',
  ],
} as const satisfies RecordsetShape;

type KnownCommand = {
  id: string;
  project: string;
  decisionId: string;
  target: string;
  service: string | null;
};

/**
 * The outcomes that may teach, each with the command it answers. A backend outcome teaches
 * only when it answers a command issued to its own service, or is a local fix of a fingerprint
 * that service itself reported. A page outcome teaches page strategies only, once per session
 * and fingerprint, and one session moves a kind's record at most once per window. A backend
 * answer that ran nothing because the agent's own fix had healed the fault teaches nothing; its
 * command's decision is listed in `moot`.
 */
async function mayTeach(
  db: Db,
  valid: ReportedOutcome[],
  known: KnownCommand[],
  kindOf: (o: ReportedOutcome) => ErrorKind,
  windowMs: number,
  refused: RefusedOutcome[],
  moot: MootCommand[],
): Promise<Array<{ outcome: ReportedOutcome; command: KnownCommand | undefined }>> {
  const kept: Array<{ outcome: ReportedOutcome; command: KnownCommand | undefined }> = [];
  const sessionsSeen = new Set<string>();
  const taught = await sessionsTaught(db, valid, kindOf, windowMs);
  const reported = await reportedByServices(db, valid);
  for (const o of valid) {
    // Undoing a fix is not another run of it: it teaches nothing about the strategy.
    if (o.data.rollback === true) {
      refused.push('rollback');
      continue;
    }
    const { fingerprint, strategy } = o.data;
    const command = known.find((c) => c.id === o.data.commandId && c.project === o.project);
    if (o.agent === 'frontend') {
      if (!strategyFits(strategy, 'page')) {
        refused.push('not_a_page_strategy');
        continue;
      }
      if (!o.sessionId) {
        refused.push('no_session');
        continue;
      }
      const kind = kindOf(o);
      const sessionKey = `${o.project}\u0000${o.sessionId}`;
      if (
        sessionsSeen.has(`${sessionKey}\u0000f\u0000${fingerprint}`) ||
        sessionsSeen.has(`${sessionKey}\u0000k\u0000${kind}`) ||
        sessionCounted(taught, o, fingerprint, kind, windowMs)
      ) {
        refused.push('session_already_counted');
        continue;
      }
      sessionsSeen.add(`${sessionKey}\u0000f\u0000${fingerprint}`);
      sessionsSeen.add(`${sessionKey}\u0000k\u0000${kind}`);
      kept.push({ outcome: o, command: command?.target === 'page' ? command : undefined });
      continue;
    }
    if (command) {
      if (command.target !== 'service' || command.service !== o.service) {
        refused.push('command_of_another_service');
        continue;
      }
      if (o.data.alreadyFixedBy) {
        refused.push('already_fixed');
        moot.push({
          project: o.project,
          decisionId: command.decisionId,
          service: o.service,
          fixedBy: o.data.alreadyFixedBy,
          detail: o.data.detail ?? null,
        });
        continue;
      }
      kept.push({ outcome: o, command });
      continue;
    }
    if (
      o.data.commandId !== undefined ||
      !reported.has(serviceFaultKey({ projectId: o.project, service: o.service, fingerprint }))
    ) {
      refused.push(
        o.data.commandId !== undefined
          ? 'command_of_another_service'
          : 'fingerprint_not_reported_by_service',
      );
      continue;
    }
    kept.push({ outcome: o, command: undefined });
  }
  return kept;
}

const sessionKeyOf = (project: string, session: string) => `${project}\u0000${session}`;

type Taught = Map<string, Array<{ fingerprint: string; kind: string; reportedAt: Date }>>;

/**
 * What the page sessions among `valid` have already taught about these outcomes' fingerprints,
 * or lately about their kinds, by project and session: one read for a whole inbox chunk, where
 * there was one per page outcome.
 */
async function sessionsTaught(
  db: Db,
  valid: ReportedOutcome[],
  kindOf: (o: ReportedOutcome) => ErrorKind,
  windowMs: number,
): Promise<Taught> {
  const taught: Taught = new Map();
  const pages = valid.filter((o) => o.agent === 'frontend' && o.sessionId);
  if (pages.length === 0) return taught;
  const since = Math.min(...pages.map((o) => o.receivedAt.getTime())) - windowMs;
  const rows = await db
    .select({
      project: outcomes.projectId,
      session: outcomes.sessionId,
      fingerprint: outcomes.fingerprint,
      kind: outcomes.kind,
      reportedAt: outcomes.reportedAt,
    })
    .from(outcomes)
    .where(
      and(
        inArray(outcomes.projectId, [...new Set(pages.map((o) => o.project))]),
        inArray(outcomes.sessionId, [...new Set(pages.map((o) => o.sessionId as string))]),
        or(
          inArray(outcomes.fingerprint, [...new Set(pages.map((o) => o.data.fingerprint))]),
          and(
            inArray(outcomes.kind, [...new Set(pages.map(kindOf))]),
            gt(outcomes.reportedAt, new Date(since)),
          ),
        ),
      ),
    );
  for (const row of rows) {
    if (!row.session) continue;
    const key = sessionKeyOf(row.project, row.session);
    const list = taught.get(key) ?? [];
    list.push(row);
    taught.set(key, list);
  }
  return taught;
}

/** True when this page session already taught about the fingerprint, or about its kind lately. */
function sessionCounted(
  taught: Taught,
  o: ReportedOutcome,
  fingerprint: string,
  kind: ErrorKind,
  windowMs: number,
): boolean {
  const since = o.receivedAt.getTime() - windowMs;
  return (taught.get(sessionKeyOf(o.project, o.sessionId as string)) ?? []).some(
    (t) => t.fingerprint === fingerprint || (t.kind === kind && t.reportedAt.getTime() > since),
  );
}

const SERVICE_FAULT_ROWS = {
  table: events,
  keys: ['projectId', 'service', 'fingerprint'],
} as const satisfies RecordsetShape;

const serviceFaultKey = (f: { projectId: string; service: string | null; fingerprint: string }) =>
  `${f.projectId}\u0000${f.service}\u0000${f.fingerprint}`;

/**
 * Which local fixes among `valid` (backend outcomes naming no command) are of a fingerprint
 * their own service reported, by `serviceFaultKey`: one read for the whole chunk, where there
 * was one per outcome.
 */
async function reportedByServices(db: Db, valid: ReportedOutcome[]): Promise<Set<string>> {
  const asked = new Map<string, { projectId: string; service: string; fingerprint: string }>();
  for (const o of valid) {
    if (o.agent !== 'backend' || !o.service || o.data.commandId !== undefined) continue;
    const fault = { projectId: o.project, service: o.service, fingerprint: o.data.fingerprint };
    asked.set(serviceFaultKey(fault), fault);
  }
  if (asked.size === 0) return new Set();
  const rows = await executeOn(db)<{ projectId: string; service: string; fingerprint: string }>(sql`
    select x."projectId", x."service", x."fingerprint"
    from ${recordset(SERVICE_FAULT_ROWS, [...asked.values()])}
    where exists (
      select 1 from ${events}
      where ${events.projectId} = x."projectId" and ${events.fingerprint} = x."fingerprint"
        and ${events.agent} = 'backend' and ${events.service} = x."service"
        and ${inArray(events.type, [...FAULT_EVENT_TYPES])})`);
  return new Set(rows.map(serviceFaultKey));
}

/** The reported outcome an inbox row carries. */
function reportedOf(row: InboxRow): ReportedOutcome | undefined {
  const data = fixOutcomeDataSchema.safeParse(row.data);
  if (!data.success) return undefined;
  return {
    project: row.projectId,
    eventId: row.eventId,
    agent: row.agent,
    service: row.service,
    sessionId: row.sessionId,
    receivedAt: row.receivedAt,
    data: data.data,
  };
}
