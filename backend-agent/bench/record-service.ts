// One service process for the collector's report recorder (collector/bench/record.ts): a small
// "checkout" service running the real agent with short intervals against the recorder's capture
// server. PHASE=crash runs its checks, then dies of a real unhandled rejection (the agent reports
// it into its spool file, as it does before a crash); PHASE=restart starts again on the same spool
// (so the crash is sent), reports an error it caught itself, and stops cleanly after RUN_MS.
import { BackendAgent, httpCheck } from '../src/index.js';

const phase = process.env.PHASE === 'restart' ? 'restart' : 'crash';
const runMs = Number(process.env.RUN_MS ?? 6_000);
const spool = process.env.SPOOL_FILE;
const state = process.env.STATE_FILE;
const upstream = process.env.UPSTREAM_URL;
if (!spool || !state || !upstream) throw new Error('SPOOL_FILE, STATE_FILE and UPSTREAM_URL');

const agent = new BackendAgent({
  // SERVICE_NAME, COLLECTOR_URL and SELFHEAL_AGENT_KEY come from the environment.
  hostname: 'checkout-api-7d9f8b6c5-x2k4q',
  checkInterval: 1,
  failureThreshold: 2,
  heartbeatMs: 2_000,
  repeatFaultMs: 2_000,
  verifyTimeoutMs: 1_500,
  batchMs: 500,
  pollWaitSeconds: 2,
  bufferFile: spool,
  stateFile: state,
  checks: [httpCheck({ url: upstream, name: 'inventory-api', timeoutMs: 2_000 })],
  builtins: {
    // A heap limit this service is past, so the memory check fails and the agent tries its gc fix.
    memory: { maxHeapRatio: 0.002 },
    eventLoop: { maxDelayMs: 40 },
  },
}).start();

/** A synchronous burst, as when a large order is parsed and priced on the main thread. */
function priceLargeOrder(): number {
  const until = Date.now() + 120;
  let total = 0;
  while (Date.now() < until) total += Math.sqrt(total + 1);
  return total;
}
const busy = setInterval(priceLargeOrder, 700);

interface Order {
  id: string;
  lines: Array<{ sku: string; reserved?: { quantity: number } }>;
}

async function loadReservation(line: Order['lines'][number]): Promise<number> {
  await new Promise((r) => setTimeout(r, 5));
  // The inventory service answered without a reservation for this line.
  return (line.reserved as { quantity: number }).quantity;
}

async function reserveStock(order: Order): Promise<number[]> {
  return Promise.all(order.lines.map(loadReservation));
}

async function handleCheckout(order: Order): Promise<void> {
  const quantities = await reserveStock(order);
  console.log(`reserved ${quantities.length} lines of ${order.id}`);
}

await new Promise((r) => setTimeout(r, runMs));

if (phase === 'crash') {
  // Nobody awaits it: a real unhandled rejection, which ends the process (Node's default).
  void handleCheckout({
    id: 'ord_81723',
    lines: [{ sku: 'MUG-01', reserved: { quantity: 1 } }, { sku: 'GIFT-25' }],
  });
  await new Promise((r) => setTimeout(r, 5_000));
  throw new Error('the unhandled rejection should have ended the process');
}

try {
  JSON.parse('<html><head><title>502 Bad Gateway</title></head></html>');
} catch (error) {
  agent.captureError(error, { route: 'POST /api/orders', upstream: 'payments' });
}
await new Promise((r) => setTimeout(r, 1_500));
clearInterval(busy);
await agent.stop(3_000);
