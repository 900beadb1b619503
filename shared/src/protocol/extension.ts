import { z } from 'zod';
import { BRIDGE_CHANNEL, EXTENSION_PROTOCOL_VERSION } from '../bridge.js';
import { LIMITS } from '../limits.js';
import { commandSchema } from './command.js';
import { decisionSchema } from './decision.js';
import { errorKindSchema, eventSchema, eventTypeSchema, severitySchema } from './event.js';
import { reportSchema } from './report.js';

const v = z.literal(EXTENSION_PROTOCOL_VERSION);
const tabId = z.number().int().min(0);
const id = z.string().min(1).max(LIMITS.maxIdLength);
const text = (max: number) => z.string().max(max);

/** Settings the page agent may know; nothing secret. */
export const pageConfigSchema = z.object({
  autoFixEnabled: z.boolean(),
  reportingEnabled: z.boolean(),
  agentEnabled: z.boolean().optional(),
  criticalSelectors: z.array(text(512)).max(50).optional(),
});

/** The part of the agent's `getStatus()` the extension keeps: counters and health. */
export const agentStatusSchema = z.object({
  metrics: z.record(z.string(), z.number()),
  health: z.looseObject({
    fixSuccessRate: z.number().nullable(),
    uptime: z.number().min(0),
  }),
});
/** The agent's counters and health. */
export type AgentStatus = z.infer<typeof agentStatusSchema>;

/** A message from the page agent, as the content script forwards it to the service worker. */
export const fromPageSchema = z.discriminatedUnion('type', [
  z.object({ v, type: z.literal('ready'), url: text(LIMITS.maxUrlLength) }),
  z.object({ v, type: z.literal('report'), id, report: reportSchema }),
  z.object({ v, type: z.literal('activity'), event: eventSchema }),
  z.object({ v, type: z.literal('status'), status: agentStatusSchema }),
]);
/** A message from the page agent. */
export type FromPage = z.infer<typeof fromPageSchema>;

/** The same message as it crosses the page boundary: tagged and carrying the page's nonce. */
export const fromPageEnvelopeSchema = z.object({
  channel: z.literal(BRIDGE_CHANNEL),
  v,
  nonce: z.string().min(16).max(128),
});

/** A message from the service worker to a tab's agent (the content script adds the nonce). */
export const toPageSchema = z.discriminatedUnion('type', [
  z.object({ v, type: z.literal('config'), config: pageConfigSchema }),
  z.object({
    v,
    type: z.literal('report_result'),
    id,
    ok: z.boolean(),
    retry: z.boolean().optional(),
    commands: z.array(commandSchema).optional(),
    error: text(1_024).optional(),
  }),
]);
/** A message from the service worker to a tab's agent. */
export type ToPage = z.infer<typeof toPageSchema>;

/** Everything the user sets in the panel; kept in `chrome.storage.local`, never sent to a page. */
export const settingsSchema = z.object({
  collectorUrl: z.url({ protocol: /^https?$/ }),
  projectKey: text(256),
  adminToken: text(256),
  autoFixEnabled: z.boolean(),
  reportingEnabled: z.boolean(),
  /** Off: the agent removes itself from each page as soon as the page hears it (see FRONTEND-AGENT). */
  agentEnabled: z.boolean().default(true),
  /** Origins beyond localhost and 127.0.0.1 the agent runs on, e.g. `https://shop.example`. */
  sites: z.array(z.url({ protocol: /^https?$/ })).max(100),
});
/** The extension's settings. */
export type Settings = z.infer<typeof settingsSchema>;

/** Faults that share one fingerprint, as the panel lists them. */
export const faultGroupSchema = z.object({
  fingerprint: z.string(),
  type: eventTypeSchema,
  kind: errorKindSchema,
  severity: severitySchema,
  title: z.string(),
  count: z.number().int().min(0),
  firstSeen: z.number(),
  lastSeen: z.number(),
});
/** Faults that share one fingerprint. */
export type FaultGroup = z.infer<typeof faultGroupSchema>;

/** One fix: its attempt and, once known, its verified outcome, and why it ran. */
export const fixRecordSchema = z.object({
  id: z.string(),
  fingerprint: z.string(),
  strategy: z.string(),
  kind: errorKindSchema.optional(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  success: z.boolean().nullable(),
  verifiedBy: z.string().optional(),
  detail: z.string().optional(),
  commandId: z.string().optional(),
  decisionId: z.string().optional(),
  local: z.boolean().optional(),
  reason: z.string(),
});
/** One fix and its outcome. */
export type FixRecord = z.infer<typeof fixRecordSchema>;

/** What the extension knows about one tab; kept in `chrome.storage.session`. */
export const tabStateSchema = z.object({
  tabId,
  /** The session the tab's reports name, the same across its reloads; empty until the first. */
  sessionId: z.string().default(''),
  url: z.string(),
  agentConnected: z.boolean(),
  updatedAt: z.number(),
  faults: z.array(faultGroupSchema),
  fixes: z.array(fixRecordSchema),
  status: agentStatusSchema.nullable(),
  /** When the agent last sent its status (epoch ms), to age its uptime between updates. */
  statusAt: z.number().nullable(),
  reports: z.object({
    sent: z.number().int(),
    failed: z.number().int(),
    events: z.number().int(),
    /** Events the worker left out of the page's reports: types and strategies a page may not send. */
    dropped: z.number().int().default(0),
    lastError: z.string().nullable(),
  }),
});
/** What the extension knows about one tab. */
export type TabState = z.infer<typeof tabStateSchema>;

/** A message from the panel to the service worker. */
export const panelToWorkerSchema = z.discriminatedUnion('type', [
  z.object({ v, type: z.literal('subscribe'), tabId }),
  z.object({ v, type: z.literal('get_settings') }),
  z.object({ v, type: z.literal('save_settings'), settings: settingsSchema }),
  z.object({ v, type: z.literal('refresh_decisions'), tabId }),
  z.object({
    v,
    type: z.literal('decide'),
    tabId,
    decisionId: z.string().min(1).max(LIMITS.maxIdLength),
    action: z.enum(['approve', 'reject']),
  }),
  z.object({ v, type: z.literal('clear_tab'), tabId }),
]);
/** A message from the panel to the service worker. */
export type PanelToWorker = z.infer<typeof panelToWorkerSchema>;

/** A message from the service worker to a panel. */
export const workerToPanelSchema = z.discriminatedUnion('type', [
  z.object({ v, type: z.literal('tab_state'), state: tabStateSchema }),
  z.object({ v, type: z.literal('settings'), settings: settingsSchema }),
  z.object({
    v,
    type: z.literal('decisions'),
    tabId,
    decisions: z.array(decisionSchema),
    /** False when the collector has no decisions API or no admin token is set. */
    available: z.boolean(),
    error: z.string().nullable(),
  }),
  z.object({
    v,
    type: z.literal('decision_result'),
    decisionId: z.string(),
    ok: z.boolean(),
    error: z.string().nullable(),
  }),
  z.object({ v, type: z.literal('error'), error: z.string() }),
]);
/** A message from the service worker to a panel. */
export type WorkerToPanel = z.infer<typeof workerToPanelSchema>;
