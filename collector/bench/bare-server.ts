import { serve } from '@hono/node-server';
import { Hono } from 'hono';

// The baseline: a Hono route that only parses the same JSON body and answers 202.
const app = new Hono();
app.post('/api/report', async (c) => {
  const body = (await c.req.json()) as { events: unknown[] };
  return c.json({ accepted: body.events.length, duplicates: 0 }, 202);
});
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});
