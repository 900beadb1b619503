import * as Sentry from '@sentry/browser';

/** What the page exposes to the test: the SDK, and the status of each event it sent (null: dropped by the SDK). */
declare global {
  interface Window {
    Sentry: typeof Sentry;
    sentrySent: Array<number | null>;
  }
}

// The page's own Sentry setup, as an app has it: the DSN on the script tag, HTTP client errors on.
const dsn = document.currentScript?.getAttribute('data-dsn') ?? '';
window.sentrySent = [];
window.Sentry = Sentry;
Sentry.init({
  dsn,
  integrations: [Sentry.httpClientIntegration()],
  tracesSampleRate: 0,
});
Sentry.getClient()?.on('afterSendEvent', (_event, response) => {
  window.sentrySent.push(response?.statusCode ?? null);
});
