// The history benchmark's data, written straight into its own database: 20 hosts, 10,000 deployments
// over the year 2026 with their pipeline operations and stored logs (90 lines each, one chunk per log,
// as the writer stores a short burst), and one finished 100,000-line log: 1,000,000 lines in all.
// All of them are finished, so their chunks are in the search index, as expireStream() leaves them.
import type pg from "pg";
import { joinLineJson, lineJson, type TLogLine } from "../../lib/logs/line";

export interface TSeeded {
  hostIds: string[];
  deployments: number;
  logLines: number;
  /** A phrase in the logs of 1% of the deployments, and how many. */
  needle: string;
  needleDeployments: number;
  bigOperationId: string;
  bigLines: number;
}

const DEPLOYMENTS = 10_000;
const LINES_EACH = 90;
const BIG = 100_000;
const NEEDLE = "CUDA out of memory";
const STATUSES = ["running", "failed", "stopped", "cancelled", "blocked", "failed", "running", "stopped"];
const MODELS = [
  "Qwen/Qwen2.5-0.5B-Instruct",
  "Qwen/Qwen2.5-7B-Instruct",
  "meta-llama/Llama-3.1-8B-Instruct",
  "meta-llama/Llama-3.3-70B-Instruct",
  "mistralai/Mistral-7B-Instruct-v0.3",
  "TinyLlama/TinyLlama-1.1B-Chat-v1.0",
  "google/gemma-2-9b-it",
  "microsoft/Phi-3-mini-4k-instruct",
];
const USERS = ["alice", "bob", "carol", "dave", null];
const STAGES = ["connect", "preflight", "prerequisites", "install", "fetch-model", "configure", "start"];

/** A small deterministic generator (mulberry32), so every run seeds the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Output as a deployment prints it: pip, the loader and the server, with varying figures. */
function lineText(rnd: () => number, k: number, needle: boolean): string {
  const n = Math.floor(rnd() * 100_000);
  const hex = n.toString(16).padStart(5, "0");
  if (needle && k === 70)
    return `torch.OutOfMemoryError: ${NEEDLE}. Tried to allocate ${(n % 20) + 1}.00 GiB (GPU 0; 79.19 GiB total capacity)`;
  switch (k % 6) {
    case 0:
      return `Collecting package-${n % 400}==${n % 9}.${n % 13}.${n % 7} (from vllm==0.11.${n % 3})`;
    case 1:
      return `  Downloading package_${n % 400}-${n % 9}.${n % 13}-cp312-manylinux_x86_64.whl (${n % 900} kB)`;
    case 2:
      return `INFO 11-${10 + (n % 20)} 1${n % 10}:${n % 60}:0${n % 10} [loader.py:${n % 300}] Loading weights shard ${n % 8} took ${(n % 5000) / 1000} s`;
    case 3:
      return `INFO [api_server.py:${n % 900}] request ${hex}${hex}: prompt_tokens=${n % 4096} generation=${n % 512}`;
    case 4:
      return `\u001b[32mSuccessfully installed package-${n % 400}-${n % 9}.${n % 13}\u001b[0m`;
    default:
      return `WARNING ${hex}: cache ${n % 100}% used, ${n % 64} blocks free of ${(n % 64) + 64}`;
  }
}

function logBody(operationIndex: number, count: number, needle: boolean, at: number): string {
  const rnd = random(operationIndex + 1);
  const lines: TLogLine[] = [];
  for (let seq = 1; seq <= count; seq++) {
    lines.push({
      seq,
      stream: seq % 17 === 0 ? "stderr" : "stdout",
      text: lineText(rnd, seq % 90, needle),
      at: new Date(at + seq * 40).toISOString(),
      stage: STAGES[Math.min(STAGES.length - 1, Math.floor((seq % 90) / 13))] as string,
    });
  }
  return joinLineJson(lines.map(lineJson));
}

export async function seedHistory(client: pg.Client): Promise<TSeeded> {
  const run = process.pid.toString(36);
  const hostIds = Array.from({ length: 20 }, (_, i) => `bh${run}h${i}`);
  await client.query(
    `INSERT INTO "Host" (id, name, address, username, "authMethod", "updatedAt")
     SELECT id, 'bench-' || id, '127.0.0.1', 'deploy', 'password', now() FROM unnest($1::text[]) AS id`,
    [hostIds],
  );
  const yearStart = Date.parse("2026-01-01T00:00:00Z");
  const step = Math.floor((365 * 86_400_000) / DEPLOYMENTS);
  let needles = 0;
  for (let from = 0; from < DEPLOYMENTS; from += 1000) {
    const ids: string[] = [];
    const hosts: string[] = [];
    const statuses: string[] = [];
    const models: string[] = [];
    const users: (string | null)[] = [];
    const created: string[] = [];
    const finished: string[] = [];
    const errors: (string | null)[] = [];
    const bodies: string[] = [];
    for (let i = from; i < Math.min(DEPLOYMENTS, from + 1000); i++) {
      const needle = i % 100 === 37;
      if (needle) needles++;
      const at = yearStart + i * step;
      const status = needle ? "failed" : (STATUSES[(i * 7) % STATUSES.length] as string);
      ids.push(`bd${run}x${i.toString().padStart(5, "0")}`);
      hosts.push(hostIds[(i * 13) % hostIds.length] as string);
      statuses.push(status);
      models.push(MODELS[(i * 5 + Math.floor(i / 11)) % MODELS.length] as string);
      users.push(USERS[(i * 3) % USERS.length] ?? null);
      created.push(new Date(at).toISOString());
      finished.push(new Date(at + 60_000 + (i % 600) * 1000).toISOString());
      errors.push(
        status === "failed" ? (needle ? `vLLM exited: ${NEEDLE}` : "pip install exited with 1") : null,
      );
      bodies.push(logBody(i, LINES_EACH, needle, at));
    }
    await client.query(
      `INSERT INTO "Operation" (id, kind, status, "hostId", "lineCount", "createdAt", "startedAt", "finishedAt")
       SELECT 'op' || id, 'deploy', 'succeeded', host, $3, at, at, fin
       FROM unnest($1::text[], $2::text[], $4::timestamptz[], $5::timestamptz[]) AS t(id, host, at, fin)`,
      [ids, hosts, LINES_EACH, created, finished],
    );
    await client.query(
      `INSERT INTO "Deployment" (id, "hostId", "operationId", status, spec, "specHash", "modelName",
         "installMethod", "dirId", stage, error, "createdBy", "createdAt", "startedAt", "finishedAt")
       SELECT id, host, 'op' || id, status::"DeploymentStatus", '{}', 'x', model, 'pip', id, 'running', err, who, at, at, fin
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])
         AS t(id, host, status, model, err, who, at, fin)`,
      [ids, hosts, statuses, models, errors, users, created, finished],
    );
    await client.query(
      `INSERT INTO "LogChunk" ("operationId", "firstSeq", "lastSeq", lines, searchable)
       SELECT 'op' || id, 1, $2, body, true FROM unnest($1::text[], $3::text[]) AS t(id, body)`,
      [ids, LINES_EACH, bodies],
    );
  }

  // The big log: a finished host check of 100,000 lines, stored in chunks of 20,000 as the writer does.
  const bigOperationId = `bop${run}`;
  await client.query(
    `INSERT INTO "Operation" (id, kind, status, "hostId", "lineCount", "startedAt", "finishedAt")
     VALUES ($1, 'host_check', 'succeeded', $2, $3, now(), now())`,
    [bigOperationId, hostIds[0], BIG],
  );
  for (let first = 1; first <= BIG; first += 20_000) {
    const count = Math.min(20_000, BIG - first + 1);
    const body = logBody(DEPLOYMENTS + first, count, false, Date.now()).replaceAll(
      /\{"seq":(\d+),/g,
      (_m, s: string) => `{"seq":${Number(s) + first - 1},`,
    );
    await client.query(
      `INSERT INTO "LogChunk" ("operationId", "firstSeq", "lastSeq", lines, searchable) VALUES ($1, $2, $3, $4, true)`,
      [bigOperationId, first, first + count - 1, body],
    );
  }
  return {
    hostIds,
    deployments: DEPLOYMENTS,
    logLines: DEPLOYMENTS * LINES_EACH + BIG,
    needle: NEEDLE,
    needleDeployments: needles,
    bigOperationId,
    bigLines: BIG,
  };
}
