-- A deployment's claim of a place on its host, in one round trip (lib/deployments/host-slots.ts
-- calls it, where it was a transaction of two statements, four round trips). The host's transaction lock
-- comes first, and the claim reads after it with a snapshot of its own (a VOLATILE function takes a new
-- snapshot for each statement), so it sees every claim and every action start committed before it.
-- The claim takes a free place when the deployment is the oldest queued of its host, fewer than the
-- host's setting are deploying there, no action runs there and nothing deploys in its folder.
-- Prisma's migration runner splits a file at every semicolon: the body is one string with each of its
-- semicolons written \073 (as in 20261202061000_auth_audit).
CREATE FUNCTION webops_claim_host(claimant text) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS E'
DECLARE
  host text\073
  taken integer\073
BEGIN
  SELECT d."hostId" INTO host FROM "Deployment" d WHERE d."operationId" = claimant\073
  IF host IS NULL THEN
    RETURN false\073
  END IF\073
  PERFORM pg_advisory_xact_lock(hashtextextended(''webops:host:'' || host, 0))\073
  UPDATE "Deployment" d
  SET status = ''deploying'', "hostSlot" = free.slot,
      -- When it got its place (after the lock), in UTC as every stored time is.
      "startedAt" = COALESCE(d."startedAt", clock_timestamp() AT TIME ZONE ''UTC''), "finishedAt" = NULL
  FROM (
    SELECT q.id, (
      SELECT g.slot FROM "Host" h, generate_series(0, h."deployConcurrency" - 1) AS g(slot)
      WHERE h.id = q."hostId" AND (
        -- Places above a lowered setting may still be held: count, not only the free number.
        SELECT count(*) FROM "Deployment" o WHERE o."hostId" = q."hostId" AND o.status = ''deploying''
      ) < h."deployConcurrency" AND NOT EXISTS (
        SELECT 1 FROM "Deployment" o
        WHERE o."hostId" = q."hostId" AND o.status = ''deploying'' AND o."hostSlot" = g.slot
      )
      ORDER BY g.slot LIMIT 1
    ) AS slot
    FROM "Deployment" q WHERE q."operationId" = claimant AND q.status = ''queued''
  ) AS free
  WHERE d.id = free.id AND free.slot IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM "Deployment" o
    WHERE o."hostId" = d."hostId" AND o.status = ''queued'' AND o.id <> d.id
      AND (o."createdAt" < d."createdAt" OR (o."createdAt" = d."createdAt" AND o.id < d.id))
  ) AND NOT EXISTS (
    SELECT 1 FROM "DeploymentAction" a WHERE a."hostId" = d."hostId" AND a.active
  ) AND NOT EXISTS (
    -- A redeploy or rollback reuses its original''s folder: never two pipelines in one folder.
    SELECT 1 FROM "Deployment" o
    WHERE o."hostId" = d."hostId" AND o."dirId" = d."dirId" AND o.status = ''deploying''
  )\073
  GET DIAGNOSTICS taken = ROW_COUNT\073
  RETURN taken = 1\073
END
';
