import pg from "pg";
import { databaseUrl } from "./env";

const globalForPool = globalThis as unknown as { webopsPgPool?: pg.Pool };

/**
 * The process's PostgreSQL pool for what goes through `pg` directly, not Prisma: log chunks (one
 * large text parameter each), the log search, the history's reads, the one statement every request
 * runs to authenticate, and the host queue's functions (a claim waits there for its host's lock,
 * holding its connection for the few milliseconds another claim or end holds it). Idle connections
 * never keep a process from exiting.
 */
export function pgPool(): pg.Pool {
  if (!globalForPool.webopsPgPool) {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 8, allowExitOnIdle: true });
    // An idle connection that breaks (PostgreSQL restarted) is dropped; the next INSERT reconnects.
    pool.on("error", () => {});
    globalForPool.webopsPgPool = pool;
  }
  return globalForPool.webopsPgPool;
}

export async function endPgPool(): Promise<void> {
  const pool = globalForPool.webopsPgPool;
  globalForPool.webopsPgPool = undefined;
  await pool?.end();
}

/**
 * SQL for a stored time column (UTC, milliseconds, as Prisma keeps DateTime) as the text
 * `Date.toISOString()` writes: rows read through `pg` show the same times as Prisma's, whatever the
 * session's time zone.
 */
export function isoText(column: string): string {
  return `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
