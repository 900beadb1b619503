import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { settle, testClock } from '../../collector/test/decide-helpers.js';
import { adminGet, collectorPerSuite, STORES, serviceKey } from '../../collector/test/harness.js';
import { BackendAgent } from '../src/index.js';
import { postgresHelper } from '../src/postgres.js';
import { issueDetail, storedOutcome, waitFor } from './support.js';

const DB_URL = process.env.TEST_DATABASE_URL;

describe.skipIf(!DB_URL).each(STORES)(
  'database connections killed, collector on $name',
  (store) => {
    const clock = testClock();
    const suite = collectorPerSuite(store.create, {}, () => ({ clock }));
    const admin = postgres(DB_URL as string, { max: 1, onnotice: () => {} });
    afterAll(() => admin.end());

    it('detects db_down, reconnects, verifies the check passes and the collector stores the outcome', async () => {
      const app = `selfheal-svc-${store.name}-${Date.now()}`;
      const db = postgresHelper({
        url: DB_URL as string,
        options: { max: 2, connection: { application_name: app } },
        // Session state a killed connection loses; the fix must set it up again.
        session: (session) => session`select set_config('app.role', 'writer', false)`,
      });
      await db.ready;
      const agent = new BackendAgent({
        serviceName: `orders-${store.name}`,
        collectorUrl: suite.base,
        agentKey: await serviceKey(suite.base, `orders-${store.name}`),
        checkInterval: 0.2,
        builtins: false,
        checks: [db.check],
        fixes: { reconnect_database: db.reconnect },
        batchMs: 100,
        commands: false,
        env: {},
      }).start();
      try {
        await waitFor('the first check round', () => agent.status().checks[0]?.status === 'pass');
        const fingerprint = agent.status().checks[0]?.fingerprint as string;

        const killed =
          await admin`select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = ${app}`;
        expect(killed.length).toBeGreaterThan(0);

        const outcome = await storedOutcome(suite.base, fingerprint, (d) => d.success === true);
        expect(outcome.data).toMatchObject({
          strategy: 'reconnect_database',
          fingerprint,
          kind: 'db_down',
          success: true,
          verifiedBy: 'db',
          local: true,
        });
        // No db_down within the verification window: the collector learns the fix worked.
        await settle(suite.collector);
        clock.advance(61_000);
        await settle(suite.collector);
        const { knowledge } = await adminGet(suite.base, `/api/knowledge?pattern=${fingerprint}`);
        expect(knowledge).toContainEqual(
          expect.objectContaining({ strategy: 'reconnect_database', successes: 1 }),
        );
        const detail = await issueDetail(suite.base, fingerprint);
        expect(detail?.issue.kind).toBe('db_down');
        const types = detail?.events.map(
          (e) => `${e.type}:${String(e.data?.status ?? e.data?.success ?? '')}`,
        );
        expect(types).toContain('health_check:fail');
        expect(types).toContain('fix_attempt:');
        expect(types).toContain('health_check:pass');
        // The service's session works again after the fix.
        expect(db.session).not.toBeNull();
        const [row] =
          await (db.session as postgres.ReservedSql)`select current_setting('app.role') as role`;
        expect(row?.role).toBe('writer');
      } finally {
        await agent.stop();
        await db.close();
      }
    });
  },
);
