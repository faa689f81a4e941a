import type { Prisma } from "../generated/prisma/client";
import { pgPool } from "../pg-pool";

/**
 * A host runs at most `Host.deployConcurrency` deployments at once (1 by default: one at a time).
 * Each deploying deployment holds one numbered place on its host; a unique index over (host, place)
 * of deploying deployments makes a second claimant of the same place fail, so no count can race.
 */

/**
 * Claims of a host's places (webops_claim_host, the same key) and starts of actions on it take this
 * transaction lock first, so each
 * sees what the other committed: a deployment and an action never both pass their checks at once.
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
 * (migration 20261202142000_claim_host_function) takes the host's lock (see lockHost) and then
 * claims. Keyed by the deployment's operation (the job's id). True when taken.
 */
export async function claimHost(operationId: string): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { rows } = await pgPool().query<{ claimed: boolean }>("SELECT webops_claim_host($1) AS claimed", [
        operationId,
      ]);
      return rows[0]?.claimed === true;
    } catch (err) {
      // Another deployment took the same place first: look again for the next one.
      const contended = /Deployment_one_deploying_per_host_slot|23505|unique/i.test((err as Error).message);
      if (!contended) throw err;
      if (attempt >= CONTENDED_TRIES) return false;
    }
  }
}

/**
 * Of host $1's queued deployments, the oldest, when it could start now: the host has a free place,
 * no action runs there and nothing deploys in its folder. `$2` is a deployment that counts as
 * released already (the statement's own UPDATE, which its reads do not see), or null.
 */
const NEXT_STARTABLE = `
  SELECT next."operationId" FROM (
    SELECT q."operationId", q."dirId" FROM "Deployment" q
    WHERE q."hostId" = $1 AND q.status = 'queued'
    ORDER BY q."createdAt", q.id LIMIT 1
  ) AS next, "Host" h
  WHERE h.id = $1 AND (
    SELECT count(*) FROM "Deployment" d
    WHERE d."hostId" = h.id AND d.status = 'deploying' AND d.id IS DISTINCT FROM $2::text
  ) < h."deployConcurrency" AND NOT EXISTS (
    SELECT 1 FROM "DeploymentAction" a WHERE a."hostId" = h.id AND a.active
  ) AND NOT EXISTS (
    SELECT 1 FROM "Deployment" d
    WHERE d."hostId" = h.id AND d."dirId" = next."dirId" AND d.status = 'deploying'
      AND d.id IS DISTINCT FROM $2::text
  )`;

/**
 * The operation of the deployment that would start on the host now, or null. What a wake-up
 * promotes, so it never wakes a job whose claim would fail (and put it back, and wake it).
 */
export async function nextStartable(hostId: string): Promise<string | null> {
  const { rows } = await pgPool().query<{ operationId: string }>(NEXT_STARTABLE, [hostId, null]);
  return rows[0]?.operationId ?? null;
}

/** How a deployment's run ends: serving, or stopped short (its place on the host is freed). */
export type TRunEnd = "running" | "failed" | "blocked" | "cancelled";

/**
 * Ends a deployment's run (status, reason, finish time) and, in the same statement, finds the
 * deployment that can start on its host now: that one's operation, or null. Ending and looking
 * were two round trips on the path from one deployment of a host to the next.
 */
export async function endRun(
  hostId: string,
  deploymentId: string,
  status: TRunEnd,
  error: string | null,
): Promise<string | null> {
  const { rows } = await pgPool().query<{ operationId: string }>(
    `WITH ended AS (
      UPDATE "Deployment"
      SET status = $3::"DeploymentStatus", error = $4::text, "finishedAt" = clock_timestamp() AT TIME ZONE 'UTC'
      WHERE id = $2 RETURNING id
    )
    SELECT startable."operationId" FROM ended, (${NEXT_STARTABLE}) AS startable`,
    [hostId, deploymentId, status, error],
  );
  return rows[0]?.operationId ?? null;
}
