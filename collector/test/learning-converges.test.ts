import { randomUUID } from 'node:crypto';
import type { ErrorKind, StrategyName } from '@selfheal/shared';
import { describe, expect, it } from 'vitest';
import { decide } from '../src/decide/engine.js';
import { answer, DEFAULT_POLICY, issueInput, seededRandom } from '../src/decide/fixtures.js';
import type { ModelPort } from '../src/decide/types.js';
import { readKnowledge } from '../src/loop/learn.js';
import {
  decisions,
  fixOutcome,
  healthFault,
  sendBackend,
  settle,
  testClock,
} from './decide-helpers.js';
import { collectorPerSuite, STORES } from './harness.js';

const WINDOW_MS = 60_000;
/** How often each strategy really fixes the fault. */
const WORKS: Partial<Record<StrategyName, number>> = {
  reconnect_database: 0.9,
  restart_service: 0.3,
};
const GOOD: StrategyName = 'reconnect_database';
const LEARNING_INCIDENTS = 20;
const INCIDENTS = 60;
/** The share of decisions after the first LEARNING_INCIDENTS that must pick the better strategy. */
const REQUIRED_SHARE = 0.9;

/** A model that knows nothing: it names either strategy at random, so both get tried. */
function coinModel(random: () => number): ModelPort {
  return {
    model: 'coin',
    async suggest() {
      const strategy = random() < 0.5 ? 'reconnect_database' : 'restart_service';
      const params = {
        baseDelayMs: null,
        cacheName: null,
        graceMs: null,
        maxAttempts: null,
        name: null,
        replicas: null,
        src: null,
      };
      return {
        content: answer({ strategy, target: 'service', params, confidence: 0.6 }),
        model: 'coin',
        promptTokens: 0,
        completionTokens: 0,
        cached: false,
      };
    },
  };
}

/** `n` events of faults the service already had before any fix, spread over `fingerprints`. */
function noise(n: number, fingerprints: string[], random: () => number) {
  return Array.from({ length: n }, () => ({
    id: `n-${randomUUID()}`,
    type: 'error',
    severity: 'high',
    fingerprint: fingerprints[Math.floor(random() * fingerprints.length)],
    message: 'Error: unrelated',
    timestamp: Date.now(),
  }));
}

describe.each(STORES)('learning on $name', ({ name, create }) => {
  const clock = testClock();
  const suite = collectorPerSuite(create, decisions({ verifyWindowMs: WINDOW_MS }), () => ({
    clock,
  }));

  /** Runs INCIDENTS incidents of one fault on a fresh service; answers the strategy chosen for each. */
  async function run(seed: number, kind: string): Promise<StrategyName[]> {
    const choose = seededRandom(seed);
    const world = seededRandom(seed + 1);
    const service = `db-${randomUUID().slice(0, 8)}`;
    const fingerprint = `fp-${kind}-${randomUUID().slice(0, 8)}`;
    const fault = { ...healthFault(kind, 'db'), fingerprint };
    const background = [1, 2, 3].map((i) => `fp-bg-${i}-${service}`);
    const model = coinModel(choose);
    await sendBackend(suite.base, service, noise(10, background, world));
    const chosen: StrategyName[] = [];
    for (let incident = 0; incident < INCIDENTS; incident++) {
      clock.advance(5 * 60_000);
      // Unrelated faults rise and fall at random around each fix.
      await sendBackend(
        suite.base,
        service,
        noise(1 + Math.floor(world() * 20), background, world),
      );
      clock.advance(1_000);
      await sendBackend(suite.base, service, [{ ...fault, id: `hc-${randomUUID()}` }]);
      const { records, blocked } = await readKnowledge(
        suite.collector.database.db,
        { project: 'default', fingerprint, kind: kind as ErrorKind },
        clock.now(),
      );
      const draft = await decide(
        issueInput({ fingerprint, kind: kind as ErrorKind, target: 'service', service }),
        { knowledge: records, blocked, policy: DEFAULT_POLICY, model, random: choose },
      );
      chosen.push(draft.strategy);
      clock.advance(1_000);
      // The agent's own check passed each time; only the fault's return tells a real fix apart.
      await sendBackend(suite.base, service, [
        fixOutcome({ strategy: draft.strategy, fingerprint, success: true, local: true }),
      ]);
      clock.advance(1_000);
      const after = noise(1 + Math.floor(world() * 20), background, world);
      if (world() >= (WORKS[draft.strategy] ?? 0))
        after.push({ ...fault, id: `hc-${randomUUID()}` });
      await sendBackend(suite.base, service, after);
      clock.advance(WINDOW_MS + 1_000);
      await settle(suite.collector);
    }
    return chosen;
  }

  it('picks the strategy that really works in at least 90% of decisions after 20 incidents, under background faults', async () => {
    const chosen = await run(name === 'pglite' ? 11 : 23, 'db_down');
    const later = chosen.slice(LEARNING_INCIDENTS);
    const share = later.filter((s) => s === GOOD).length / later.length;
    expect(
      share,
      `chose ${GOOD} in ${share} of decisions: ${chosen.join(' ')}`,
    ).toBeGreaterThanOrEqual(REQUIRED_SHARE);
  }, 120_000);
});
