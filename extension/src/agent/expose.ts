import type { Agent, StatusSnapshot } from './types.js';

/** What the agent adds to the page's window. */
export interface AgentGlobals {
  /** The agent's metrics, error and fix history and health, for the console. */
  getAgentStatus?: () => StatusSnapshot;
  /** The running agent: `reportError`, `updateConfig`, … */
  selfheal?: Agent;
}

/** Defines `window.getAgentStatus()` and `window.selfheal` for `agent`. */
export function exposeAgent(agent: Agent, win: Window = window): void {
  const globals = win as Window & AgentGlobals;
  globals.selfheal = agent;
  globals.getAgentStatus = () => agent.getStatus();
}
