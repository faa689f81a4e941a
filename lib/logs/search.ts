import type pg from "pg";
import { pgPool } from "../pg-pool";
import { parseLineJson } from "./line";

/** Search terms shorter than this would match nearly every log; longer ones are refused. */
export const LOG_SEARCH_MIN = 2;
export const LOG_SEARCH_MAX = 200;

/** A line that matched, cut around the match so a list can show it. */
export interface TLogMatch {
  operationId: string;
  seq: number;
  stage: string | null;
  text: string;
}

/**
 * SQL patterns that find `term` (case-insensitive) inside a line's text in a stored chunk. Chunks
 * hold each line's JSON, so the term is matched as JSON writes it; the cheap ILIKE drops most chunks
 * and the regular expression then requires the match inside a `"text":"..."` string, not in a line
 * number, a timestamp or a stage name.
 */
export function chunkPatterns(term: string): { like: string; regex: string } {
  const json = JSON.stringify(term).slice(1, -1);
  const like = `%${json.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const literal = json.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
  return { like, regex: `"text":"(?:[^"\\\\]|\\\\.)*${literal}` };
}

const MATCHING_CHUNK = `c.lines ILIKE $1 AND c.lines ~* $2`;

/**
 * The operations with a matching chunk: finished logs through the trigram index (a partial index
 * over `searchable` chunks), live or not yet indexed chunks through their own small index.
 */
const MATCHING_OPERATIONS = `
  SELECT c."operationId" FROM "LogChunk" c WHERE c.searchable AND ${MATCHING_CHUNK}
  UNION
  SELECT c."operationId" FROM "LogChunk" c WHERE NOT c.searchable AND ${MATCHING_CHUNK}`;

/**
 * Runs the search's statement with sequential scans priced out. The planner costs a chunk by its
 * small row, not by its TOASTed text, so it picks a sequential scan that decompresses every chunk
 * (1.6 s over 1,000,000 lines in bench:history) where the trigram index reads only the chunks that
 * can match (35 ms).
 */
async function withIndexScan<T>(pool: pg.Pool, run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN READ ONLY");
    await client.query("SET LOCAL enable_seqscan = off");
    const result = await run(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Ids of the deployments whose logs (the pipeline's and every stop, start, restart and undeploy)
 * hold `term` in a line's text: one pass over the stored chunks.
 */
export async function deploymentsWithLogMatch(term: string, pool: pg.Pool = pgPool()): Promise<string[]> {
  const { like, regex } = chunkPatterns(term);
  const { rows } = await withIndexScan(pool, (client) =>
    client.query(
      `WITH hit AS (${MATCHING_OPERATIONS})
     SELECT d.id FROM "Deployment" d JOIN hit ON hit."operationId" = d."operationId"
     UNION
     SELECT a."deploymentId" FROM "DeploymentAction" a JOIN hit ON hit."operationId" = a."operationId"`,
      [like, regex],
    ),
  );
  return (rows as { id: string }[]).map((r) => r.id);
}

/** Ids of the operations (of any kind) whose log holds `term` in a line's text. */
export async function operationsWithLogMatch(term: string, pool: pg.Pool = pgPool()): Promise<string[]> {
  const { like, regex } = chunkPatterns(term);
  const { rows } = await withIndexScan(pool, (client) => client.query(MATCHING_OPERATIONS, [like, regex]));
  return (rows as { operationId: string }[]).map((r) => r.operationId);
}

const SNIPPET = 160;

/** The text around the first match: at most SNIPPET characters, with ellipses where it was cut. */
export function snippet(text: string, term: string): string {
  const at = text.toLowerCase().indexOf(term.toLowerCase());
  if (text.length <= SNIPPET || at < 0) return text.length <= SNIPPET ? text : `${text.slice(0, SNIPPET)}…`;
  const start = Math.max(0, Math.min(at - 40, text.length - SNIPPET));
  const end = start + SNIPPET;
  return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`;
}

/** The first matching line of each operation given (those without a match are left out). */
export async function firstLogMatches(
  operationIds: readonly string[],
  term: string,
  pool: pg.Pool = pgPool(),
): Promise<Map<string, TLogMatch>> {
  const found = new Map<string, TLogMatch>();
  if (operationIds.length === 0) return found;
  const { like, regex } = chunkPatterns(term);
  const { rows } = await pool.query(
    `SELECT c."operationId", c.lines FROM "LogChunk" c
     WHERE c."operationId" = ANY($3::text[]) AND ${MATCHING_CHUNK}
     ORDER BY c."operationId", c."lastSeq"`,
    [like, regex, operationIds],
  );
  const needle = term.toLowerCase();
  for (const row of rows as { operationId: string; lines: string }[]) {
    if (found.has(row.operationId)) continue;
    const line = parseLineJson(row.lines).find((l) => l.text.toLowerCase().includes(needle));
    if (line)
      found.set(row.operationId, {
        operationId: row.operationId,
        seq: line.seq,
        stage: line.stage ?? null,
        text: snippet(line.text, term),
      });
  }
  return found;
}
