import type { Logger } from 'pino';
import { type Clock, systemClock } from '../clock.js';
import { type CommandChannel, createCommandChannel } from '../commands/channel.js';
import { createRecommendations, type Recommendations } from '../commands/recommend.js';
import type { CollectorConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { createModelGuard } from '../decide/guard.js';
import type { ModelPort } from '../decide/types.js';
import { createEscalator } from '../escalate/webhook.js';
import type { Metrics } from '../metrics.js';
import { createDecisionLoop, type DecisionLoop } from './loop.js';

/** How long a model answer is reused for the same issue. */
const MODEL_CACHE_MS = 15 * 60_000;

/** The acting side of a collector: the loop, the command channel and the recommendations. */
export interface Acting {
  decisions: DecisionLoop;
  /** What the app's routes need from it. */
  routes: {
    loop: DecisionLoop;
    channel: CommandChannel;
    recommendations: Recommendations;
    clock: Clock;
  };
  /** Releases the long polls waiting on the channel. */
  close(): Promise<void>;
}

/** Builds the decision loop and what it acts through, over an open store. */
export async function createActing(deps: {
  config: CollectorConfig;
  database: Database;
  metrics: Metrics;
  logger: Logger;
  instance: string;
  model?: ModelPort;
  clock?: Clock;
  /** Brings issue figures up to date (they are folded in the background). */
  foldPending(): Promise<void>;
}): Promise<Acting> {
  const clock = deps.clock ?? systemClock;
  const db = deps.database.db;
  const config = deps.config.decisions;
  const channel = await createCommandChannel(deps.database);
  const recommendations = createRecommendations(db, clock);
  const escalator = createEscalator({
    db,
    url: () => config.escalationWebhookUrl,
    batchMs: () => config.escalationBatchMs,
    clock,
    logger: deps.logger,
    onSent: (ok, count) =>
      deps.metrics.inc('selfheal_escalations_total', { status: ok ? 'sent' : 'failed' }, count),
  });
  const model = deps.model
    ? createModelGuard(deps.model, {
        maxCallsPerHour: config.llmMaxCallsPerHour,
        maxCallsPerMinutePerProject: config.llmMaxCallsPerMinute,
        cacheTtlMs: MODEL_CACHE_MS,
        clock: () => clock.now(),
      })
    : undefined;
  const loop = createDecisionLoop(
    {
      db,
      clock,
      config,
      channel,
      escalator,
      metrics: deps.metrics,
      logger: deps.logger,
      instance: deps.instance,
      foldPending: deps.foldPending,
      onPageCommand: (row) => recommendations.added(row),
    },
    model,
  );
  return {
    decisions: loop,
    routes: { loop, channel, recommendations, clock },
    async close() {
      await recommendations.close();
      await channel.close();
    },
  };
}
