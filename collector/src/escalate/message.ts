import type { Decision } from '@selfheal/shared/protocol';

/** One escalated decision and the title of its issue. */
export interface EscalatedDecision {
  decision: Decision;
  title: string;
}

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

function linesOf({ decision, title }: EscalatedDecision): string[] {
  return [
    `*${plain(decision.kind)}* in project \`${plain(decision.project, 64)}\`${decision.service ? `, service \`${plain(decision.service, 64)}\`` : ''}`,
    `> ${plain(title)}`,
    `Proposed: *${plain(decision.strategy, 64)}* (${plain(decision.riskLevel, 32)}, confidence ${decision.confidence.toFixed(2)}, from ${plain(decision.source, 32)}); not applied automatically.`,
  ];
}

const reviewLine = (decision: Decision) =>
  `Approve or reject: POST /api/decisions/${plain(decision.id, 64)}/approve or /reject · fingerprint ${plain(decision.fingerprint, 64)}`;

/** The Slack-compatible body (text and blocks) for one escalated decision. */
export function webhookBody(decision: Decision, title: string) {
  const text = `selfheal: ${plain(decision.kind)} needs a person: ${plain(title, 150)}`;
  const lines = [
    ...linesOf({ decision, title }),
    `Reasoning: ${plain(decision.reasoning, 500)}`,
    ...(decision.developerFix ? [`Developer fix: ${plain(decision.developerFix, 500)}`] : []),
  ];
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: reviewLine(decision) }] },
    ],
  };
}

/** One message for what was escalated since the last post: the first few listed, the rest counted. */
export function batchBody(items: EscalatedDecision[]) {
  const [only] = items;
  if (only && items.length === 1) return webhookBody(only.decision, only.title);
  const listed = items.slice(0, MAX_LISTED);
  const more = items.length - listed.length;
  return {
    text: `selfheal: ${items.length} new issues need a person`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${items.length} new issues need a person*` },
      },
      ...listed.map((item) => ({
        type: 'section',
        text: { type: 'mrkdwn', text: [...linesOf(item), reviewLine(item.decision)].join('\n') },
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
