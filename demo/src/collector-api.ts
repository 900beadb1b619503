import { createServer } from 'node:net';

/** Throws, naming the variable that moves it, when something already listens on `port`. */
export async function assertPortFree(port: number, variable: string): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} is in use; set ${variable} to another port`)
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** Waits until `url` answers 200, or throws after `timeoutMs`. */
export async function waitForOk(
  url: string,
  timeoutMs: number,
  stillAlive: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (answer.ok) return;
    } catch {
      // Not listening yet.
    }
    if (!stillAlive()) throw new Error(`the process behind ${url} stopped`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface ServiceKey {
  id: string;
  key: string;
  revokedAt: string | null;
}

/** Makes a new key for `service` with the admin token and revokes the ones made before it. */
export async function rotateServiceKey(
  collectorUrl: string,
  adminToken: string,
  service: string,
): Promise<string> {
  const url = `${collectorUrl}/api/services/${service}/keys`;
  const headers = { authorization: `Bearer ${adminToken}` };
  const before = await fetch(url, { headers });
  if (!before.ok) throw new Error(`listing keys: ${before.status} ${await before.text()}`);
  const { keys } = (await before.json()) as { keys: ServiceKey[] };
  const made = await fetch(url, { method: 'POST', headers });
  if (made.status !== 201) throw new Error(`making a key: ${made.status} ${await made.text()}`);
  const created = (await made.json()) as ServiceKey;
  for (const old of keys.filter((k) => !k.revokedAt)) {
    await fetch(`${url}/${old.id}`, { method: 'DELETE', headers });
  }
  return created.key;
}
