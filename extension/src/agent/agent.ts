import type { Event as AgentEvent } from '@selfheal/shared/protocol';
import { createBudgets } from './budget.js';
import { createCommandRunner } from './commands.js';
import { DEFAULT_CONFIG, mergeConfig } from './config.js';
import type { AgentContext, PageWindow } from './context.js';
import { detectMissingSelectors } from './detect/critical-selectors.js';
import { detectLongTasks } from './detect/long-tasks.js';
import { detectMemory } from './detect/memory.js';
import { createIds, type FaultInput, newSessionId, toFaultEvent } from './events.js';
import { createFixLog } from './fix-log.js';
import { createReinjectFix } from './fixes/reinject-resource.js';
import { createReloadFix } from './fixes/reload-page.js';
import { createRetryHandler } from './fixes/retry-request.js';
import { createXhrRetry } from './fixes/retry-xhr.js';
import { instrumentConsole } from './instrument/console.js';
import { describeValue, errorFault } from './instrument/describe.js';
import { instrumentFetch } from './instrument/fetch.js';
import { instrumentErrors } from './instrument/onerror.js';
import { instrumentResources } from './instrument/resource-errors.js';
import { instrumentRejections } from './instrument/unhandled-rejection.js';
import { instrumentXhr } from './instrument/xhr.js';
import { disguiseWrappers, listen } from './native.js';
import { createReporter } from './reporter.js';
import { createStatusBook } from './status.js';
import type { Agent, AgentOptions } from './types.js';

let running: Agent | undefined;

/**
 * Patches the page's globals, starts the detectors and returns the running agent. A second call
 * stops the first agent, so globals are never patched twice.
 */
export function startAgent(options: AgentOptions): Agent {
  running?.stop();
  const win = globalThis as PageWindow;
  const setTimer = (fn: () => void, ms: number): unknown => win.setTimeout(fn, ms);
  const clearTimer = (timer: unknown) => win.clearTimeout(timer as number);
  const now = () => Date.now();
  const random = Math.random;
  const startedAt = now();
  let config = mergeConfig({ ...DEFAULT_CONFIG }, options.config ?? {});
  const book = createStatusBook(startedAt, config.historySize);
  const sessionId = options.sessionId ?? newSessionId(random);
  // Event ids are unique per load, even when the session outlives it.
  const nextId = createIds(newSessionId(random));
  const listeners = new Set<(activity: AgentEvent) => void>();
  const faultListeners = new Set<(event: AgentEvent) => void>();
  const subscribe =
    <L>(set: Set<L>) =>
    (listener: L) => {
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    };
  const cleanups: Array<() => void> = [];

  const safe =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch {
        book.metrics.internalErrors += 1;
      }
    };
  const emit = (event: AgentEvent, internal: Set<(event: AgentEvent) => void> | undefined) => {
    for (const listener of [...(internal ?? []), ...listeners]) safe(listener)(event);
  };

  const ctx: AgentContext = {
    win,
    config: () => config,
    book,
    budgets: createBudgets(now, () => config.autoFixEnabled),
    now,
    random,
    safe,
    setTimer,
    clearTimer,
    flush: (final) => reporter.flush(final),
    onFault: subscribe(faultListeners),
    fault(input: FaultInput) {
      try {
        const event = toFaultEvent({ url: win.location?.href, ...input }, nextId(), now());
        book.recordFault(event);
        reporter.enqueue(event);
        emit(event, faultListeners);
        return event;
      } catch {
        book.metrics.internalErrors += 1;
        return undefined;
      }
    },
    startFix: (spec) => startFix(spec),
  };
  const reporter = createReporter(ctx, options.transport, sessionId, (commands) =>
    safe(commandsRunner.apply)(commands),
  );
  const startFix = createFixLog(ctx, nextId, (event) => {
    reporter.enqueue(event);
    emit(event, undefined);
  });

  const reload = createReloadFix(ctx);
  const reinject = createReinjectFix(ctx);
  const commandsRunner = createCommandRunner(ctx, { reload, reinject });
  faultListeners.add(reload.onFault);

  const flushFinal = safe(() => void reporter.flush(true));
  cleanups.push(
    instrumentErrors(ctx),
    instrumentRejections(ctx),
    instrumentConsole(ctx),
    instrumentResources(
      win,
      safe((failure) => {
        if (reinject.isOwn(failure.element)) return;
        const event = ctx.fault({
          type: 'resource',
          message: `${failure.tag} failed to load: ${failure.url}`,
          url: failure.url,
          data: { tag: failure.tag, src: failure.url, module: failure.module },
        });
        reinject.onFailure(failure, event);
      }),
    ),
    instrumentFetch(win, createRetryHandler(ctx, commandsRunner.retryFor)),
    instrumentXhr(win, createXhrRetry(ctx, commandsRunner.retryFor), setTimer),
    detectLongTasks(ctx),
    detectMemory(ctx),
    detectMissingSelectors(ctx),
    listen(win, 'pagehide', flushFinal),
    listen(
      win.document,
      'visibilitychange',
      safe(() => {
        if (win.document.visibilityState === 'hidden') void reporter.flush(true);
      }),
    ),
    // Last, so it is removed after every wrapper it disguises.
    disguiseWrappers(),
  );

  safe(reload.resume)();

  let stopped = false;
  const agent: Agent = {
    getStatus: () =>
      book.snapshot(now(), {
        autoFixEnabled: config.autoFixEnabled,
        reportingEnabled: config.reportingEnabled,
        service: config.service,
      }),
    applyCommands: (commands) =>
      safe(commandsRunner.apply)(Array.isArray(commands) ? commands : []),
    updateConfig: safe((partial) => {
      config = mergeConfig(config, partial);
      book.setHistorySize(config.historySize);
    }),
    onActivity: subscribe(listeners),
    reportError: safe((error, context) => {
      const component = typeof context?.component === 'string' ? context.component : undefined;
      errorFault(ctx, 'reportError', describeValue(error), component ? { component } : {});
    }),
    flush: () => reporter.flush().catch(() => {}),
    stop() {
      if (stopped) return;
      stopped = true;
      for (const cleanup of cleanups.splice(0)) safe(cleanup)();
      void reporter.flush(true).catch(() => {});
      reporter.stop();
      listeners.clear();
      if (running === agent) running = undefined;
    },
  };
  running = agent;
  return agent;
}
