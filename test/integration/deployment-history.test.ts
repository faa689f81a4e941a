import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { DEPLOYMENT_STATUSES } from "@/lib/deployments/history";
import type { TDeploymentStatus } from "@/lib/deployments/view";
import type { TLogLine } from "@/lib/logs/line";
import { markLogSearchable } from "@/lib/logs/writer";
import { pgPool } from "@/lib/pg-pool";
import { testUrl } from "../setup/system-config";
import { storeLines } from "../support/logs";

// The deployment history over HTTP (GET /api/deployments), on ~300 deployments seeded straight into
// the database in 2001, so deployments other test files create (dated now) never match a 2001 filter.
afterAll(() => disconnectDb());

interface TSeed {
  id: string;
  hostId: string;
  status: TDeploymentStatus;
  modelName: string;
  createdBy: string | null;
  createdAt: Date;
}
interface TRow {
  id: string;
  status: string;
  modelName: string;
  host: { id: string; name: string };
  createdBy: string | null;
  createdAt: string;
}
interface TPage {
  deployments: TRow[];
  nextCursor: string | null;
}

const MODELS = [
  "Qwen/Qwen2.5-0.5B-Instruct",
  "meta-llama/Llama-3.1-8B-Instruct",
  "TinyLlama/TinyLlama-1.1B-Chat",
  "facebook/opt_125m",
  "facebook/opt-350m",
];
const USERS = ["alice", "bob", null];
const YEAR = "from=2001-01-01&to=2001-12-31";
const run = randomBytes(3).toString("hex");
const seeds: TSeed[] = [];
const hostIds: string[] = [];
const hostsDeploying = new Set<string>();

async function seed(count: number, firstAt: Date, stepMs: number): Promise<TSeed[]> {
  const rows: TSeed[] = [];
  for (let i = 0; i < count; i++) {
    const hostId = hostIds[(i * 7) % hostIds.length] as string;
    let status = DEPLOYMENT_STATUSES[(i * 3) % DEPLOYMENT_STATUSES.length] as TDeploymentStatus;
    // The database allows one deploying deployment per place of a host (one place each here).
    if (status === "deploying" && hostsDeploying.has(hostId)) status = "failed";
    if (status === "deploying") hostsDeploying.add(hostId);
    // Every 10th shares its predecessor's createdAt: the id must break the tie.
    const at = new Date(firstAt.getTime() + (i - (i % 10 === 9 ? 1 : 0)) * stepMs);
    rows.push({
      // Lower-case letters and digits only, so PostgreSQL's collation orders them as JavaScript does.
      id: `h${randomBytes(6).toString("hex")}${String(i).padStart(6, "0")}`,
      hostId,
      status,
      modelName: MODELS[(i * 5 + Math.floor(i / 7)) % MODELS.length] as string,
      createdBy: USERS[(i * 11) % USERS.length] ?? null,
      createdAt: at,
    });
  }
  for (let start = 0; start < rows.length; start += 5000) {
    const chunk = rows.slice(start, start + 5000);
    await db().operation.createMany({
      data: chunk.map((r) => ({
        id: `op${r.id}`,
        kind: "deploy" as const,
        hostId: r.hostId,
        status: "succeeded" as const,
        createdAt: r.createdAt,
      })),
    });
    await db().deployment.createMany({
      data: chunk.map((r) => ({
        ...r,
        operationId: `op${r.id}`,
        spec: {},
        specHash: "x",
        installMethod: "pip",
        dirId: r.id,
        hostSlot: r.status === "deploying" ? 0 : null,
      })),
    });
  }
  return rows;
}

function newestFirst(a: TSeed, b: TSeed): number {
  const t = b.createdAt.getTime() - a.createdAt.getTime();
  return t !== 0 ? t : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

async function get(query: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(testUrl(`/api/deployments?${query}`));
  return { status: res.status, body: await res.json() };
}

/** Every page of a query, checking each is full but the last and carries a cursor only when more follow. */
async function walk(query: string, limit: number): Promise<TRow[]> {
  const rows: TRow[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const res = await get(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = res.body as TPage;
    rows.push(...page.deployments);
    if (page.nextCursor === null) {
      expect(page.deployments.length).toBeLessThanOrEqual(limit);
      return rows;
    }
    expect(page.deployments).toHaveLength(limit);
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

beforeAll(async () => {
  for (const n of [1, 2, 3]) {
    const host = await db().host.create({
      data: { name: `hist-${run}-${n}`, address: "127.0.0.1", username: "deploy", authMethod: "password" },
    });
    hostIds.push(host.id);
  }
  seeds.push(...(await seed(300, new Date("2001-03-01T00:00:00.000Z"), 17 * 3_600_000)));
  await seedLogs();
});

// Log search: every seeded deployment has a five-line log in two chunks; some lines hold the terms
// searched for, others decoys that hold them outside a line's text or differ only in a wildcard.
const OOM = `OOM-${run}`;
const WILD = `50%_(a.b) "q${run}\\p"`;
const STOPPED = `stopped-${run}`;
const logKind = (i: number) => i % 9;

function logOf(i: number): TLogLine[] {
  const at = "2001-03-01T00:00:00.000Z";
  const texts = ["Collecting vllm", "Installing collected packages", "Starting vLLM", "tail", "done"];
  const stages = ["install", "install", "start", "start", "start"];
  if (logKind(i) === 0)
    texts[3] = `torch.OutOfMemoryError: CUDA out of memory (${OOM}) Tried to allocate 2.00 GiB`;
  if (logKind(i) === 1) stages[3] = OOM.toLowerCase(); // the term as a stage name, not in the text
  if (logKind(i) === 2) texts[1] = `progress ${WILD}`;
  if (logKind(i) === 3) texts[1] = `progress 50xx(aXb) "q${run}\\p"`; // LIKE/regex wildcards would match
  return texts.map((text, k) => ({
    seq: k + 1,
    stream: k === 3 ? "stderr" : "stdout",
    text,
    at,
    stage: stages[k],
  }));
}

const actionOf = new Map<string, string>();
async function seedLogs() {
  for (const [i, s] of seeds.entries()) await storeLines(`op${s.id}`, logOf(i), 3);
  // Finished logs join the trigram index when their operation ends; leave every other one out, so
  // the search is checked on chunks in the index and on chunks not yet in it.
  const finished = seeds.filter((_s, i) => i % 2 === 0).map((s) => `op${s.id}`);
  for (const op of finished) await markLogSearchable(pgPool(), op);
  const counts = await pgPool().query(
    `SELECT searchable, count(*)::int AS n FROM "LogChunk" WHERE "operationId" = ANY($1::text[]) GROUP BY searchable`,
    [seeds.map((s) => `op${s.id}`)],
  );
  expect(new Map(counts.rows.map((r) => [r.searchable, r.n]))).toEqual(
    new Map([
      [true, finished.length * 2],
      [false, (seeds.length - finished.length) * 2],
    ]),
  );
  // Some deployments were stopped by an action whose own log holds the term.
  for (const [i, s] of seeds.entries()) {
    if (i % 50 !== 5) continue;
    const op = await db().operation.create({
      data: { kind: "deployment_stop", hostId: s.hostId, status: "succeeded" },
    });
    await db().deploymentAction.create({
      data: { deploymentId: s.id, operationId: op.id, hostId: s.hostId, active: false },
    });
    await storeLines(op.id, [
      { seq: 1, stream: "stdout", text: `Stopped (${STOPPED})`, at: "2001-03-01T00:00:00.000Z" },
    ]);
    actionOf.set(s.id, op.id);
  }
}

interface TMatchRow extends TRow {
  logMatch?: { operationId: string; seq: number; stage: string | null; text: string };
}

describe("deployment history log search", () => {
  it("finds deployments whose log text holds the term in any case, and names the first matching line", async () => {
    const expected = seeds.filter((_s, i) => logKind(i) === 0).sort(newestFirst);
    const rows = (await walk(`q=${encodeURIComponent(OOM.toLowerCase())}`, 20)) as TMatchRow[];
    expect(rows.map((r) => r.id)).toEqual(expected.map((s) => s.id));
    expect(rows[0]?.logMatch).toEqual({
      operationId: `op${expected[0]?.id}`,
      seq: 4,
      stage: "start",
      text: `torch.OutOfMemoryError: CUDA out of memory (${OOM}) Tried to allocate 2.00 GiB`,
    });
  });

  it("treats LIKE and regular-expression characters, quotes and backslashes as plain text", async () => {
    const expected = seeds.filter((_s, i) => logKind(i) === 2).sort(newestFirst);
    const rows = (await walk(`q=${encodeURIComponent(WILD)}`, 50)) as TMatchRow[];
    expect(rows.map((r) => r.id)).toEqual(expected.map((s) => s.id));
    expect(rows[0]?.logMatch?.text).toBe(`progress ${WILD}`);
  });

  it("searches the logs of stop, start, restart and undeploy too, combined with the other filters", async () => {
    const all = seeds.filter((s) => actionOf.has(s.id)).sort(newestFirst);
    expect(all.length).toBeGreaterThan(2);
    const rows = (await walk(`q=${STOPPED}`, 25)) as TMatchRow[];
    expect(rows.map((r) => r.id)).toEqual(all.map((s) => s.id));
    expect(rows[0]?.logMatch).toMatchObject({ operationId: actionOf.get(all[0]?.id as string), seq: 1 });
    const host = all[0]?.hostId as string;
    const onHost = (await walk(`q=${STOPPED}&host=${host}&${YEAR}`, 25)).map((r) => r.id);
    expect(onHost).toEqual(all.filter((s) => s.hostId === host).map((s) => s.id));
  });

  it("refuses a term too short or too long with 400 and a message", async () => {
    const short = await get("q=a");
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toMatch(/at least 2 characters/);
    expect(JSON.stringify(short.body)).toContain('"q"');
    const long = await get(`q=${"x".repeat(201)}`);
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).toMatch(/at most 200 characters/);
    const none = await get(`q=${encodeURIComponent(`nothing-${run}`)}`);
    expect(none).toEqual({ status: 200, body: { deployments: [], nextCursor: null } });
  });

  it("shows the matching line under each deployment on the history page", async () => {
    const html = await (await fetch(testUrl(`/deployments?q=${encodeURIComponent(OOM)}`))).text();
    const newest = seeds.filter((_s, i) => logKind(i) === 0).sort(newestFirst)[0] as TSeed;
    expect(html).toContain(`/deployments/${newest.id}`);
    expect(html).toContain("CUDA out of memory");
    expect(html).toContain("line 4 (start):");
  });
});

describe("deployment history API", () => {
  const h0 = () => hostIds[0] as string;
  const h1 = () => hostIds[1] as string;
  const h2 = () => hostIds[2] as string;
  const cases: [string, () => string, (s: TSeed) => boolean][] = [
    ["the whole year", () => YEAR, () => true],
    ["one host", () => `${YEAR}&host=${h1()}`, (s) => s.hostId === h1()],
    ["one status", () => `${YEAR}&status=failed`, (s) => s.status === "failed"],
    [
      "several statuses, repeated and comma-separated",
      () => `${YEAR}&status=failed,running&status=blocked`,
      (s) => ["failed", "running", "blocked"].includes(s.status),
    ],
    ["a model substring in any case", () => `${YEAR}&model=LLAMA`, (s) => /llama/i.test(s.modelName)],
    [
      "a model substring with a LIKE wildcard",
      () => `${YEAR}&model=opt_`,
      (s) => s.modelName.includes("opt_"),
    ],
    ["a user", () => `${YEAR}&user=alice`, (s) => s.createdBy === "alice"],
    [
      "a date range, the `to` day included whole",
      () => "from=2001-04-01&to=2001-04-30",
      (s) =>
        s.createdAt >= new Date("2001-04-01T00:00:00Z") && s.createdAt < new Date("2001-05-01T00:00:00Z"),
    ],
    [
      "a date-time range, both ends inclusive",
      () => "from=2001-05-03T05:00:00Z&to=2001-05-20T12:00:00.000Z",
      (s) =>
        s.createdAt >= new Date("2001-05-03T05:00:00Z") && s.createdAt <= new Date("2001-05-20T12:00:00Z"),
    ],
    [
      "everything at once",
      () =>
        `from=2001-03-15&to=2001-08-31&host=${h2()}&status=failed,queued,stopped,running&model=a&user=bob`,
      (s) =>
        s.hostId === h2() &&
        ["failed", "queued", "stopped", "running"].includes(s.status) &&
        s.modelName.toLowerCase().includes("a") &&
        s.createdBy === "bob" &&
        s.createdAt >= new Date("2001-03-15T00:00:00Z") &&
        s.createdAt < new Date("2001-09-01T00:00:00Z"),
    ],
  ];

  it.each(cases)(
    "filters by %s: exactly the matching rows, newest first, over every page",
    async (_l, q, keep) => {
      const expected = seeds.filter(keep).sort(newestFirst);
      expect(expected.length).toBeGreaterThan(0);
      const rows = await walk(q(), 13);
      expect(rows.map((r) => r.id)).toEqual(expected.map((s) => s.id));
      // Each row carries what the list shows.
      const first = rows[0] as TRow;
      const seeded = expected[0] as TSeed;
      expect(first).toMatchObject({
        status: seeded.status,
        modelName: seeded.modelName,
        createdBy: seeded.createdBy,
        createdAt: seeded.createdAt.toISOString(),
        host: { id: seeded.hostId },
      });
      expect(first.host.name).toMatch(/^hist-/);
    },
  );

  it("walks every page of the whole history without duplicates or gaps, whatever the page size", async () => {
    for (const limit of [1, 25, 100]) {
      const rows = await walk("", limit);
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
      expect(rows.length).toBe(await db().deployment.count());
      // The seeded rows are the oldest, in order, at the end.
      expect(rows.slice(-seeds.length).map((r) => r.id)).toEqual(
        [...seeds].sort(newestFirst).map((s) => s.id),
      );
    }
  });

  it("keeps the older `host` and `take` parameters working", async () => {
    const res = await get(`host=${h0()}&take=5`);
    expect(res.status).toBe(200);
    const page = res.body as TPage;
    expect(page.deployments.map((r) => r.id)).toEqual(
      seeds
        .filter((s) => s.hostId === h0())
        .sort(newestFirst)
        .slice(0, 5)
        .map((s) => s.id),
    );
    expect(page.nextCursor).not.toBeNull();
  });

  const bogusCursor = Buffer.from(JSON.stringify({ t: "yesterday", id: "x" })).toString("base64url");
  it.each([
    ["an unknown status", "status=done", "status"],
    ["a limit of 0", "limit=0", "limit"],
    ["a limit over 100", "limit=101", "limit"],
    ["a `take` that is not a number", "take=ten", "limit"],
    ["a date that is not a date", "from=last-week", "from"],
    ["`from` after `to`", "from=2001-05-02&to=2001-05-01", "from"],
    ["a cursor that is not base64 JSON", "cursor=%%%not-a-cursor", "cursor"],
    ["a cursor of the wrong shape", `cursor=${bogusCursor}`, "cursor"],
    ["a model filter over 200 characters", `model=${"m".repeat(201)}`, "model"],
  ])("refuses %s with 400 naming the parameter", async (_label, query, field) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    const body = res.body as { error: string; fields: Record<string, string> };
    expect(Object.keys(body.fields)).toEqual([field]);
    expect(body.error).toContain(field);
  });
});

describe("deployments page", () => {
  it("shows a filtered page with an Older link that keeps the filter, and explains a bad filter", async () => {
    const host = hostIds[1] as string;
    const res = await fetch(testUrl(`/deployments?${YEAR}&host=${host}&model=&status=`));
    expect(res.status).toBe(200);
    const html = await res.text();
    const newest = seeds.filter((s) => s.hostId === host).sort(newestFirst);
    expect(html).toContain(`/deployments/${newest[0]?.id}`);
    expect(html).not.toContain(`/deployments/${newest[25]?.id}`);
    const older = /href="(\/deployments\?[^"]*cursor=[^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
    expect(older).toContain(`host=${host}`);
    const next = await (await fetch(testUrl(older as string))).text();
    expect(next).toContain(`/deployments/${newest[25]?.id}`);
    expect(next).not.toContain(`/deployments/${newest[0]?.id}"`);
    const bad = await (await fetch(testUrl("/deployments?from=someday"))).text();
    expect(bad).toContain("The history filter is not valid");
  });
});
