import type { PageCommand } from '@selfheal/shared';
import type { Event as AgentEvent } from '@selfheal/shared/protocol';
import { capSize } from '../bounded.js';
import type { AgentContext } from '../context.js';
import { type ResourceFailure, resourceOf } from '../instrument/resource-errors.js';

/** Inserts a failed script or stylesheet again, once, with a cache-busting query. */
export interface ReinjectFix {
  /** Handles a load failure: false when it came from an element this fix inserted. */
  isOwn(element: Element): boolean;
  onFailure(failure: ResourceFailure, event: AgentEvent | undefined): void;
  /** Reinjects because the collector asked: `params.src`, or the last failure with that fingerprint. */
  run(command: PageCommand): boolean;
}

const MAX_REMEMBERED = 50;

/** The URL with a `selfheal_retry` query parameter, before any fragment. */
export function cacheBusted(url: string, stamp: number): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const fragment = hash >= 0 ? url.slice(hash) : '';
  return `${base}${base.includes('?') ? '&' : '?'}selfheal_retry=${stamp}${fragment}`;
}

/** The reinjection fix. */
export function createReinjectFix(ctx: AgentContext): ReinjectFix {
  const own = new WeakSet<Element>();
  const failed = new Map<string, ResourceFailure>();

  const reinject = (
    failure: ResourceFailure,
    fingerprint: string,
    kind: AgentEvent['kind'],
    command?: PageCommand,
  ): boolean => {
    if (failure.tag === 'img' || !ctx.budgets.take('reinject_resource', fingerprint)) return false;
    const doc = ctx.win.document;
    const original = failure.element;
    const copy = doc.createElement(failure.tag);
    for (const { name, value } of Array.from(original.attributes)) {
      if (name !== 'src' && name !== 'href') copy.setAttribute(name, value);
    }
    const url = cacheBusted(failure.url, ctx.now());
    if (failure.tag === 'script') (copy as HTMLScriptElement).src = url;
    else (copy as HTMLLinkElement).href = url;
    own.add(copy);
    const fix = ctx.startFix({ strategy: 'reinject_resource', fingerprint, kind, command });
    copy.addEventListener('load', () => fix.finish(true, 'load', 'loaded again'));
    copy.addEventListener('error', () => fix.finish(false, 'load', 'failed again'));
    if (original.isConnected) original.after(copy);
    else (doc.head ?? doc.documentElement).appendChild(copy);
    return true;
  };

  return {
    isOwn: (element) => own.has(element),
    onFailure(failure, event) {
      if (!event?.fingerprint) return;
      failed.delete(event.fingerprint);
      failed.set(event.fingerprint, failure);
      capSize(failed, MAX_REMEMBERED);
      reinject(failure, event.fingerprint, event.kind);
    },
    run(command) {
      const src = command.params.src;
      let failure = failed.get(command.fingerprint);
      if (typeof src === 'string' && src) {
        const doc = ctx.win.document;
        const absolute = new URL(src, doc.baseURI).href;
        failure = Array.from(doc.querySelectorAll('script[src],link[href]'), resourceOf).find(
          (found) => found?.url === absolute,
        );
      }
      return failure ? reinject(failure, command.fingerprint, undefined, command) : false;
    },
  };
}
