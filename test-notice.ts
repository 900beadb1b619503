/** Says once per run which real services the storage suites skip, instead of once per file. */
export default function setup(): void {
  if (!process.env.TEST_DATABASE_URL)
    console.warn(
      'TEST_DATABASE_URL is not set: the storage suites run on PGlite only; the Postgres runs are skipped.',
    );
  if (!process.env.TEST_REDIS_URL)
    console.warn('TEST_REDIS_URL is not set: the backend agent Redis suite is skipped.');
}
