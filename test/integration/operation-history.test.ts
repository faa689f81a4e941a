import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { markLogSearchable } from "@/lib/logs/writer";
import type { TOperationRow } from "@/lib/operations/history";
import { endPgPool, pgPool } from "@/lib/pg-pool";
import { testUrl } from "../setup/system-config";
import { storeLines } from "../support/logs";

// The operations history over the production web app: every kind of operation, filtered by kind,
// status, host, user and dates, searched in logs, paginated without gaps; seeded rows in the year 2002
// (so other tests' operations never match a filter here).
const run = randomBytes(3).toString("hex");
const KINDS = [
  "host_check",
  "prerequisites",
  "deploy",
  "load_test",
  "deployment_stop",
  "deployment_restart",
] as const;
const STATUSES = ["succeeded", "failed", "blocked", "cancelled"] as const;
const USERS = ["ada@test.webops", "bob@test.webops", null];
const TERM = `needle-${run}`;
const YEAR = "from=2002-01-01&to=2002-12-31";
const hostIds: string[] = [];
interface TSeed {
  id: string;
  kind: (typeof KINDS)[number];
  status: (typeof STATUSES)[number];
  hostId: string;
  createdBy: string | null;
  createdAt: Date;
}
const seeds: TSeed[] = [];

beforeAll(async () => {
  for (const n of [1, 2]) {
    const host = await db().host.create({
      data: {
        name: `ophist-${run}-${n}`,
        address: "127.0.0.1",
        port: 22,
        username: "deploy",
        authMethod: "key",
      },
    });
    hostIds.push(host.id);
  }
  const first = Date.parse("2002-03-01T00:00:00Z");
  for (let i = 0; i < 40; i++)
    seeds.push({
      id: `oph${run}${String(i).padStart(3, "0")}`,
      kind: KINDS[i % KINDS.length] as TSeed["kind"],
      status: STATUSES[(i * 3) % STATUSES.length] as TSeed["status"],
      hostId: hostIds[i % 2] as string,
      createdBy: USERS[(i * 5) % USERS.length] ?? null,
      // Every 8th shares its predecessor's time: the id breaks the tie.
      createdAt: new Date(first + (i - (i % 8 === 7 ? 1 : 0)) * 86_400_000),
    });
  await db().operation.createMany({ data: seeds.map((s) => ({ ...s, finishedAt: s.createdAt })) });
  // Three operations' logs hold the term, one of them in a line that is not its first.
  for (const [k, i] of [3, 17, 30].entries()) {
    const id = (seeds[i] as TSeed).id;
    const lines = [0, 1, 2].map((n) => ({
      seq: n + 1,
      stream: "stdout" as const,
      text: n === k ? `error: the ${TERM.toUpperCase()} was found` : `line ${n} of ${id}`,
      at: "2002-03-01T00:00:00.000Z",
    }));
    await storeLines(id, lines);
    if (k === 0) await markLogSearchable(pgPool(), id);
  }
}, 60_000);

afterAll(async () => {
  await endPgPool();
  await disconnectDb();
});

async function get(
  query: string,
): Promise<{ status: number; body: { items: TOperationRow[]; nextCursor: string | null; error?: string } }> {
  const res = await fetch(testUrl(`/api/operations?${query}`));
  return { status: res.status, body: await res.json() };
}

async function walk(query: string, limit: number): Promise<TOperationRow[]> {
  const rows: TOperationRow[] = [];
  let cursor: string | null = null;
  do {
    const page = await get(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.status, page.body.error).toBe(200);
    rows.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return rows;
}

const newestFirst = (a: TSeed, b: TSeed) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1);
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe("operations history", () => {
  it("walks every operation of the year, newest first, without gaps or duplicates", async () => {
    expect(ids(await walk(YEAR, 7))).toEqual(ids([...seeds].sort(newestFirst)));
  });

  it("filters by kind, status (repeated or comma-separated), host, user and dates: exactly the right rows", async () => {
    const cases: [string, (s: TSeed) => boolean][] = [
      ["kind=host_check", (s) => s.kind === "host_check"],
      ["kind=deploy,load_test", (s) => s.kind === "deploy" || s.kind === "load_test"],
      ["status=failed&status=blocked", (s) => s.status === "failed" || s.status === "blocked"],
      [`host=${hostIds[1]}`, (s) => s.hostId === hostIds[1]],
      ["user=ada@test.webops", (s) => s.createdBy === "ada@test.webops"],
      [
        `kind=prerequisites&host=${hostIds[0]}&status=succeeded`,
        (s) => s.kind === "prerequisites" && s.hostId === hostIds[0] && s.status === "succeeded",
      ],
    ];
    for (const [query, keep] of cases)
      expect(ids(await walk(`${YEAR}&${query}`, 5)), query).toEqual(
        ids(seeds.filter(keep).sort(newestFirst)),
      );
    const march = await walk("from=2002-03-01&to=2002-03-10", 50);
    expect(ids(march)).toEqual(
      ids(seeds.filter((s) => s.createdAt < new Date("2002-03-11")).sort(newestFirst)),
    );
  });

  it("finds operations by their log text, in any case, with the matching line", async () => {
    const found = await walk(`${YEAR}&q=${encodeURIComponent(TERM)}`, 10);
    expect(ids(found).sort()).toEqual([3, 17, 30].map((i) => (seeds[i] as TSeed).id).sort());
    for (const row of found) {
      expect(row.logMatch?.text).toContain(TERM.toUpperCase());
      expect(row.logMatch?.operationId).toBe(row.id);
    }
  });

  it("refuses a bad filter with the parameter named, and shows it on the page", async () => {
    for (const [query, field] of [
      ["kind=reboot", "kind"],
      ["status=done", "status"],
      ["from=2002-05-01&to=2002-04-01", "from"],
      ["cursor=nonsense", "cursor"],
      ["q=x", "q"],
    ]) {
      const res = await fetch(testUrl(`/api/operations?${query}`));
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { fields: Record<string, string> };
      expect(Object.keys(body.fields), query).toEqual([field]);
    }
    const html = await (await fetch(testUrl("/operations?kind=reboot"))).text();
    expect(html).toContain("The operations filter is not valid");
  });

  it("records who started a host check, and lists it on the page", async () => {
    const res = await fetch(testUrl(`/api/hosts/${hostIds[0]}/checks`), { method: "POST" });
    expect(res.status).toBe(202);
    const { operationId } = (await res.json()) as { operationId: string };
    const listed = await get(`kind=host_check&user=admin@test.webops&host=${hostIds[0]}`);
    expect(listed.body.items.map((r) => r.id)).toContain(operationId);
    const html = await (await fetch(testUrl(`/operations?host=${hostIds[0]}&kind=host_check`))).text();
    expect(html).toContain(`/operations/${operationId}`);
    expect(html).toContain("admin@test.webops");
  });
});
