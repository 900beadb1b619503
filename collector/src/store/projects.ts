import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { projects } from '../db/schema.js';

/** A project as ingest sees it. */
export interface Project {
  id: string;
  key: string;
  allowedOrigins: string[];
}

/** Finds projects by key, keeping answers for a few seconds so ingest does not query per report. */
export interface ProjectCache {
  byKey(key: string): Promise<Project | undefined>;
  /** True when any project allows browsers from `origin`. */
  anyAllows(origin: string): Promise<boolean>;
}

const TTL_MS = 5_000;

/** True when `origin` is on a project's list (`*` allows every origin). */
export function allowsOrigin(project: Project, origin: string): boolean {
  return project.allowedOrigins.some((allowed) => allowed === '*' || allowed === origin);
}

/** Creates a project cache over the store. */
export function createProjectCache(db: Db): ProjectCache {
  let all: { at: number; projects: Project[] } | undefined;
  const load = async (): Promise<Project[]> => {
    if (all && Date.now() - all.at < TTL_MS) return all.projects;
    const rows = await db
      .select({ id: projects.id, key: projects.key, allowedOrigins: projects.allowedOrigins })
      .from(projects);
    all = { at: Date.now(), projects: rows };
    return rows;
  };
  return {
    async byKey(key) {
      const found = (await load()).find((p) => p.key === key);
      if (found) return found;
      // A project created a moment ago by another collector: look once more, uncached.
      const [row] = await db.select().from(projects).where(eq(projects.key, key));
      if (!row) return undefined;
      all = undefined;
      return { id: row.id, key: row.key, allowedOrigins: row.allowedOrigins };
    },
    async anyAllows(origin) {
      return (await load()).some((p) => allowsOrigin(p, origin));
    },
  };
}
