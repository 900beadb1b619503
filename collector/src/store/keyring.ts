import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { projects, serviceKeys } from '../db/schema.js';
import { hashSecret } from './keys.js';

/** A project as ingest sees it. */
export interface Project {
  id: string;
  /** The project's number: the project id of its DSN. */
  number: number;
  allowedOrigins: string[];
}

/**
 * Who a key says sent a request. A project key speaks for the project's pages only; a
 * service key is one service of one project, whatever the body claims.
 */
export type Principal =
  | { role: 'page'; project: Project }
  | { role: 'service'; project: Project; service: string; keyId: string };

/** Resolves keys to principals, keeping answers for a few seconds so ingest does not query per report. */
export interface Keyring {
  /** The principal a presented key stands for; undefined for an unknown or revoked key. */
  resolve(key: string): Promise<Principal | undefined>;
  /** True when any project allows browsers from `origin`. */
  anyAllows(origin: string): Promise<boolean>;
  /** Forgets what is cached (after a key is made or revoked here). */
  forget(): void;
}

/** How long a cached answer is used: a key revoked on another collector stops working within it. */
export const KEYRING_TTL_MS = 5_000;

/** True when `origin` is on a project's list (`*` allows every origin). */
export function allowsOrigin(project: Project, origin: string): boolean {
  return project.allowedOrigins.some((allowed) => allowed === '*' || allowed === origin);
}

interface Snapshot {
  at: number;
  projects: Map<string, Project>;
  /** Project key hash → project. */
  pageKeys: Map<string, Project>;
  /** Service key hash → principal. */
  serviceKeys: Map<string, Principal>;
}

/** Creates a keyring over the store. */
export function createKeyring(db: Db): Keyring {
  let snapshot: Snapshot | undefined;
  let loading: Promise<Snapshot> | undefined;

  const read = async (): Promise<Snapshot> => {
    const [projectRows, keyRows] = await Promise.all([
      db
        .select({
          id: projects.id,
          number: projects.number,
          keyHash: projects.keyHash,
          allowedOrigins: projects.allowedOrigins,
        })
        .from(projects),
      db
        .select({
          id: serviceKeys.id,
          projectId: serviceKeys.projectId,
          service: serviceKeys.service,
          keyHash: serviceKeys.keyHash,
        })
        .from(serviceKeys)
        .where(isNull(serviceKeys.revokedAt)),
    ]);
    const byId = new Map<string, Project>();
    const pageKeys = new Map<string, Project>();
    for (const row of projectRows) {
      const project = { id: row.id, number: row.number, allowedOrigins: row.allowedOrigins };
      byId.set(row.id, project);
      pageKeys.set(row.keyHash, project);
    }
    const services = new Map<string, Principal>();
    for (const row of keyRows) {
      const project = byId.get(row.projectId);
      if (!project) continue;
      services.set(row.keyHash, {
        role: 'service',
        project,
        service: row.service,
        keyId: row.id,
      });
    }
    return { at: Date.now(), projects: byId, pageKeys, serviceKeys: services };
  };

  const load = async (fresh = false): Promise<Snapshot> => {
    if (!fresh && snapshot && Date.now() - snapshot.at < KEYRING_TTL_MS) return snapshot;
    loading ??= read().finally(() => {
      loading = undefined;
    });
    snapshot = await loading;
    return snapshot;
  };

  const lookup = (from: Snapshot, hash: string): Principal | undefined => {
    const project = from.pageKeys.get(hash);
    if (project) return { role: 'page', project };
    return from.serviceKeys.get(hash);
  };

  return {
    async resolve(key) {
      const hash = hashSecret(key);
      const cached = lookup(await load(), hash);
      if (cached) return cached;
      // A key made a moment ago on another collector: look once more, only when it can be one.
      const [project] = await db
        .select({ id: projects.id })
        .from(projects)
        .where(eq(projects.keyHash, hash));
      const [service] = project
        ? []
        : await db
            .select({ id: serviceKeys.id })
            .from(serviceKeys)
            .where(and(eq(serviceKeys.keyHash, hash), isNull(serviceKeys.revokedAt)));
      if (!project && !service) return undefined;
      return lookup(await load(true), hash);
    },
    async anyAllows(origin) {
      for (const project of (await load()).projects.values()) {
        if (allowsOrigin(project, origin)) return true;
      }
      return false;
    },
    forget() {
      snapshot = undefined;
    },
  };
}
