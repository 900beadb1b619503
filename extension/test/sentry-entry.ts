/** What the test's Sentry bundle puts on the page: the real `@sentry/browser`, as a CDN build would. */
import * as Sentry from '@sentry/browser';

(globalThis as { Sentry?: typeof Sentry }).Sentry = Sentry;
