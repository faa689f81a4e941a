import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDashboard } from "@/lib/dashboard/stats";
import { db, disconnectDb } from "@/lib/db";
import type { TDeploymentStatus, TStageStatus } from "@/lib/deployments/view";
import { testUrl } from "../setup/system-config";

// The dashboard's aggregates over HTTP (GET /api/dashboard) on deployments and stages seeded straight
// into PostgreSQL in June 1998 with known durations and outcomes, so every figure can be worked out
// by hand. No other test file writes deployments dated 1998.
afterAll(() => disconnectDb());

const run = randomBytes(3).toString("hex");
const RANGE = "from=1998-06-01&to=1998-06-03";
let h1 = "";
let h2 = "";

interface TSeed {
  host: () => string;
  day: string;
  status: TDeploymentStatus;
  stage?: string;
  error?: string;
  /** Stage name → [status, milliseconds]; stages start one after another from 10:00 UTC. */
  stages: [string, TStageStatus, number][];
}

const S = (ms: number): [string, TStageStatus, number] => ["connect", "succeeded", ms];
const F = (ms: number): [string, TStageStatus, number] => ["fetch-model", "succeeded", ms];
const R: [string, TStageStatus, number] = ["running", "succeeded", 0];

const SEEDS: TSeed[] = [
  // host 1: two reached running (one since replaced), two failed for the same reason, one cancelled
  { host: () => h1, day: "1998-06-01", status: "running", stages: [S(1000), F(10_000), R] },
  {
    host: () => h1,
    day: "1998-06-01",
    status: "stopped",
    error: "Replaced",
    stages: [S(3000), F(20_000), R],
  },
  {
    host: () => h1,
    day: "1998-06-02",
    status: "failed",
    stage: "fetch-model",
    error: "Fetch the model: disk full",
    stages: [S(2000), ["fetch-model", "failed", 99_000]],
  },
  {
    host: () => h1,
    day: "1998-06-03",
    status: "failed",
    stage: "fetch-model",
    error: "Fetch the model: disk full",
    stages: [S(2000), ["fetch-model", "failed", 50_000]],
  },
  { host: () => h1, day: "1998-06-03", status: "cancelled", error: "Cancelled", stages: [] },
  // host 2: one reached running (a skipped stage does not count), one failed, one queued, one blocked
  {
    host: () => h2,
    day: "1998-06-02",
    status: "running",
    stages: [S(5000), ["fetch-model", "skipped", 0], R],
  },
  {
    host: () => h2,
    day: "1998-06-02",
    status: "failed",
    stage: "preflight",
    error: "Preflight: port 8000 is in use",
    stages: [S(4000), ["preflight", "failed", 100]],
  },
  { host: () => h2, day: "1998-06-03", status: "queued", stages: [] },
  { host: () => h2, day: "1998-06-03", status: "blocked", error: "Missing prerequisites", stages: [] },
  // outside the range: must not count
  { host: () => h1, day: "1998-06-04", status: "failed", error: "Outside", stages: [S(60_000)] },
];

beforeAll(async () => {
  for (const n of [1, 2]) {
    const host = await db().host.create({
      data: { name: `dash-${run}-${n}`, address: "127.0.0.1", username: "deploy", authMethod: "password" },
    });
    if (n === 1) h1 = host.id;
    else h2 = host.id;
  }
  for (const [i, seed] of SEEDS.entries()) {
    const id = `dash${run}${String(i).padStart(3, "0")}`;
    const start = new Date(`${seed.day}T10:00:00.000Z`);
    await db().operation.create({
      data: { id: `op${id}`, kind: "deploy", hostId: seed.host(), status: "succeeded", createdAt: start },
    });
    let at = start.getTime();
    const stages = seed.stages.map(([name, status, ms], position) => {
      const row = {
        deploymentId: id,
        name,
        position,
        status,
        startedAt: new Date(at),
        finishedAt: new Date(at + ms),
      };
      at += ms;
      return row;
    });
    await db().deployment.create({
      data: {
        id,
        hostId: seed.host(),
        operationId: `op${id}`,
        status: seed.status,
        stage: seed.stage ?? null,
        error: seed.error ?? null,
        spec: {},
        specHash: "x",
        modelName: "m",
        installMethod: "pip",
        dirId: id,
        createdAt: start,
        startedAt: start,
        finishedAt: new Date(at),
      },
    });
    await db().deploymentStage.createMany({ data: stages });
  }
});

async function dashboard(query: string): Promise<{ status: number; body: TDashboard & { error?: string } }> {
  const res = await fetch(testUrl(`/api/dashboard?${query}`));
  return { status: res.status, body: (await res.json()) as TDashboard & { error?: string } };
}

const scoped = (body: TDashboard) => body.hosts.filter((h) => h.id === h1 || h.id === h2);

describe("history dashboard API", () => {
  it("counts deployments per day by outcome, every day of the range present", async () => {
    const { status, body } = await dashboard(`${RANGE}&host=${h1}`);
    expect(status, body.error).toBe(200);
    expect(body.perDay).toEqual([
      { day: "1998-06-01", succeeded: 2, failed: 0, cancelled: 0, blocked: 0, active: 0 },
      { day: "1998-06-02", succeeded: 0, failed: 1, cancelled: 0, blocked: 0, active: 0 },
      { day: "1998-06-03", succeeded: 0, failed: 1, cancelled: 1, blocked: 0, active: 0 },
    ]);
    expect(body.totals).toMatchObject({ total: 5, succeeded: 2, failed: 2, cancelled: 1 });
    expect(body.totals.successRate).toBeCloseTo(2 / 5, 10);
  });

  it("takes median and p95 per stage over succeeded runs only, in pipeline order", async () => {
    const { body } = await dashboard(RANGE);
    const mine = body.stages;
    // connect: 1000, 3000, 2000, 2000, 5000, 4000 (plus any other 1998 rows: none) → sorted 1,2,2,3,4,5 s
    const connect = mine.find((s) => s.name === "connect");
    expect(connect?.count).toBe(6);
    expect(connect?.medianMs).toBeCloseTo(2500, 6);
    // p95 by linear interpolation: position 0.95 × 5 = 4.75 between 4000 and 5000
    expect(connect?.p95Ms).toBeCloseTo(4750, 6);
    // fetch-model: only the two succeeded (10 s, 20 s); the failed and skipped are left out
    const fetch = mine.find((s) => s.name === "fetch-model");
    expect(fetch).toMatchObject({ count: 2 });
    expect(fetch?.medianMs).toBeCloseTo(15_000, 6);
    expect(fetch?.p95Ms).toBeCloseTo(19_500, 6);
    expect(mine.map((s) => s.name)).toEqual(["connect", "fetch-model", "running"]);
    expect(mine.find((s) => s.name === "preflight")).toBeUndefined();
  });

  it("lists the most frequent failure reasons first, with their stage", async () => {
    const { body } = await dashboard(RANGE);
    expect(body.failures.map((f) => [f.count, f.stage, f.reason])).toEqual([
      [2, "fetch-model", "Fetch the model: disk full"],
      [1, "preflight", "Preflight: port 8000 is in use"],
    ]);
    expect(body.failures[0]?.lastAt).toBe("1998-06-03T10:00:00.000Z");
  });

  it("sums each host's outcomes, rate and median time to running", async () => {
    const { body } = await dashboard(RANGE);
    const hosts = scoped(body);
    expect(
      hosts.map((h) => [h.name, h.total, h.succeeded, h.failed, h.cancelled, h.blocked, h.active]),
    ).toEqual([
      [`dash-${run}-1`, 5, 2, 2, 1, 0, 0],
      [`dash-${run}-2`, 4, 1, 1, 0, 1, 1],
    ]);
    expect(hosts[0]?.successRate).toBeCloseTo(0.4, 10);
    expect(hosts[1]?.successRate).toBeCloseTo(0.5, 10);
    // time to the running stage: 11 s and 23 s on host 1 → 17 s; 5 s on host 2
    expect(hosts[0]?.medianMs).toBeCloseTo(17_000, 6);
    expect(hosts[1]?.medianMs).toBeCloseTo(5000, 6);
    expect(body.totals).toMatchObject({
      total: 9,
      succeeded: 3,
      failed: 3,
      cancelled: 1,
      blocked: 1,
      active: 1,
    });
  });

  it("narrows to a day and a host", async () => {
    const { body } = await dashboard(`from=1998-06-02&to=1998-06-02&host=${h2}`);
    expect(body.perDay).toEqual([
      { day: "1998-06-02", succeeded: 1, failed: 1, cancelled: 0, blocked: 0, active: 0 },
    ]);
    expect(body.stages.map((s) => [s.name, s.count, s.medianMs])).toEqual([
      ["connect", 2, 4500],
      ["running", 1, 0],
    ]);
    expect(body.hosts.map((h) => h.id)).toEqual([h2]);
  });

  it.each([
    ["from=1998-06-03&to=1998-06-01", "from"],
    ["from=June", "from"],
    ["from=1990-01-01&to=1998-01-01", "from"],
  ])("rejects %s with 400 naming %s", async (query, field) => {
    const { status, body } = await dashboard(query);
    expect(status).toBe(400);
    expect((body as unknown as { fields: Record<string, string> }).fields[field]).toBeTruthy();
  });
});
