import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { THealthView, TMetricSeries } from "@/lib/monitor/series";
import { HEALTH_SWEEP_SCHEDULER } from "@/lib/monitor/sweep";
import { MONITOR_QUEUE } from "@/lib/queue/jobs";
import { createRedis } from "@/lib/redis";
import { type FixtureIndex, startFixtureIndex } from "../fixtures/vllm";
import { startTestHost, type TestHost } from "../hosts";
import {
  api,
  createViaApi,
  ended,
  FIXTURE_API_KEY,
  fixturePipSpec,
  freePort,
  putModelOnHost,
  waitFor,
} from "../support/deployments";
import { addHost, runCheck } from "../support/operations";

// The health monitor through the real worker(s), PostgreSQL, Redis and an OpenSSH test host running
// the stand-in vLLM (TEST FIXTURE: it serves only the deprecated vllm:gpu_cache_usage_perc and no
// inter-token histogram). test/setup/system.ts sets WEBOPS_HEALTH_INTERVAL_MS to 2000.
const INTERVAL_MS = 2000;

let index: FixtureIndex;
let host: TestHost;
let deploymentId = "";
let dirId = "";
let port = 0;
let queue: Queue;
let secondWorker: ReturnType<typeof spawn> | undefined;

beforeAll(async () => {
  [index, host] = await Promise.all([startFixtureIndex(), startTestHost("ready", { name: "health" })]);
  await putModelOnHost(host);
  const hostId = (await addHost(host)).id;
  expect((await runCheck(hostId)).operation.status).toBe("succeeded");
  port = await freePort();
  deploymentId = (await createViaApi(fixturePipSpec(hostId, index, port))).id;
  const dep = await waitFor(deploymentId, ended, 240_000);
  expect(dep.status, dep.error ?? "").toBe("running");
  dirId = dep.dirId;
  queue = new Queue(MONITOR_QUEUE, { connection: createRedis("producer") });
}, 300_000);

afterAll(async () => {
  if (secondWorker?.pid) process.kill(-secondWorker.pid, "SIGTERM");
  await queue?.close();
  await Promise.all([index?.stop(), host?.stop()]);
});

const health = async () => (await api<THealthView>(`/api/deployments/${deploymentId}/health`)).body;

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

async function chat(n: number) {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${FIXTURE_API_KEY}` },
      body: JSON.stringify({
        model: "tiny-fixture",
        messages: [{ role: "user", content: `hello ${i}` }],
        max_tokens: 16,
      }),
    });
    expect(res.status).toBe(200);
    await res.text();
  }
}

describe("health monitor", () => {
  it("marks a running deployment healthy, records the first verdict with its reason, and stores samples", async () => {
    const h = await until("healthy", health, (v) => v.health === "healthy", 30_000);
    expect(h.reason).toBe("/health and /metrics answer");
    expect(h.checkedAt).not.toBeNull();
    expect(h.events.map((e) => [e.previous, e.status])).toEqual([[null, "healthy"]]);
    expect(await db().metricSample.count({ where: { deploymentId } })).toBeGreaterThan(0);
  }, 60_000);

  it("charts traffic: tokens per second and TTFT/e2e quantiles from the stand-in's counters; KV cache from the deprecated name", async () => {
    await chat(5);
    const series = await until(
      "a sample with generated tokens",
      async () => (await api<TMetricSeries>(`/api/deployments/${deploymentId}/metrics?window=15m`)).body,
      (s) => s.points.some((p) => (p.generationTokensPerS ?? 0) > 0 && p.e2eP50 !== null),
      30_000,
    );
    const busy = series.points.find((p) => (p.generationTokensPerS ?? 0) > 0 && p.e2eP50 !== null);
    expect(busy?.ttftP50).not.toBeNull();
    expect(busy?.e2eP95 as number).toBeGreaterThanOrEqual(busy?.e2eP50 as number);
    expect(series.points.every((p) => p.requestsRunning !== null && p.kvCacheUsage !== null)).toBe(true);
    // The stand-in has no inter-token histogram: that chart stays empty rather than showing zeros.
    expect(series.points.every((p) => p.interTokenP50 === null)).toBe(true);
    expect(series.sources).toEqual({ kvCacheUsage: "vllm:gpu_cache_usage_perc", interTokenLatency: null });
    expect(series.bucketMs).toBe(0);
    const times = series.points.map((p) => Date.parse(p.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  }, 60_000);

  it("refuses an unknown window and an unknown deployment", async () => {
    const bad = await api(`/api/deployments/${deploymentId}/metrics?window=2h`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/15m, 1h, 6h, 24h, 7d/);
    expect((await api("/api/deployments/nope/metrics?window=1h")).status).toBe(404);
    expect((await api("/api/deployments/nope/health")).status).toBe(404);
  });

  it("runs one sweep per interval with two workers: one job scheduler, samples at the interval's pace", async () => {
    secondWorker = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
      detached: true,
      stdio: "ignore",
      env: { ...process.env, NODE_ENV: "production", WEBOPS_HEALTH_INTERVAL_MS: String(INTERVAL_MS) },
    });
    await new Promise((r) => setTimeout(r, 8000)); // the new worker starts and upserts the scheduler
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([[HEALTH_SWEEP_SCHEDULER, INTERVAL_MS]]);

    const from = new Date();
    await new Promise((r) => setTimeout(r, 10 * INTERVAL_MS));
    const samples = await db().metricSample.count({ where: { deploymentId, at: { gte: from } } });
    // One probe per sweep: about 10 in 10 intervals; a sweep per worker would make about 20.
    console.info(`health monitor: ${samples} samples in ${10 * INTERVAL_MS} ms with two workers`);
    expect(samples).toBeGreaterThanOrEqual(5);
    expect(samples).toBeLessThanOrEqual(12);
  }, 60_000);

  it("turns down within two polling intervals when vLLM is killed, with the reason, and healthy again when it is back", async () => {
    const pidFile = join(host.rootDir, "home", host.user, "webops", "deployments", dirId, "vllm.pid");
    const pid = Number((await readFile(pidFile, "utf8")).trim());
    expect(pid).toBeGreaterThan(1);
    process.kill(pid, "SIGKILL");
    const killedAt = Date.now();

    const down = await until("down", health, (v) => v.health === "down", 20_000);
    const event = down.events[0];
    expect(event?.status).toBe("down");
    expect(event?.previous).toBe("healthy");
    // The kill lands between two probes, or between a probe's /health and its /metrics.
    expect(event?.reason).toMatch(/not listening: \/(health|metrics) refused the connection/);
    // The acceptance bound: the first or second poll after the kill sees it (plus one probe's own time).
    const downMs = Date.parse(event?.at ?? "") - killedAt;
    console.info(`health monitor: down recorded ${downMs} ms after the kill (interval ${INTERVAL_MS} ms)`);
    expect(downMs).toBeLessThanOrEqual(2 * INTERVAL_MS + 2000);

    // The supervisor starts vLLM again after 10 s; the monitor sees it come back.
    const up = await until("healthy again", health, (v) => v.health === "healthy", 60_000);
    expect(up.events.slice(0, 2).map((e) => [e.previous, e.status])).toEqual([
      ["down", "healthy"],
      ["healthy", "down"],
    ]);
    expect(up.since).toBe(up.events[0]?.at);
  }, 90_000);

  it("deletes samples older than the retention on the next sweep", async () => {
    const old = await db().metricSample.create({
      data: { deploymentId, at: new Date(Date.now() - 200 * 3_600_000), snapshot: {} },
    });
    await until(
      "the old sample gone",
      () => db().metricSample.findUnique({ where: { id: old.id } }),
      (row) => row === null,
      20_000,
    );
    expect(await db().metricSample.count({ where: { deploymentId } })).toBeGreaterThan(0);
  }, 30_000);
});
