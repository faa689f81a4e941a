-- Log search (GET /api/deployments?q=): a trigram index over the stored chunks, so ILIKE and
-- case-insensitive regular expressions for a term read only the chunks that can hold it.
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- New chunks wait in the index's pending list, which every search reads through, and a 256 kB limit
-- (the default is 4 MB) keeps that read short and merges the list into the index more often.
CREATE INDEX "LogChunk_lines_trgm_idx" ON "LogChunk" USING gin (lines gin_trgm_ops)
  WITH (gin_pending_list_limit = 256);
