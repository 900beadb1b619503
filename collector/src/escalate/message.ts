import type { Decision } from '@selfheal/shared/protocol';

/** One escalated decision and the title of its issue; `fixed` on the follow-up of a fixed fault. */
export interface EscalatedDecision {
  decision: Decision;
  title: string;
  /** The verified local fix that superseded the decision. */
  fixed?: { outcomeId: string; strategy: string; by: string };
}

/** How the note of a fix no agent of ours can run begins (the fault came only from a Sentry SDK). */
export const NO_RUNNER_NOTE = 'no selfheal agent runs on';

/** Most decisions listed in one message; the rest are counted and left to the dashboard. */
export const MAX_LISTED = 10;

/**
 * Text for Slack's mrkdwn: `&`, `<` and `>` are escaped, so error text never becomes a link
 * (`<http…|…>`), a mention (`<!channel>`, `<@U…>`) or an entity; backticks are swapped for a
 * look-alike so the text cannot close the code spans it is quoted in.
 */
export const plain = (value: string, max = 300) =>
  value
    .slice(0, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/`/g, 'ʼ');

function linesOf({ decision, title, fixed }: EscalatedDecision): string[] {
  const where = `*${plain(decision.kind)}* in project \`${plain(decision.project, 64)}\`${decision.service ? `, service \`${plain(decision.service, 64)}\`` : ''}`;
  if (fixed) {
    return [
      `Fixed: ${where}`,
      `> ${plain(title)}`,
      `${plain(fixed.by, 64)} fixed it on its own with *${plain(fixed.strategy, 64)}*, verified (outcome ${plain(fixed.outcomeId, 64)}); the proposed *${plain(decision.strategy, 64)}* is superseded, nothing to approve.`,
    ];
  }
  return [
    where,
    `> ${plain(title)}`,
    `Proposed: *${plain(decision.strategy, 64)}* (${plain(decision.riskLevel, 32)}, confidence ${decision.confidence.toFixed(2)}, from ${plain(decision.source, 32)}); not applied automatically.`,
  ];
}

const reviewLine = ({ decision, fixed }: EscalatedDecision) =>
  fixed
    ? `Decision ${plain(decision.id, 64)} is superseded · fingerprint ${plain(decision.fingerprint, 64)}`
    : decision.status === 'recorded'
      ? `Nothing to approve: decision ${plain(decision.id, 64)} is recorded for a person · fingerprint ${plain(decision.fingerprint, 64)}`
      : `Approve or reject: POST /api/decisions/${plain(decision.id, 64)}/approve or /reject · fingerprint ${plain(decision.fingerprint, 64)}`;

/** The Slack-compatible body (text and blocks) for one escalated decision or its follow-up. */
export function webhookBody(item: EscalatedDecision) {
  const { decision, title, fixed } = item;
  const text = fixed
    ? `selfheal: ${plain(decision.kind)} was fixed on its own: ${plain(title, 150)}`
    : `selfheal: ${plain(decision.kind)} needs a person: ${plain(title, 150)}`;
  const lines = fixed
    ? linesOf(item)
    : [
        ...linesOf(item),
        `Reasoning: ${plain(decision.reasoning, 500)}`,
        ...(decision.developerFix ? [`Developer fix: ${plain(decision.developerFix, 500)}`] : []),
        ...decision.notes
          .filter((note) => note.startsWith(NO_RUNNER_NOTE))
          .map((note) => `What to do: ${plain(note, 700)}`),
      ];
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: reviewLine(item) }] },
    ],
  };
}

/** The headline of a batch: how many need a person and how many were fixed meanwhile. */
function headline(items: EscalatedDecision[]): string {
  const fixed = items.filter((item) => item.fixed).length;
  const open = items.length - fixed;
  const parts = [
    ...(open === 1 ? ['1 new issue needs a person'] : []),
    ...(open > 1 ? [`${open} new issues need a person`] : []),
    ...(fixed === 1 ? ['1 escalated issue was fixed on its own'] : []),
    ...(fixed > 1 ? [`${fixed} escalated issues were fixed on their own`] : []),
  ];
  return parts.join(', ');
}

/** One message for what was escalated since the last post: the first few listed, the rest counted. */
export function batchBody(items: EscalatedDecision[]) {
  const [only] = items;
  if (only && items.length === 1) return webhookBody(only);
  const listed = items.slice(0, MAX_LISTED);
  const more = items.length - listed.length;
  return {
    text: `selfheal: ${headline(items)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${headline(items)}*` } },
      ...listed.map((item) => ({
        type: 'section',
        text: { type: 'mrkdwn', text: [...linesOf(item), reviewLine(item)].join('\n') },
      })),
      ...(more > 0
        ? [
            {
              type: 'context',
              elements: [
                { type: 'mrkdwn', text: `…and ${more} more: GET /api/decisions?status=pending` },
              ],
            },
          ]
        : []),
    ],
  };
}
