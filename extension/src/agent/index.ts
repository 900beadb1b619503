export { startAgent } from './agent.js';
export { DEFAULT_CONFIG } from './config.js';
export { type AgentGlobals, exposeAgent } from './expose.js';
export { createHttpTransport, type HttpTransportOptions } from './http-transport.js';
export { nativeFetch } from './native.js';
export type {
  Agent,
  AgentConfig,
  AgentMetrics,
  AgentOptions,
  ErrorHistoryEntry,
  FixHistoryEntry,
  StatusSnapshot,
  Transport,
  TransportAnswer,
} from './types.js';
