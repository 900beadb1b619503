import type { DashboardUpdate } from '@selfheal/shared/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { CommandChannel } from '../commands/channel.js';
import type { CommandRow } from '../commands/store.js';
import type { DecisionConfig } from '../config.js';
import type { Db } from '../db/database.js';
import type { Escalator } from '../escalate/webhook.js';
import type { Metrics } from '../metrics.js';
import { type DecisionRow, toDecision } from '../store/decisions.js';

/** What the decision loop's steps share. */
export interface LoopContext {
  db: Db;
  clock: Clock;
  config: DecisionConfig;
  channel: CommandChannel;
  escalator: Escalator;
  metrics: Metrics;
  logger: Logger;
  /** This collector's id, for claims. */
  instance: string;
  /** Folds pending issue figures into their rows, so the loop reads the issues it is handed. */
  foldPending(): Promise<void>;
  /** Called after a page command is stored, so the report route hands it out at once. */
  onPageCommand(row: CommandRow): void;
}

/** The live update of a decision. */
export const decisionUpdate = (row: DecisionRow): DashboardUpdate => ({
  type: 'decision',
  project: row.projectId,
  decision: toDecision(row),
});
