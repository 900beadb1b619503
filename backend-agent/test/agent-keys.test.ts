import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, collectorPerSuite, KEY, STORES } from '../../collector/test/harness.js';
import { BackendAgent } from '../src/index.js';
import { freePort, psArgs, type Sidecar, startSidecar } from './sidecar-process.js';
import { adminGet, waitFor } from './support.js';

const NEEDS_SERVICE_KEY = 'a report from a backend agent needs a service key';

/** Makes a key for `service` through the admin API, with its id (to revoke it). */
async function makeKey(base: string, service: string): Promise<{ id: string; key: string }> {
  const res = await fetch(`${base}/api/services/${service}/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

/** The services of the issues the collector holds. */
async function servicesWithIssues(base: string): Promise<Array<string | null>> {
  const { issues } = await adminGet<{ issues: Array<{ service: string | null }> }>(
    base,
    '/api/issues',
  );
  return issues.map((i) => i.service);
}

describe.each(STORES)('agent keys, collector on $name', (store) => {
  const suite = collectorPerSuite(store.create);
  const agents: BackendAgent[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop(500)));
  });

  function agentWith(
    service: string,
    extra: Partial<ConstructorParameters<typeof BackendAgent>[0]>,
  ) {
    const log: string[] = [];
    const agent = new BackendAgent({
      serviceName: service,
      collectorUrl: suite.base,
      builtins: false,
      batchMs: 20,
      pollWaitSeconds: 1,
      captureProcessErrors: false,
      onLog: (line) => log.push(line),
      env: {},
      ...extra,
    }).start();
    agents.push(agent);
    return { agent, log };
  }

  it('with the project key only, warns once at start, and the collector refuses its reports saying why, told once', async () => {
    const service = `legacy-${store.name}`;
    const { agent, log } = agentWith(service, { env: { PROJECT_KEY: KEY } });
    for (let i = 0; i < 3; i++) {
      agent.captureError(new Error(`checkout failed ${i}`));
      await agent.flush();
    }
    await waitFor('a refused poll', () =>
      log.some((l) => l.includes('GET /api/commands answered 403')),
    );
    expect(agent.counters.dropped.rejected).toBe(3);
    expect(agent.counters.eventsSent).toBe(0);
    const warnings = log.filter((l) => l.includes('PROJECT_KEY is set'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `curl -X POST -H "Authorization: Bearer $ADMIN_TOKEN" ${suite.base}/api/services/${service}/keys`,
    );
    // Three refused batches, one line saying why.
    const refusals = log.filter((l) => l.includes('collector answered 403'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain(NEEDS_SERVICE_KEY);
    expect(log.filter((l) => l.includes('GET /api/commands answered 403'))).toHaveLength(1);
    expect(await servicesWithIssues(suite.base)).not.toContain(service);
  });

  it('a revoked service key stops its reports being accepted', async () => {
    const service = `rotated-${store.name}`;
    const { id, key } = await makeKey(suite.base, service);
    const { agent, log } = agentWith(service, { agentKey: key, commands: false });
    agent.captureError(new Error('before the revocation'));
    await agent.flush();
    expect(agent.counters.eventsSent).toBe(1);
    expect(log.filter((l) => l.includes('PROJECT_KEY') || l.includes('403'))).toEqual([]);

    const res = await fetch(`${suite.base}/api/services/${service}/keys/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(res.status).toBe(200);
    agent.captureError(new Error('after the revocation'));
    await agent.flush();
    expect(agent.counters.eventsSent).toBe(1);
    expect(agent.counters.dropped.rejected).toBe(1);
    expect(log.join('\n')).toContain('the key is not valid (unknown or revoked)');
    const { issues } = await adminGet<{
      issues: Array<{ service: string | null; title?: string; count: number }>;
    }>(suite.base, '/api/issues');
    expect(issues.filter((i) => i.service === service).reduce((n, i) => n + i.count, 0)).toBe(1);
  });

  describe('the sidecar', () => {
    let dir: string;
    let sidecar: Sidecar | undefined;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'selfheal-keys-'));
    });
    afterAll(async () => {
      await sidecar?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const args = async (service: string, extra: string[] = []) => [
      '--service',
      service,
      '--collector',
      suite.base,
      '--check',
      `api:tcp=127.0.0.1:${await freePort()}`,
      '--threshold',
      '1',
      '--interval',
      '0.2',
      '--no-auto-fix',
      ...extra,
    ];

    it('with PROJECT_KEY only, says once that it needs a service key and shows the 403 reason', async () => {
      const service = `legacy-sidecar-${store.name}`;
      sidecar = startSidecar(await args(service), { PROJECT_KEY: KEY });
      expect(psArgs(sidecar.proc.pid)).not.toContain(KEY);
      await waitFor('the refusal', () => sidecar?.output().includes(NEEDS_SERVICE_KEY));
      const output = sidecar.output();
      expect(output.match(/PROJECT_KEY is set/g)).toHaveLength(1);
      expect(output).toContain(`${suite.base}/api/services/${service}/keys`);
      expect(await sidecar.stop()).toBe(0);
      expect(await servicesWithIssues(suite.base)).not.toContain(service);
    });

    it('with SELFHEAL_AGENT_KEY, reports, and keeps the key out of argv and its children', async () => {
      const service = `keyed-sidecar-${store.name}`;
      const { key } = await makeKey(suite.base, service);
      const seen = join(dir, 'child-env');
      sidecar = startSidecar(
        await args(service, [
          '--spawn',
          `echo "key=\${SELFHEAL_AGENT_KEY:-none}" > "${seen}"; exec sleep 60`,
        ]),
        { SELFHEAL_AGENT_KEY: key },
      );
      expect(psArgs(sidecar.proc.pid)).not.toContain(key);
      await waitFor('the fault to be stored', async () =>
        (await servicesWithIssues(suite.base)).includes(service),
      );
      const fault = await waitFor('the child', () => readFileSync(seen, 'utf8'));
      expect(fault).toBe('key=none\n');
      expect(sidecar.output()).not.toMatch(/403|PROJECT_KEY/);
      expect(await sidecar.stop()).toBe(0);
    });
  });
});
