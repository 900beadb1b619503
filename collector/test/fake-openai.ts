/**
 * An OpenAI-compatible server on 127.0.0.1 for tests: answers POST /v1/chat/completions with
 * whatever the current scenario says, and records every request body it received.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does with one chat completion request. */
export type Scenario =
  /** Answer with this message content (any text: valid JSON, malformed, hostile). */
  | {
      content: string;
      model?: string;
      promptTokens?: number;
      completionTokens?: number;
      finishReason?: 'stop' | 'length';
    }
  /** Answer with an HTTP error status. */
  | { status: number; body?: unknown }
  /** Never answer (a hung upstream); the socket stays open until the server closes. */
  | { hang: true };

/** A chat completion request as the server received it. */
export interface ReceivedRequest {
  path: string;
  authorization: string | undefined;
  raw: string;
  body: {
    model?: string;
    max_completion_tokens?: number;
    messages?: Array<{ role: string; content: string }>;
    response_format?: {
      type: string;
      json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> };
    };
  };
}

/** The running server. */
export interface FakeOpenAi {
  /** The base URL to hand the SDK (ends in /v1). */
  readonly baseURL: string;
  /** Every chat completion request received, oldest first. */
  readonly requests: ReceivedRequest[];
  /** Sets how the next requests are answered. */
  setScenario(scenario: Scenario): void;
  close(): Promise<void>;
}

/** Starts the server on an ephemeral port of 127.0.0.1. */
export async function startFakeOpenAi(initial: Scenario = { hang: true }): Promise<FakeOpenAi> {
  let scenario = initial;
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      let body: ReceivedRequest['body'] = {};
      try {
        body = JSON.parse(raw) as ReceivedRequest['body'];
      } catch {
        // Recorded as received; the assertions look at `raw`.
      }
      requests.push({ path: req.url, authorization: req.headers.authorization, raw, body });
      answer(scenario, body, res, hanging);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    setScenario(next) {
      scenario = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(
  scenario: Scenario,
  body: ReceivedRequest['body'],
  res: ServerResponse,
  hanging: Set<ServerResponse>,
): void {
  if ('hang' in scenario) {
    hanging.add(res);
    res.on('close', () => hanging.delete(res));
    return;
  }
  if ('status' in scenario) {
    res.writeHead(scenario.status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(scenario.body ?? { error: { message: 'failure', type: 'server_error' } }),
    );
    return;
  }
  const promptTokens = scenario.promptTokens ?? 900;
  const completionTokens = scenario.completionTokens ?? 120;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: scenario.model ?? body.model ?? 'gpt-4o',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: scenario.content, refusal: null },
          finish_reason: scenario.finishReason ?? 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    }),
  );
}
