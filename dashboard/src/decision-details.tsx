import { formatRate } from '@selfheal/extension/panel/format';
import type {
  Decision,
  FixOutcome,
  Issue,
  KnowledgeEntry,
  ModelCall,
} from '@selfheal/shared/protocol';

/** What the dashboard knows around the decisions: to say what each is for and what came of it. */
export interface DecisionContext {
  issues: Issue[];
  knowledge: KnowledgeEntry[];
  calls: ModelCall[];
  fixes: FixOutcome[];
}

/** The record a decision's source stood on: learned outcomes, the model's call, or the rules. */
function record(d: Decision, context: DecisionContext): string {
  switch (d.source) {
    case 'knowledge': {
      const learned =
        context.knowledge.find(
          (k) =>
            k.patternType === 'fingerprint' &&
            k.pattern === d.fingerprint &&
            k.strategy === d.strategy,
        ) ??
        context.knowledge.find(
          (k) => k.patternType === 'kind' && k.pattern === d.kind && k.strategy === d.strategy,
        );
      return learned
        ? `Learned: ${learned.successes} of ${learned.attempts} verified attempts succeeded (${formatRate(learned.successRate)}) for this ${learned.patternType}`
        : 'Learned from verified outcomes (the record is no longer listed)';
    }
    case 'llm': {
      const call = context.calls.find((c) => c.decisionId === d.id);
      return call
        ? `Model ${call.model}: ${call.promptTokens} + ${call.completionTokens} tokens, $${call.costUsd.toFixed(4)}${call.cached ? ' (cached answer)' : ''}`
        : 'The model (its call is not among the recent ones)';
    }
    case 'rules':
      return `Built-in rule for ${d.kind}`;
    case 'operator':
      return 'Chosen by a person';
  }
}

/** The fault a decision is for, why it was chosen, and its verified outcome. */
export function DecisionDetails({
  decision: d,
  context,
}: {
  decision: Decision;
  context: DecisionContext;
}) {
  const issue = context.issues.find((i) => i.fingerprint === d.fingerprint);
  const outcome = context.fixes.find((f) => f.decisionId === d.id);
  return (
    <div class="decision-details">
      <div class="detail" data-fault>
        For: <span class={`kind sev-${issue?.severity ?? 'medium'}`}>{d.kind}</span>{' '}
        {issue?.title ?? d.fingerprint}
        {d.service ? <span class="muted"> · on {d.service}</span> : null}
      </div>
      <div class="detail" data-record>
        Why this: {record(d, context)}
      </div>
      {outcome ? (
        <div class="detail" data-outcome={outcome.status}>
          Outcome: <span class={`badge ${outcomeClass(outcome.status)}`}>{outcome.status}</span>
          {outcome.verifiedBy ? ` by ${outcome.verifiedBy}` : ''}
          {outcome.detail ? ` · ${outcome.detail}` : ''}
        </div>
      ) : null}
    </div>
  );
}

/** The badge class of a fix's status. */
export function outcomeClass(status: FixOutcome['status']): string {
  if (status === 'succeeded') return 'ok';
  if (status === 'verifying') return 'pending';
  return 'bad';
}
