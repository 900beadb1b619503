/**
 * The decision engine's types: what the orchestrator hands `decide()` and what it gets back.
 * Pure data; no database, no network.
 *
 * Additions to the agreed seam (nothing removed or renamed):
 * - `DecideDeps.modelTimeoutMs`: a hard deadline on one model call (default 20 s), on top of the
 *   adapter's own timeout.
 * - `DecisionDraft.llm.costKnown`: false when the model is missing from the price table
 *   (`costUsd` is then 0).
 * - `ModelRequest` carries `project` and `fingerprint` so a guard can cache and join per issue.
 * - A `notify_admin` draft has target `collector` (the collector escalates; no agent runs it).
 * - `autoApply` is only ever true for a strategy an agent carries out (target page or service):
 *   `notify_admin` and `report_only` never auto-apply.
 */
import type { ErrorKind, FixTarget, RiskLevel, Severity, StrategyName } from '@selfheal/shared';

/** Why the orchestrator asks for a decision. */
export type DecisionTrigger = 'critical' | 'persistent' | 'fix_failed' | 'degraded';

/** What the orchestrator knows about an issue that needs action. */
export interface DecisionInput {
  project: string;
  fingerprint: string;
  kind: ErrorKind;
  severity: Severity;
  /** 'page' for frontend issues, 'service' for backend ones. */
  target: FixTarget;
  service: string | null;
  /** Already scrubbed; scrubbed again before it reaches a model. */
  title: string;
  sample: { message?: string; stack?: string; url?: string; data?: Record<string, unknown> };
  count: number;
  /** ISO 8601. */
  firstSeen: string;
  /** ISO 8601. */
  lastSeen: string;
  trigger: DecisionTrigger;
  similar: Array<{ fingerprint: string; kind: ErrorKind; title: string; count: number }>;
  systemState: { agentsOnline: number; unhealthyServices: number; errorRatePerMinute: number };
  /**
   * Whether one of our agents could carry out a fix on each target: a page agent that reported
   * the fingerprint lately, a backend agent of the service online. False when the fault came only
   * from a Sentry SDK, which runs no commands. Absent means yes.
   */
  runners?: { page: boolean; service: boolean };
}

/** One row of learned knowledge: verified outcomes of a strategy for a fingerprint or a kind. */
export interface KnowledgeRecord {
  patternType: 'fingerprint' | 'kind';
  pattern: string;
  strategy: StrategyName;
  successes: number;
  failures: number;
  developerFix: string | null;
}

/** The operator's auto-apply policy. */
export interface DecisionPolicy {
  /** AUTO_APPLY_THRESHOLD, 0.8 by default. */
  autoApplyThreshold: number;
  /** AUTO_APPLY_MAX_RISK, 'moderate' by default. */
  maxRisk: RiskLevel;
  /** DRY_RUN: decide and record, never dispatch. */
  dryRun: boolean;
}

/** Where a draft came from, in the order the engine asks. */
export type DecisionSource = 'knowledge' | 'llm' | 'rules';

/** Tokens and estimated cost of the model call behind a draft (also when its answer was discarded). */
export interface LlmUsage {
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** Estimated USD; 0 when `costKnown` is false. */
  costUsd: number;
  /** False when the model is not in the price table. */
  costKnown: boolean;
  /** True when the answer came from the guard's cache (no tokens spent this time). */
  cached: boolean;
}

/** What the engine decided; the orchestrator stores it as a Decision. */
export interface DecisionDraft {
  strategy: StrategyName;
  target: FixTarget;
  params: Record<string, unknown>;
  /** The gating confidence the collector computed; never the model's claim alone. */
  confidence: number;
  /** What the model claimed, when its answer was used. */
  modelConfidence: number | null;
  reasoning: string;
  estimatedImpact: string;
  riskLevel: RiskLevel;
  rollbackPlan: string;
  developerFix: string | null;
  source: DecisionSource;
  /** Confidence ≥ threshold, risk allowed, not blocked, not a dry run, something to dispatch. */
  autoApply: boolean;
  /** Why a model answer was discarded, why the draft is not auto-applied, and the like. */
  notes: string[];
  llm: LlmUsage | null;
}

/** What the engine asks a model. */
export interface ModelRequest {
  project: string;
  /** The issue; a guard caches and joins calls by project and fingerprint. */
  fingerprint: string;
  /** Instructions: fixed text written by the collector. */
  system: string;
  /** The issue as delimited JSON data, never instructions. */
  user: string;
}

/** A model's raw answer; the engine parses and validates `content` itself. */
export interface ModelAnswer {
  /** The model's text, expected to be JSON matching the answer schema. */
  content: string;
  /** The model that answered, as the provider named it. */
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** True when served from a cache without a new call. */
  cached: boolean;
}

/** Anything that can suggest a fix: the OpenAI adapter, a guard around it, a test double. */
export interface ModelPort {
  readonly model: string;
  suggest(req: ModelRequest, signal?: AbortSignal): Promise<ModelAnswer>;
}

/** What `decide()` needs besides the issue. */
export interface DecideDeps {
  /** Rows for this fingerprint and for this kind (other rows are ignored). */
  knowledge: KnowledgeRecord[];
  /** Strategies whose breaker is open or cooling down for this fingerprint. */
  blocked: ReadonlySet<StrategyName>;
  policy: DecisionPolicy;
  model?: ModelPort;
  /** Uniform in [0, 1); Math.random by default. Thompson sampling draws from it. */
  random?: () => number;
  /** Hard deadline on one model call, in ms (default 20 000). */
  modelTimeoutMs?: number;
}
