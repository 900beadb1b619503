import { createCollector } from './collector.js';
import { fromEnv } from './config.js';
import { createOpenAiModel } from './decide/openai.js';
import { toDsn } from './store/dsn.js';

const config = fromEnv(process.env);
const apiKey = process.env.OPENAI_API_KEY;
const model = apiKey
  ? createOpenAiModel({
      apiKey,
      baseURL: process.env.OPENAI_BASE_URL,
      model: process.env.OPENAI_MODEL,
    })
  : undefined;
const collector = await createCollector(config, { model });
const port = await collector.listen();
const { generated } = collector.credentials;
const where = config.databaseUrl ? 'Postgres' : `PGlite in ${config.dataDir}`;
collector.logger.info(
  { port, host: config.host, store: where },
  `collector listening on http://${config.host}:${port}`,
);
if (model) {
  collector.logger.info(
    { model: model.model },
    'decisions: learned knowledge, then the model, then the rules',
  );
} else {
  collector.logger.warn(
    'no OPENAI_API_KEY: decisions use learned knowledge and the built-in rules only',
  );
}
if (config.decisions.dryRun)
  collector.logger.warn('DRY_RUN: decisions are recorded, never dispatched');
if (generated.adminToken || generated.projectKey) {
  // Printed once, at the start that generated them; the store keeps only their hashes.
  const lines = ['', 'selfheal: first start, credentials generated (shown only now):'];
  if (generated.adminToken) lines.push(`  ADMIN_TOKEN=${generated.adminToken}`);
  if (generated.projectKey) {
    lines.push(
      `  PROJECT_KEY=${generated.projectKey}   (public: pages embed it, page reports only)`,
    );
    const bound = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const host = bound.includes(':') ? `[${bound}]` : bound;
    const dsn = toDsn(
      `http://${host}:${port}`,
      generated.projectKey,
      collector.credentials.projectNumber,
    );
    lines.push(`  SENTRY_DSN=${dsn}   (for a Sentry SDK: the same project key, as a DSN)`);
  }
  lines.push(
    '  A service needs a key of its own: POST /api/services/{service}/keys with the admin token.',
  );
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  collector.logger.info({ signal }, 'stopping: finishing in-flight requests');
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  try {
    await collector.close();
    process.exit(0);
  } catch (error) {
    collector.logger.error({ err: error }, 'stopping failed');
    process.exit(1);
  }
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
