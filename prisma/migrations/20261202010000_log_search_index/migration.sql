-- Log search (GET /api/deployments?q=): a trigram index over the stored chunks of finished
-- operations, so ILIKE and case-insensitive regular expressions for a term read only the chunks that
-- can hold it. Chunks join the index when their operation ends (searchable = true), so live log
-- writes never pay for it, and the few chunks not yet in it are found through their own small index.
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE "LogChunk" ADD COLUMN "searchable" BOOLEAN NOT NULL DEFAULT false;

UPDATE "LogChunk" c SET "searchable" = true FROM "Operation" o
  WHERE o.id = c."operationId" AND o.status NOT IN ('queued', 'running');

-- New entries wait in the index's pending list, which every search reads through, and a 256 kB
-- limit (the default is 4 MB) keeps that read short.
CREATE INDEX "LogChunk_lines_trgm_idx" ON "LogChunk" USING gin (lines gin_trgm_ops)
  WITH (gin_pending_list_limit = 256) WHERE "searchable";

CREATE INDEX "LogChunk_unsearchable_idx" ON "LogChunk" ("operationId") WHERE NOT "searchable";
