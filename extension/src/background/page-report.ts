import { LIMITS, PAGE_STRATEGY_RULES } from '@selfheal/shared';
import type { Event, Report } from '@selfheal/shared/protocol';

/** A tab's report as the worker sends it, and how many of the page's events it left out. */
export interface PageReport {
  /** Undefined when no event was left to send. */
  report: Report | undefined;
  dropped: number;
}

/** True for an event a page agent may send: a fault, or a fix by a strategy a page runs. */
export function isPageEvent(event: Event): boolean {
  if (event.type === 'health_check') return false;
  if (event.type === 'fix_attempt' || event.type === 'fix_outcome') {
    return Object.hasOwn(PAGE_STRATEGY_RULES, event.data.strategy);
  }
  return true;
}

/**
 * The report as a tab may send it. Whatever the page claims, it speaks as a frontend agent for the
 * origin the browser says the tab shows, in the tab's session (the same across its reloads), sends
 * only page events, and no field the worker does not expect (a page names no hostname or region).
 */
export function toPageReport(report: Report, origin: string, sessionId: string): PageReport {
  const events = report.events.filter(isPageEvent);
  const dropped = report.events.length - events.length;
  if (events.length === 0) return { report: undefined, dropped };
  const { protocolVersion, url } = report;
  return {
    report: {
      agent: 'frontend',
      service: origin.slice(0, LIMITS.maxNameLength),
      ...(protocolVersion === undefined ? {} : { protocolVersion }),
      sessionId,
      ...(url === undefined ? {} : { url }),
      events,
    },
    dropped,
  };
}

/** The origin of the page behind a tab's port, as the browser reports it; undefined if opaque. */
export function originOf(
  sender: { origin?: string; url?: string } | undefined,
): string | undefined {
  const origin = sender?.origin ?? (sender?.url ? safeOrigin(sender.url) : undefined);
  return origin && origin !== 'null' ? origin : undefined;
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
