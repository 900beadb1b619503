import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/src/collector.js';
import {
  ADMIN,
  adminGet,
  KEY,
  pgliteTarget,
  type StoreTarget,
  startCollector,
} from '../../collector/test/harness.js';
import { type ExtensionBrowser, eventually, HAS_CHROMIUM, launchWithExtension } from './browser.js';
import { type FixtureServer, startFixtures } from './fixtures.js';
import { HOOKED_FAULT } from './hooked-page.js';

type Issue = { fingerprint: string; type: string; title: string; service: string | null };
type Agent = { agent: string; service: string | null; hostname: string | null };
type Detail = { events: Array<{ agent: string; service: string | null; type: string }> };

/**
 * Records, inside the content script's isolated world, the nonce of each bridge message the relay
 * serializes or parses: the real nonce, to look for among what the page's hooks saw.
 */
async function watchRelayNonces(cdp: CDPSession): Promise<() => Promise<string[]>> {
  const contexts: Array<{ id: number; name: string; auxData?: { type?: string } }> = [];
  cdp.on('Runtime.executionContextCreated', ({ context }) => contexts.push(context));
  await cdp.send('Runtime.enable');
  const relay = contexts.find((c) => c.auxData?.type === 'isolated' && c.name === 'Selfheal');
  if (!relay) throw new Error(`no Selfheal content script among ${JSON.stringify(contexts)}`);
  const expression = `(() => {
    const seen = (globalThis.__nonces = []);
    const { stringify, parse } = JSON;
    const keep = (v) => { if (v && typeof v.nonce === 'string') seen.push(v.nonce); return v; };
    JSON.stringify = (v, ...rest) => stringify(keep(v), ...rest);
    JSON.parse = (t, ...rest) => keep(parse(t, ...rest));
  })()`;
  await cdp.send('Runtime.evaluate', { expression, contextId: relay.id });
  return async () => {
    const { result } = await cdp.send('Runtime.evaluate', {
      expression: 'globalThis.__nonces',
      contextId: relay.id,
      returnByValue: true,
    });
    return result.value as string[];
  };
}

describe.skipIf(!HAS_CHROMIUM)('a page that hooks every prototype, JSON and call', () => {
  let browser: ExtensionBrowser;
  let fixtures: FixtureServer;
  let target: StoreTarget;
  let collector: Collector;
  let base: string;
  let page: Page;
  let nonces: string[];
  let cdp: CDPSession;

  beforeAll(async () => {
    target = pgliteTarget();
    ({ collector, base } = await startCollector(target));
    fixtures = await startFixtures();
    browser = await launchWithExtension();
    await browser.configure({ collectorUrl: base, projectKey: KEY, adminToken: ADMIN });
    page = await browser.context.newPage();
    cdp = await browser.context.newCDPSession(page);
    await page.goto(`${fixtures.origin}/hooked.html`);
    const readNonces = await watchRelayNonces(cdp);
    // A second real fault, sent while the relay is watched: its report and answer carry the nonce.
    await page.evaluate((message) => {
      setTimeout(() => {
        throw new Error(`${message} again`);
      }, 0);
    }, HOOKED_FAULT);
    await eventually(
      () => adminGet<{ issues: Issue[] }>(base, '/api/issues?limit=100'),
      (r) => r.issues.some((i) => i.title.includes(`${HOOKED_FAULT} again`)),
    );
    nonces = await eventually(readNonces, (seen) => seen.length > 0);
  });

  afterAll(async () => {
    await browser?.close();
    await fixtures?.close();
    await collector?.close();
    await target?.dispose();
  });

  it('never hands a hook the nonce, a bridge message or the bridge’s node', async () => {
    // Read natively (the inspector's serializer): Playwright's own would run through the hooks.
    const read = async (expression: string) =>
      (await cdp.send('Runtime.evaluate', { expression, returnByValue: true })).result.value;
    const hooked = (await read('window.hooked')) as string[];
    const stolen = (await read('window.stolen.length')) as number;
    const [nonce] = nonces;
    expect(nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(nonces)).toEqual(new Set([nonce]));
    expect(hooked.filter((text) => text.includes(nonce as string))).toEqual([]);
    // Only the page's own forgeries (its guessed nonces, its own node) may show up.
    const own = /forged|^[\w. ]+:node$/i;
    expect(hooked.filter((text) => !own.test(text))).toEqual([]);
    expect(stolen).toBe(1);
  });

  it('gets nothing stored as a backend, a health check, a service fix or another service', async () => {
    const { issues } = await adminGet<{ issues: Issue[] }>(base, '/api/issues?limit=100');
    const { agents } = await adminGet<{ agents: Agent[] }>(base, '/api/agents');
    expect(issues.map((i) => i.title).join('\n')).not.toContain('FORGED');
    expect(issues.filter((i) => i.type === 'health_check' || i.type === 'fix_attempt')).toEqual([]);
    expect(agents.filter((a) => a.agent !== 'frontend' || a.service !== fixtures.origin)).toEqual(
      [],
    );
    expect(agents.filter((a) => a.hostname !== null)).toEqual([]);
    for (const issue of issues) expect(issue.service).toBe(fixtures.origin);
  });

  it('still reports the page’s own faults, as a frontend agent for the tab’s origin', async () => {
    const { issues } = await adminGet<{ issues: Issue[] }>(base, '/api/issues?limit=100');
    const fault = issues.find((i) => i.title.includes(HOOKED_FAULT));
    expect(fault).toBeDefined();
    const detail = await adminGet<Detail>(base, `/api/issues/${fault?.fingerprint}`);
    expect(detail.events.length).toBeGreaterThan(0);
    for (const event of detail.events) {
      expect(event).toMatchObject({ agent: 'frontend', service: fixtures.origin });
    }
  });
});
