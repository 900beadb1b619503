import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command, CommandAck, Event } from '@selfheal/shared/protocol';

/** A collector stand-in on 127.0.0.1: hands out queued commands, keeps acks and reported events. */
export interface FakeCollector {
  base: string;
  acks: CommandAck[];
  events: Event[];
  queue(command: Command): void;
  close(): Promise<void>;
}

const body = async (req: IncomingMessage) => {
  let text = '';
  for await (const chunk of req) text += chunk;
  return JSON.parse(text || '{}');
};

/** Starts a fake collector speaking the command and report routes an agent uses. */
export async function startFakeCollector(): Promise<FakeCollector> {
  const pending: Command[] = [];
  const acks: CommandAck[] = [];
  const events: Event[] = [];
  const server = createServer(async (req, res) => {
    const json = (value: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (req.method === 'GET' && req.url?.startsWith('/api/commands')) {
      // A short hold stands in for the long poll when nothing waits.
      if (pending.length === 0) await new Promise((r) => setTimeout(r, 100));
      return json({ type: 'commands', commands: pending.splice(0) });
    }
    if (req.method === 'POST' && req.url?.endsWith('/ack')) {
      acks.push(await body(req));
      return json({ ok: true });
    }
    if (req.method === 'POST' && req.url === '/api/report') {
      const report = await body(req);
      events.push(...report.events);
      return json({ accepted: report.events.length });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    acks,
    events,
    queue: (command) => pending.push(command),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A command for `service`, as the collector sends one. */
export function serviceCommand(service: string, patch: Partial<Command>): Command {
  const now = Date.now();
  return {
    type: 'command',
    protocolVersion: 1,
    id: `cmd-${Math.random().toString(36).slice(2)}`,
    decisionId: 'decision-1',
    project: 'default',
    fingerprint: 'fp-rollback',
    target: 'service',
    service,
    strategy: 'scale_out',
    params: { replicas: 2 },
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 60_000).toISOString(),
    ...patch,
  };
}
