import { describe, expect, it } from 'vitest';
import {
  ack,
  decisions,
  fixOutcome,
  healthFault,
  poll,
  sendBackend,
  settle,
  testClock,
} from './decide-helpers.js';
import { adminGet, collectorPerSuite, STORES } from './harness.js';

describe.each(STORES)('status on $name', ({ create }) => {
  const clock = testClock();
  const suite = collectorPerSuite(create, decisions(), () => ({ clock }));
  const status = () => adminGet(suite.base, '/api/status');

  it('counts fixes from judged outcomes only and lists the decisions behind them', async () => {
    expect(await status()).toMatchObject({
      fixSuccessRate: null,
      totalFixes: 0,
      recentDecisions: [],
    });

    const fault = healthFault('db_down', 'orders-db');
    await sendBackend(suite.base, 'orders', [fault]);
    await settle(suite.collector);
    const [command] = (await poll(suite.base, 'orders', 5)).body.commands;
    expect(command).toMatchObject({ strategy: 'reconnect_database' });
    await ack(suite.base, 'orders', command.id);
    await sendBackend(suite.base, 'orders', [
      fixOutcome({
        strategy: 'reconnect_database',
        fingerprint: fault.fingerprint,
        success: true,
        commandId: command.id,
      }),
      // A fix of a fault this service never reported teaches nothing and is no fix.
      fixOutcome({ strategy: 'restart_service', fingerprint: 'fp-never-seen', success: true }),
    ]);
    await settle(suite.collector);
    // A success still in its verification window is not judged yet.
    const waiting = await status();
    expect(waiting).toMatchObject({ fixSuccessRate: null, totalFixes: 0 });
    expect(waiting.recentDecisions).toHaveLength(1);
    expect(waiting.recentDecisions[0]).toMatchObject({
      fingerprint: fault.fingerprint,
      status: 'dispatched',
    });

    clock.advance(61_000);
    await settle(suite.collector);
    const verified = await status();
    expect(verified).toMatchObject({ fixSuccessRate: 1, totalFixes: 1 });
    expect(verified.recentDecisions[0]).toMatchObject({
      fingerprint: fault.fingerprint,
      status: 'succeeded',
    });

    // A reported failure is judged at once and counts against the rate.
    await sendBackend(suite.base, 'orders', [
      fixOutcome({
        strategy: 'reconnect_database',
        fingerprint: fault.fingerprint,
        success: false,
        local: true,
      }),
    ]);
    await settle(suite.collector);
    expect(await status()).toMatchObject({ fixSuccessRate: 0.5, totalFixes: 2 });
  });
});
