/**
 * Where a decision stands, and what each status means: the one table the decision schema, the
 * collector's store and loop, and the panel read. Zod-free.
 */

/** Every status a decision can be in. */
export const DECISION_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'dispatched',
  'succeeded',
  'failed',
  'rolled_back',
  'expired',
  'recorded',
  'superseded',
] as const;
/** Where a decision stands. */
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

/** What a status means for the decision in it. */
export interface DecisionStatusRule {
  /** Still open: reused for its fingerprint, at most one per fingerprint. */
  open: boolean;
  /** Waiting for a person: the only statuses that offer Approve and Reject. */
  awaitsPerson: boolean;
  /** Went ahead (approved, or applied without a person): approving it again changes nothing. */
  wentAhead: boolean;
}

/** What each status means. */
export const DECISION_STATUS_RULES: Readonly<Record<DecisionStatus, DecisionStatusRule>> = {
  pending: { open: true, awaitsPerson: true, wentAhead: false },
  approved: { open: true, awaitsPerson: false, wentAhead: true },
  rejected: { open: false, awaitsPerson: false, wentAhead: false },
  dispatched: { open: true, awaitsPerson: false, wentAhead: true },
  succeeded: { open: false, awaitsPerson: false, wentAhead: true },
  failed: { open: false, awaitsPerson: false, wentAhead: true },
  rolled_back: { open: false, awaitsPerson: false, wentAhead: true },
  expired: { open: false, awaitsPerson: false, wentAhead: false },
  recorded: { open: true, awaitsPerson: false, wentAhead: true },
  /**
   * An agent fixed the fault on its own, verified, while the decision waited for a person or
   * before its command arrived (the agent then ran nothing).
   */
  superseded: { open: false, awaitsPerson: false, wentAhead: false },
};

/** The statuses of an open decision (reused for its fingerprint). */
export const OPEN_DECISION_STATUSES: readonly DecisionStatus[] = DECISION_STATUSES.filter(
  (status) => DECISION_STATUS_RULES[status].open,
);

/** The statuses in which a person may approve or reject a decision. */
export const DECIDABLE_DECISION_STATUSES: readonly DecisionStatus[] = DECISION_STATUSES.filter(
  (status) => DECISION_STATUS_RULES[status].awaitsPerson,
);

/** True when a decision in `status` waits for a person to approve or reject it. */
export function awaitsPerson(status: DecisionStatus): boolean {
  return DECISION_STATUS_RULES[status].awaitsPerson;
}
