-- Log search (GET /api/deployments?q=): a trigram index over the stored chunks, so ILIKE and
-- case-insensitive regular expressions for a term read only the chunks that can hold it.
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "LogChunk_lines_trgm_idx" ON "LogChunk" USING gin (lines gin_trgm_ops);
