import pg from "pg";
import { databaseUrl } from "./env";

const globalForPool = globalThis as unknown as { webopsPgPool?: pg.Pool };
/** Connections the pool keeps open when idle. */
const POOL_MIN = 4;

/**
 * The process's PostgreSQL pool for what goes through `pg` directly, not Prisma: log chunks (one
 * large text parameter each), the log search, the history's reads, the one statement every request
 * runs to authenticate, and the host queue's functions (a claim waits there for its host's lock,
 * holding its connection for the few milliseconds another claim or end holds it). Idle connections
 * never keep a process from exiting.
 */
export function pgPool(): pg.Pool {
  if (!globalForPool.webopsPgPool) {
    // Four stay open when idle: a new connection costs a process fork and a SCRAM exchange, which
    // a deployment's claim of its host would otherwise wait for.
    const pool = new pg.Pool({
      connectionString: databaseUrl(),
      max: 8,
      min: POOL_MIN,
      // Kept connections are probed, so one dropped by the network fails instead of hanging a query.
      keepAlive: true,
      allowExitOnIdle: true,
    });
    // An idle connection that breaks (PostgreSQL restarted) is dropped; the next INSERT reconnects.
    pool.on("error", () => {});
    globalForPool.webopsPgPool = pool;
  }
  return globalForPool.webopsPgPool;
}

/**
 * Opens the connections the pool keeps (a worker calls it as it starts, so its first claims do not
 * wait for connections to open). A failure is left to the first real query to report.
 */
export async function warmPgPool(): Promise<void> {
  const pool = pgPool();
  const clients = await Promise.all(
    Array.from({ length: POOL_MIN }, () => pool.connect().catch(() => undefined)),
  );
  for (const client of clients) client?.release();
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
