-- The host queue's other two steps as functions, each one round trip under the host's transaction
-- lock (the key of lockHost in lib/deployments/host-slots.ts), so that a run's end, a wake-up's look
-- and a claim see each other's commits in turn: a look that ran beside a run's end could miss it and
-- leave the next deployment to the fallback poll.
--
-- webops_next_startable(host): the operation of the host's oldest queued deployment when it could
-- start now (a free place, no action running, nothing deploying in its folder), else null.
-- webops_end_run(deployment, status, reason): ends a deployment's run, freeing its place, and returns
-- what webops_next_startable returns after it. A deployment that is gone raises an error.
-- webops_claim_host is replaced: its UPDATE also checks that the row is still queued (a cancel that
-- commits while the claim waits for the row is not overwritten).
--
-- Prisma's migration runner splits a file at every semicolon, comments included: each body is one
-- string with its semicolons written \073 (as in 20261202061000_auth_audit).

CREATE FUNCTION webops_next_startable(host text) RETURNS text
LANGUAGE plpgsql VOLATILE AS E'
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(''webops:host:'' || host, 0))\073
  RETURN (
    SELECT nxt."operationId" FROM (
      SELECT q."operationId", q."dirId" FROM "Deployment" q
      WHERE q."hostId" = host AND q.status = ''queued''
      ORDER BY q."createdAt", q.id LIMIT 1
    ) AS nxt, "Host" h
    WHERE h.id = host AND (
      SELECT count(*) FROM "Deployment" d WHERE d."hostId" = h.id AND d.status = ''deploying''
    ) < h."deployConcurrency" AND NOT EXISTS (
      SELECT 1 FROM "DeploymentAction" a WHERE a."hostId" = h.id AND a.active
    ) AND NOT EXISTS (
      SELECT 1 FROM "Deployment" d
      WHERE d."hostId" = h.id AND d."dirId" = nxt."dirId" AND d.status = ''deploying''
    )
  )\073
END
';

CREATE FUNCTION webops_end_run(deployment text, ended "DeploymentStatus", reason text) RETURNS text
LANGUAGE plpgsql VOLATILE AS E'
DECLARE
  host text\073
BEGIN
  SELECT d."hostId" INTO host FROM "Deployment" d WHERE d.id = deployment\073
  IF host IS NULL THEN
    RAISE EXCEPTION ''Deployment % is gone'', deployment\073
  END IF\073
  PERFORM pg_advisory_xact_lock(hashtextextended(''webops:host:'' || host, 0))\073
  UPDATE "Deployment"
  SET status = ended, error = reason, "finishedAt" = clock_timestamp() AT TIME ZONE ''UTC''
  WHERE id = deployment\073
  -- The look sees this UPDATE (its own transaction''s) and every commit before the lock.
  RETURN webops_next_startable(host)\073
END
';

CREATE OR REPLACE FUNCTION webops_claim_host(claimant text) RETURNS boolean
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
  WHERE d.id = free.id AND d.status = ''queued'' AND free.slot IS NOT NULL AND NOT EXISTS (
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
