import type { Prisma } from "../generated/prisma/client";
import { pgPool } from "../pg-pool";

/**
 * A host runs at most `Host.deployConcurrency` deployments at once (1 by default: one at a time).
 * Each deploying deployment holds one numbered place on its host; a unique index over (host, place)
 * of deploying deployments makes a second claimant of the same place fail, so no count can race.
 */

/**
 * The host's transaction lock. Starts of actions take it (here), and so do the database functions
 * of the host's queue (webops_claim_host, webops_next_startable, webops_end_run, with the same key):
 * each sees what the others committed before it, so a deployment and an action never both pass
 * their checks at once, and no run's end goes unseen by the look for the next deployment.
 */
export function lockHost(tx: Prisma.TransactionClient, hostId: string): Promise<number> {
  return tx.$executeRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${`webops:host:${hostId}`}, 0))`;
}

/** Claims left to a place taken at the same instant by another worker (then the next place is tried). */
const CONTENDED_TRIES = 3;

/**
 * Takes a free place on its host for this deployment when it is next in line: the oldest queued
 * deployment of its host, no action running there, fewer deployments deploying there than the host
 * allows, and none deploying in its folder. One round trip: the function `webops_claim_host`
 * (migrations 20261202142000_claim_host_function and 20261202151000_host_queue_functions) takes
 * the host's lock (see lockHost) and then claims. Keyed by the deployment's operation. True when taken.
 */
export async function claimHost(operationId: string): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { rows } = await pgPool().query<{ claimed: boolean }>("SELECT webops_claim_host($1) AS claimed", [
        operationId,
      ]);
      return rows[0]?.claimed === true;
    } catch (err) {
      // Another deployment took the same place first (a unique violation): look again for the next one.
      const contended = (err as { code?: unknown }).code === "23505";
      if (!contended) throw err;
      if (attempt >= CONTENDED_TRIES) return false;
    }
  }
}

/**
 * The operation of the deployment that would start on the host now: the oldest queued one, when the
 * host has a free place, no action runs there and nothing deploys in its folder; else null. What a
 * wake-up promotes, so it never wakes a job whose claim would fail (and put it back, and wake it).
 * Looked up under the host's lock (`webops_next_startable`), so it sees a run's end that committed
 * before it, and a run's end that comes after sees what committed before that.
 */
export async function nextStartable(hostId: string): Promise<string | null> {
  const { rows } = await pgPool().query<{ operationId: string | null }>(
    'SELECT webops_next_startable($1) AS "operationId"',
    [hostId],
  );
  return rows[0]?.operationId ?? null;
}

/** How a deployment's run ends: serving, or stopped short (its place on the host is freed). */
export type TRunEnd = "running" | "failed" | "blocked" | "cancelled";

/**
 * Ends a deployment's run (status, reason, finish time), freeing its place, and returns the
 * operation of the deployment that can start on its host now (as `nextStartable`), or null. One
 * round trip under the host's lock (`webops_end_run`). Throws when the deployment is gone.
 */
export async function endRun(
  deploymentId: string,
  status: TRunEnd,
  error: string | null,
): Promise<string | null> {
  const { rows } = await pgPool().query<{ operationId: string | null }>(
    'SELECT webops_end_run($1, $2::"DeploymentStatus", $3::text) AS "operationId"',
    [deploymentId, status, error],
  );
  return rows[0]?.operationId ?? null;
}
