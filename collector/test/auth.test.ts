import type { Problem } from '@selfheal/shared/protocol';
import { describe, expect, it } from 'vitest';
import { ADMIN, collectorPerSuite, event, KEY, STORES } from './harness.js';

const body = () => JSON.stringify({ agent: 'frontend', events: [event()] });

describe.each(STORES)('who may do what on $name', ({ create }) => {
  const suite = collectorPerSuite(create, {
    allowedOrigins: ['https://shop.example'],
  });

  const send = (path: string, init: RequestInit = {}) => fetch(`${suite.base}${path}`, init);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it.each([
    ['ingest without credentials', 'POST', '/api/report', {}, 401],
    ['ingest with a wrong key', 'POST', '/api/report', bearer('nope-nope'), 403],
    ['ingest with the admin token', 'POST', '/api/report', bearer(ADMIN), 403],
    ['ingest with the project key', 'POST', '/api/report', bearer(KEY), 202],
    ['ingest with ?key=', 'POST', `/api/report?key=${KEY}`, {}, 202],
    ['status without credentials', 'GET', '/api/status', {}, 401],
    ['status with the project key', 'GET', '/api/status', bearer(KEY), 403],
    ['status with the admin token', 'GET', '/api/status', bearer(ADMIN), 200],
    ['status with ?token= (WebSocket only)', 'GET', `/api/status?token=${ADMIN}`, {}, 401],
    ['issues with the project key', 'GET', '/api/issues', bearer(KEY), 403],
    ['issues with the admin token', 'GET', '/api/issues', bearer(ADMIN), 200],
    ['agents with the project key', 'GET', '/api/agents', bearer(KEY), 403],
    ['agents with the admin token', 'GET', '/api/agents', bearer(ADMIN), 200],
    ['metrics without credentials', 'GET', '/metrics', {}, 401],
    ['metrics with the project key', 'GET', '/metrics', bearer(KEY), 403],
    ['metrics with the admin token', 'GET', '/metrics', bearer(ADMIN), 200],
    ['health without credentials', 'GET', '/api/health', {}, 200],
    ['openapi without credentials', 'GET', '/openapi.json', {}, 200],
    ['live updates with the project key', 'GET', `/ws/dashboard?token=${KEY}`, {}, 403],
  ])('%s: %s %s → %i', async (_name, method, path, headers, status) => {
    const init: RequestInit = {
      method,
      headers: { 'content-type': 'application/json', ...headers },
    };
    if (method === 'POST') init.body = body();
    const res = await send(path, init);
    expect(res.status).toBe(status);
    if (status >= 400) {
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as Problem).detail).toBeTruthy();
    }
  });

  it('lets browsers send only from the origins the project allows', async () => {
    const allowed = await send('/api/report', {
      method: 'POST',
      headers: { ...bearer(KEY), origin: 'https://shop.example' },
      body: body(),
    });
    expect(allowed.status).toBe(202);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');

    const refused = await send('/api/report', {
      method: 'POST',
      headers: { ...bearer(KEY), origin: 'https://evil.example' },
      body: body(),
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    const preflight = await send('/api/report', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const badPreflight = await send('/api/report', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(badPreflight.status).toBe(403);
  });

  it('lets an allowed page read refusals too, with Retry-After exposed', async () => {
    const res = await send('/api/report', {
      method: 'POST',
      headers: { origin: 'https://shop.example', 'content-type': 'application/json' },
      body: body(),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(res.headers.get('access-control-expose-headers')).toContain('Retry-After');
  });

  it('accepts sendBeacon bodies (text/plain with ?key=)', async () => {
    const res = await send(`/api/report?key=${KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' },
      body: body(),
    });
    expect(res.status).toBe(202);
  });
});
