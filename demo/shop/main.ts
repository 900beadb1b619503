declare const __SHOP_RELEASE__: string;

interface AgentStatus {
  metrics: { errorsDetected: number; errorsFixed: number };
  health: { fixSuccessRate: number | null };
}
declare global {
  interface Window {
    getAgentStatus?: () => AgentStatus;
  }
}

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const log = (line: string) => {
  $('log').textContent = `${new Date().toLocaleTimeString()} ${line}\n${$('log').textContent}`;
};

$('release').textContent = __SHOP_RELEASE__;

async function loadProducts(): Promise<void> {
  const answer = await fetch('/api/products');
  const list = $('products');
  if (!answer.ok) {
    const item = document.createElement('li');
    item.className = 'muted';
    item.textContent = `products unavailable (${answer.status})`;
    list.replaceChildren(item);
    return;
  }
  const { products, from } = (await answer.json()) as {
    products: Array<{ name: string; price: number }>;
    from: string;
  };
  list.replaceChildren();
  for (const p of products) {
    const item = document.createElement('li');
    item.textContent = `${p.name}: ${p.price.toFixed(2)} € (from ${from})`;
    list.append(item);
  }
}

$('details').addEventListener('click', async () => {
  const { renderDetails } = await import('./details.js');
  renderDetails($('details-out'));
});

async function post(path: string): Promise<void> {
  const answer = await fetch(path, { method: 'POST' });
  const body = (await answer.json().catch(() => ({}))) as { detail?: string };
  log(`${path}: ${answer.status} ${body.detail ?? ''}`);
}

const faults: Record<string, () => Promise<void>> = {
  async flaky() {
    const answer = await fetch(`/api/flaky?id=${crypto.randomUUID()}`);
    log(`GET /api/flaky: the page saw ${answer.status} ${await answer.text()}`);
  },
  async deploy() {
    log('deploying: vite build with new chunk names…');
    await post('/api/deploy');
  },
  async script() {
    const script = document.createElement('script');
    script.src = `/widgets/reviews.js?v=${crypto.randomUUID()}`;
    document.head.append(script);
    log('inserted the reviews widget');
  },
  async 'api-down'() {
    await post('/api/faults/api-down');
    const answer = await fetch('/api/recommendations');
    log(`GET /api/recommendations: ${answer.status}`);
  },
  db: () => post('/api/faults/db'),
  cache: () => post('/api/faults/cache'),
  memory: () => post('/api/faults/memory'),
  'event-loop': () => post('/api/faults/event-loop'),
};

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-fault]')) {
  button.addEventListener('click', () => {
    const run = faults[button.dataset.fault ?? ''];
    run?.().catch((error: unknown) => log(`failed: ${String(error)}`));
  });
}

setInterval(() => {
  const status = window.getAgentStatus?.();
  $('status').textContent = status
    ? `errors detected ${status.metrics.errorsDetected}, fixed ${status.metrics.errorsFixed}, fix success rate ${status.health.fixSuccessRate ?? '–'}`
    : 'the agent is not loaded';
}, 1_000);
setInterval(() => void loadProducts().catch(() => {}), 5_000);
void loadProducts().catch(() => {});

export {};
