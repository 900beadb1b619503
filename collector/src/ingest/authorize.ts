import { strategyFits } from '@selfheal/shared';
import type { Report } from '@selfheal/shared/protocol';
import { forbidden, needsServiceKey } from '../auth.js';
import type { Principal } from '../store/keyring.js';

/**
 * The report as its key allows it, or a 403 saying what the key may not send. A project key
 * (public: every page embeds it) sends page reports only: `agent: "frontend"`, no health
 * checks, and fix events only of strategies a page runs. A service key is its service: the
 * agent and service come from the key, and a report for another service is refused.
 */
export function authorizeReport(principal: Principal, report: Report): Report {
  if (principal.role === 'page') {
    if (report.agent !== 'frontend') {
      throw needsServiceKey(`a report from a ${report.agent} agent`);
    }
    report.events.forEach((event, i) => {
      if (event.type === 'health_check') {
        throw needsServiceKey(`events[${i}]: a health_check event`);
      }
      if (
        (event.type === 'fix_attempt' || event.type === 'fix_outcome') &&
        !strategyFits(event.data.strategy, 'page')
      ) {
        throw needsServiceKey(`events[${i}]: a ${event.type} of ${event.data.strategy}`);
      }
    });
    return report;
  }
  if (report.agent !== 'backend') {
    throw forbidden(
      `a service key speaks for the backend service ${principal.service}; send page reports with the project key`,
    );
  }
  if (report.service !== undefined && report.service !== principal.service) {
    throw forbidden(
      `this key is the service ${principal.service}; it may not report for ${report.service.slice(0, 128)}`,
    );
  }
  return { ...report, service: principal.service };
}
