import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminGet, collectorPerSuite, event, report, STORES } from './harness.js';

describe.each(STORES)('where an issue was seen, on $name', ({ create }) => {
  const suite = collectorPerSuite(create);

  it('lists every site a fault was seen on, latest first, instead of the later one only', async () => {
    const fingerprint = `two-sites-${randomUUID().slice(0, 8)}`;
    const from = (service: string) =>
      report(suite.base, { agent: 'frontend', service, events: [event({ fingerprint })] });
    expect((await from('https://shop.example')).status).toBe(202);
    await adminGet(suite.base, `/api/issues/${fingerprint}`);
    expect((await from('https://blog.example')).status).toBe(202);
    await adminGet(suite.base, `/api/issues/${fingerprint}`);
    expect((await from('https://shop.example')).status).toBe(202);
    const { issue } = await adminGet(suite.base, `/api/issues/${fingerprint}`);
    expect(issue.count).toBe(3);
    expect(issue.service).toBe('https://shop.example');
    expect(issue.services).toEqual(['https://shop.example', 'https://blog.example']);
    const { issues } = await adminGet(suite.base, '/api/issues?limit=1000');
    const listed = issues.find((i: { fingerprint: string }) => i.fingerprint === fingerprint);
    expect(listed.services).toHaveLength(2);
  });
});
