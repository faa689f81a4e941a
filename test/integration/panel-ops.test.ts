// The panel's own operations: /healthz, /metrics in Prometheus' format, and structured JSON logs whose
// request id follows a request from the web app into the job it queued on a worker.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { generateEd25519KeyPair } from "@/lib/ssh/keygen";
import { TEST_SYSTEM, testUrl } from "../setup/system-config";
import { accountFromEnv, anonymousFetch } from "../support/accounts";
import { freePort } from "../support/deployments";

afterAll(() => disconnectDb());

const viewer = () => ({ authorization: `Bearer ${accountFromEnv("viewer").token}` });

async function scrape(): Promise<Map<string, number>> {
  const res = await anonymousFetch(testUrl("/metrics"), { headers: viewer() });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    samples.set(m?.[1] as string, Number(m?.[2]));
  }
  return samples;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function jsonLines(file: string): Record<string, unknown>[] {
  return readFileSync(join(TEST_SYSTEM.dataDir, "logs", file), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("/healthz", () => {
  it("answers anyone with the database, Redis and a live worker", async () => {
    const res = await anonymousFetch(testUrl("/healthz"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; workers: { live: number; newestBeatAgeS: number } };
    expect(body).toMatchObject({ status: "ok", database: "ok", redis: "ok", problems: [] });
    expect(body.workers.live).toBeGreaterThanOrEqual(1);
    expect(body.workers.newestBeatAgeS).toBeLessThan(15);
  });
});

describe("compression", () => {
  it("is left to the proxy in front: a page goes out uncompressed to a client that accepts gzip", async () => {
    const res = await anonymousFetch(testUrl("/signin"), { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect((await res.text()).length).toBeGreaterThan(2048);
    expect(res.headers.get("content-encoding")).toBeNull();
  });
});

describe("/metrics", () => {
  it("needs a token, and reports jobs, queues, deployments, workers and event-stream clients", async () => {
    expect((await anonymousFetch(testUrl("/metrics"))).status).toBe(401);
    const samples = await scrape();
    for (const state of ["waiting", "active", "delayed", "completed", "failed"])
      expect(samples.has(`webops_jobs{queue="webops-operations",state="${state}"}`), state).toBe(true);
    expect(samples.has('webops_queue_depth{queue="webops-webhooks"}')).toBe(true);
    expect(samples.get("webops_workers")).toBeGreaterThanOrEqual(1);
    const deployments = await db().deployment.count();
    const reported = [...samples]
      .filter(([k]) => k.startsWith("webops_deployments{"))
      .reduce((s, [, v]) => s + v, 0);
    expect(reported).toBe(deployments);
  });

  it("counts open event streams while they are open", async () => {
    const host = await db().host.create({
      data: {
        name: `metrics-${Date.now()}`,
        address: "127.0.0.1",
        port: 1,
        username: "nobody",
        authMethod: "key",
      },
    });
    // A running operation with no job: its event stream stays open, following it.
    const op = await db().operation.create({
      data: { kind: "host_check", hostId: host.id, status: "running", startedAt: new Date() },
    });
    const before = (await scrape()).get("webops_sse_clients") ?? 0;
    const abort = new AbortController();
    const stream = await anonymousFetch(testUrl(`/api/operations/${op.id}/events`), {
      headers: viewer(),
      signal: abort.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body?.getReader();
    await reader?.read();
    expect((await scrape()).get("webops_sse_clients")).toBe(before + 1);
    abort.abort();
    await until("the stream to be uncounted", async () =>
      (await scrape()).get("webops_sse_clients") === before ? true : undefined,
    );
    await db().operation.update({ where: { id: op.id }, data: { status: "failed", finishedAt: new Date() } });
  });

  it("times jobs, and a request's id follows it into the worker's log", async () => {
    // A host check of a port nobody listens on: the job runs and ends quickly.
    const key = generateEd25519KeyPair();
    const created = await fetch(testUrl("/api/hosts"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: `ops-${Date.now()}`,
        address: "127.0.0.1",
        port: await freePort(),
        username: "deploy",
        privateKey: key.private,
      }),
    });
    expect(created.status).toBe(201);
    const hostId = ((await created.json()) as { host: { id: string } }).host.id;
    const requestId = `test-ops-${Date.now()}`;
    const check = await fetch(testUrl(`/api/hosts/${hostId}/checks`), {
      method: "POST",
      headers: { "x-request-id": requestId },
    });
    expect(check.status).toBe(202);
    expect(check.headers.get("x-request-id")).toBe(requestId);

    const web = jsonLines("web.log").find((l) => l.requestId === requestId && l.msg === "request");
    expect(web).toMatchObject({
      level: "info",
      role: "web",
      method: "POST",
      status: 202,
      actor: "admin@test.webops",
    });
    expect(typeof web?.time).toBe("string");
    const done = await until("the worker's log of the job", async () =>
      jsonLines("worker.log").find(
        (l) => l.requestId === requestId && (l.msg === "job completed" || l.msg === "job failed"),
      ),
    );
    expect(done).toMatchObject({ role: "worker", job: "host-check" });
    const started = jsonLines("worker.log").find((l) => l.requestId === requestId && l.msg === "job started");
    expect(started?.operationId).toBe(done.operationId);

    const samples = await scrape();
    const outcome = done.msg === "job completed" ? "completed" : "failed";
    const count =
      samples.get(`webops_job_duration_seconds_count{job="host-check",outcome="${outcome}"}`) ?? 0;
    expect(count).toBeGreaterThanOrEqual(1);
    expect(
      samples.get(`webops_job_duration_seconds_bucket{job="host-check",outcome="${outcome}",le="+Inf"}`),
    ).toBe(count);
    // Buckets are cumulative.
    const buckets = [1, 5, 15, 60, 300, 900, 1800, 3600].map(
      (le) =>
        samples.get(`webops_job_duration_seconds_bucket{job="host-check",outcome="${outcome}",le="${le}"}`) ??
        0,
    );
    for (let i = 1; i < buckets.length; i++)
      expect(buckets[i]).toBeGreaterThanOrEqual(buckets[i - 1] as number);
  });
});
