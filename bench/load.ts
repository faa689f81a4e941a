// npm run bench:load — WebOps under load, on services of its own (PostgreSQL, Redis, the production
// web app and two worker processes): 40 fixture deployments across 8 `ready` test hosts, with 100
// live-log viewers on one of them, then the API at 200 requests/s for 30 s. Baselines in the same
// run: the sum of each host's own deployment work (what the queue and the workers cost on top), one
// viewer against a hundred. TEST FIXTURES: the loopback package index with the stand-in vllm and the
// model folder on each host. Writes bench/results/load.json.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { env } from "../lib/env";
import { type FixtureIndex, startFixtureIndex } from "../test/fixtures/vllm";
import { startTestHost, type TestHost } from "../test/hosts";
import { fixturePipSpec, freePort, putModelOnHost } from "../test/support/deployments";
import { readEvents, type TSseResult } from "./logs/sse";
import { startBenchSystem, type TBenchSystem } from "./logs/system";
import { lowCpuGroup } from "./support/cpu-group";
import { median } from "./support/stats";

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, "results", "load.json");
const PLACE = { postgres: 54379, redis: 63849, web: 3140, dataDir: ".data/bench-load" };
const TARGETS = { lines_lost_max: 0, failed_jobs_max: 0, queue_overhead_ms_max: 20, api_p99_ms_max: 200 };

const HOSTS = Number(process.env.WEBOPS_BENCH_LOAD_HOSTS ?? 8);
const PER_HOST = Number(process.env.WEBOPS_BENCH_LOAD_PER_HOST ?? 5);
const VIEWERS = 100;
const API_RPS = 200;
const API_SECONDS = Number(process.env.WEBOPS_BENCH_LOAD_API_SECONDS ?? 30);
/** Untimed requests before the API phase. */
const WARM_UP = 400;

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Count, p50, p95 and max of a set of figures (ms). */
function spread(values: readonly number[]) {
  return values.length === 0
    ? { count: 0 }
    : {
        count: values.length,
        p50: round1(median(values)),
        p95: round1(percentile(values, 95)),
        max: round1(Math.max(...values)),
      };
}

async function api<T>(system: TBenchSystem, path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${system.webUrl}${path}`, {
    method: init.method ?? "GET",
    headers: init.body === undefined ? undefined : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${body.error ?? ""}`);
  return body;
}

/** The web app's processes (its process group): CPU seconds so far and resident memory now. */
function webUsage(pgid: number): { cpuS: number; rssMb: number } {
  let ticks = 0;
  let rssPages = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
      rssPages += Number(fields[21]);
    } catch {
      // Gone meanwhile.
    }
  }
  return { cpuS: ticks / 100, rssMb: round1((rssPages * 4096) / 1024 / 1024) };
}

function startWorker(system: TBenchSystem, n: number): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: system.databaseUrl,
      REDIS_URL: system.redisUrl,
      WEBOPS_SECRET_KEY: "",
      WEBOPS_SECRET_KEY_FILE: resolve(system.dataDir, "secret.key"),
      WEBOPS_PROCESS_ROLE: `worker-${n}`,
      NODE_ENV: "production",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

interface TDeploymentRow {
  id: string;
  hostId: string;
  status: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  operationId: string;
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  console.log("starting PostgreSQL, Redis and the web app (own ports) ...");
  const system = await startBenchSystem(PLACE);
  const workers: ChildProcess[] = [];
  const hosts: TestHost[] = [];
  let index: FixtureIndex | undefined;
  // The test hosts stand in for other machines: they get only the CPU the panel leaves (see lowCpuGroup).
  const hostsGroup = lowCpuGroup("webops-bench-load-hosts");
  try {
    process.env.DATABASE_URL = system.databaseUrl;
    process.env.REDIS_URL = system.redisUrl;
    const { db } = await import("../lib/db");
    workers.push(startWorker(system, 1), startWorker(system, 2));
    const webPid = Number(readFileSync(join(system.dataDir, "run", "web.pid"), "utf8"));

    console.log(`starting ${HOSTS} ready test hosts and the fixture index ...`);
    index = await startFixtureIndex();
    console.log(
      hostsGroup
        ? `test hosts in CPU group ${hostsGroup.path} (${hostsGroup.share})`
        : "no CPU group could be made: the test hosts share the CPU with the panel",
    );
    for (let i = 0; i < HOSTS; i++)
      hosts.push(await startTestHost("ready", { name: `load-${i}`, cpuGroup: hostsGroup?.path }));
    await Promise.all(hosts.map((h) => putModelOnHost(h)));
    const hostIds: string[] = [];
    for (const [i, h] of hosts.entries()) {
      const { host } = await api<{ host: { id: string } }>(system, "/api/hosts", {
        method: "POST",
        body: {
          name: `load-${i}`,
          address: h.address,
          port: h.port,
          username: h.user,
          auth: "key",
          privateKey: h.privateKey,
          expectedHostKey: h.hostKeyFingerprint,
        },
      });
      hostIds.push(host.id);
    }
    const checks = await Promise.all(
      hostIds.map((id) =>
        api<{ operationId: string }>(system, `/api/hosts/${id}/checks`, { method: "POST" }),
      ),
    );
    for (const c of checks)
      for (;;) {
        const op = await db().operation.findUniqueOrThrow({ where: { id: c.operationId } });
        if (op.status === "succeeded") break;
        if (op.status !== "queued" && op.status !== "running")
          throw new Error(`host check ${op.status}: ${op.error}`);
        await new Promise((r) => setTimeout(r, 200));
      }

    // Untimed warm-up, as bench:logs has: one deployment per host, so that the workers' first
    // deployments (which load and compile the pipeline's code, and open their connections) are not
    // the timed phase's first ones. Its figures are recorded beside the timed ones.
    console.log(`warm-up: one deployment per host (untimed) ...`);
    const warmIds: string[] = [];
    for (const hostId of hostIds)
      warmIds.push(
        (
          await api<{ id: string; operationId: string }>(system, "/api/deployments", {
            method: "POST",
            body: { spec: fixturePipSpec(hostId, index, await freePort()), force: true },
          })
        ).id,
      );
    let warmRows: TDeploymentRow[] = [];
    for (;;) {
      warmRows = await db().deployment.findMany({ where: { id: { in: warmIds } } });
      if (warmRows.every((r) => r.status !== "queued" && r.status !== "deploying")) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const warmFailed = warmRows.filter((r) => r.status !== "running").length;
    const warmOverheads = warmRows.flatMap((r) =>
      r.startedAt ? [r.startedAt.getTime() - r.createdAt.getTime()] : [],
    );

    console.log(`deployments: ${HOSTS * PER_HOST} (${PER_HOST} per host), ${VIEWERS} viewers on one ...`);
    const usageBefore = webUsage(webPid);
    const started = performance.now();
    const created: { id: string; operationId: string }[] = [];
    for (let round = 0; round < PER_HOST; round++)
      for (const hostId of hostIds)
        created.push(
          await api<{ id: string; operationId: string }>(system, "/api/deployments", {
            method: "POST",
            body: { spec: fixturePipSpec(hostId, index, await freePort()), force: true },
          }),
        );
    // The viewers follow the last deployment of the first host: queued now, live later.
    const watched = created[(PER_HOST - 1) * HOSTS] as { id: string; operationId: string };
    const url = `${system.webUrl}/api/operations/${watched.operationId}/events`;
    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, webUsage(webPid).rssMb);
    }, 250);
    const viewers: Promise<TSseResult>[] = [];
    for (let v = 0; v < VIEWERS; v++)
      viewers.push(
        readEvents(
          url,
          () => false,
          () => {},
        ),
      );
    const viewed = await Promise.all(viewers);
    const ids = created.map((c) => c.id);
    let rows: TDeploymentRow[] = [];
    for (;;) {
      rows = await db().deployment.findMany({ where: { id: { in: ids } } });
      if (rows.every((r) => r.status !== "queued" && r.status !== "deploying")) break;
      if (performance.now() - started > 30 * 60_000) throw new Error("deployments did not end in 30 minutes");
      await new Promise((r) => setTimeout(r, 500));
    }
    const wallS = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const usageAfter = webUsage(webPid);

    // Lines: every viewer must have every stored line, once and in order.
    const storedCount = (await db().operation.findUniqueOrThrow({ where: { id: watched.operationId } }))
      .lineCount;
    const linesLost = viewed.reduce(
      (sum, v) =>
        sum + Math.max(0, storedCount - v.received) + v.outOfOrder + (v.lastSeq === storedCount ? 0 : 1),
      0,
    );

    // The queue: how long each deployment waited beyond what its host made it wait.
    const overheads: number[] = [];
    // Split by what made it runnable: its creation (its host was free), or its host's previous
    // deployment ending (the hand-over from one deployment of a host to the next).
    const afterCreation: number[] = [];
    const afterPrevious: number[] = [];
    const creationRows: TDeploymentRow[] = [];
    const workByHost = new Map<string, number>();
    for (const hostId of hostIds) {
      const mine = rows
        .filter((r) => r.hostId === hostId)
        .sort((a, b) => (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0));
      let freeAt = 0;
      let work = 0;
      for (const r of mine) {
        if (!r.startedAt || !r.finishedAt) continue;
        const runnable = Math.max(r.createdAt.getTime(), freeAt);
        const overhead = Math.max(0, r.startedAt.getTime() - runnable);
        overheads.push(overhead);
        (freeAt > r.createdAt.getTime() ? afterPrevious : afterCreation).push(overhead);
        if (freeAt <= r.createdAt.getTime()) creationRows.push(r);
        freeAt = r.finishedAt.getTime();
        work += r.finishedAt.getTime() - r.startedAt.getTime();
      }
      workByHost.set(hostId, work);
    }
    // A warm-up deployment that failed is a failure like any other.
    const failedDeployments = rows.filter((r) => r.status !== "running").length + warmFailed;
    const sumWorkS = [...workByHost.values()].reduce((a, b) => a + b, 0) / 1000;
    const longestHostS = Math.max(...workByHost.values()) / 1000;

    // The API phase on its own: the workers, the test hosts and their 40 fixture servers are stopped
    // first, so the phase measures the web app and PostgreSQL, not the deployments' leftovers.
    const { Queue } = await import("bullmq");
    const { createRedis } = await import("../lib/redis");
    const redis = createRedis("producer");
    const queue = new Queue("webops-operations", { connection: redis });
    const failedJobs = (await queue.getJobCounts("failed")).failed ?? 0;
    // Where a deployment on a free host spent its wait: its row's creation (the transaction's start)
    // to its job's adding (the web app's clock), to a worker fetching it, to its claim of the host.
    const creationLinks = {
      created_to_added: [] as number[],
      added_to_fetched: [] as number[],
      fetched_to_started: [] as number[],
    };
    for (const r of creationRows) {
      const job = await queue.getJob(r.operationId);
      if (!job?.processedOn || !r.startedAt) continue;
      creationLinks.created_to_added.push(job.timestamp - r.createdAt.getTime());
      creationLinks.added_to_fetched.push(job.processedOn - job.timestamp);
      creationLinks.fetched_to_started.push(r.startedAt.getTime() - job.processedOn);
    }
    await queue.close();
    redis.disconnect();
    await Promise.all(workers.splice(0).map(stopChild));
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
    // The hosts' deleted files are written out now, not during the timed phase: that writeback held
    // up the web app's (synchronous) log writes for seconds in some runs.
    execFileSync("sync");
    console.log(`API: ${API_RPS} requests/s for ${API_SECONDS} s (history list and deployment detail) ...`);
    // Warm-up, untimed: the first requests of a route load its code into the web app.
    // A kept-alive connection of the viewers' phase that the web app has since closed fails once
    // ("other side closed"); the warm-up tries such a request again on a new connection.
    // Ten at a time, so the web app's connection pools open and its code is optimised under
    // concurrency, as it runs in the timed phase (a sequential warm-up left the phase's first two
    // seconds slow in one run).
    const warm = async (path: string) => {
      const res = await fetch(`${system.webUrl}${path}`);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`warm-up GET ${path}: ${res.status}`);
    };
    for (let i = 0; i < WARM_UP; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, k) => {
          const n = i + k;
          const path =
            n % 2 === 0
              ? `/api/deployments?limit=25${n % 4 === 0 ? "&status=running" : ""}`
              : `/api/deployments/${ids[n % ids.length]}`;
          return warm(path).catch((err: unknown) => {
            if (String(err).includes("warm-up GET")) throw err;
            return warm(path);
          });
        }),
      );
    }
    const latencies: number[] = [];
    // By the second the request was sent in: where in the phase the slow ones were.
    const bySecond: number[][] = Array.from({ length: API_SECONDS }, () => []);
    let errors = 0;
    const inFlight: Promise<void>[] = [];
    const apiUsageBefore = webUsage(webPid);
    const apiStart = performance.now();
    const total = API_RPS * API_SECONDS;
    for (let i = 0; i < total; i++) {
      const due = apiStart + (i * 1000) / API_RPS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const path =
        i % 2 === 0
          ? `/api/deployments?limit=25${i % 4 === 0 ? "&status=running" : ""}`
          : `/api/deployments/${ids[i % ids.length]}`;
      const t0 = performance.now();
      inFlight.push(
        fetch(`${system.webUrl}${path}`)
          .then(async (res) => {
            await res.arrayBuffer();
            if (!res.ok) errors += 1;
          })
          .catch(() => {
            errors += 1;
          })
          .finally(() => {
            const ms = performance.now() - t0;
            latencies.push(ms);
            bySecond[Math.min(API_SECONDS - 1, Math.floor((t0 - apiStart) / 1000))]?.push(ms);
          }),
      );
    }
    await Promise.all(inFlight);
    const apiSeconds = (performance.now() - apiStart) / 1000;
    const apiWebCpuS = webUsage(webPid).cpuS - apiUsageBefore.cpuS;

    const queueP95 = percentile(overheads, 95);
    const apiP99 = percentile(latencies, 99);
    const result = {
      benchmark: "load",
      date: new Date().toISOString(),
      lines_lost: linesLost,
      failed_jobs: failedJobs + failedDeployments,
      queue_overhead_ms: round1(queueP95),
      api_p99_ms: round1(apiP99),
      targets: TARGETS,
      met: {
        lines_lost: linesLost <= TARGETS.lines_lost_max,
        failed_jobs: failedJobs + failedDeployments <= TARGETS.failed_jobs_max,
        queue_overhead: queueP95 < TARGETS.queue_overhead_ms_max,
        api_p99: apiP99 < TARGETS.api_p99_ms_max && errors === 0,
      },
      details: {
        viewers: {
          count: VIEWERS,
          lines_each: storedCount,
          received_min: Math.min(...viewed.map((v) => v.received)),
          out_of_order: viewed.reduce((s, v) => s + v.outOfOrder, 0),
          web_cpu_s: round1(usageAfter.cpuS - usageBefore.cpuS),
          web_peak_rss_mb: peakRss,
          web_rss_after_mb: usageAfter.rssMb,
        },
        deployments: {
          count: rows.length,
          hosts: HOSTS,
          workers: 2,
          worker_concurrency: env().WEBOPS_WORKER_CONCURRENCY,
          not_running: failedDeployments,
          warm_up: {
            deployments: warmRows.length,
            not_running: warmFailed,
            queue_overhead_ms: spread(warmOverheads),
          },
          failed_bullmq_jobs: failedJobs,
          wall_s: round1(wallS),
          sum_of_host_work_s: round1(sumWorkS),
          longest_host_work_s: round1(longestHostS),
          wall_over_longest_host: round1(wallS / longestHostS),
          queue_overhead_ms: {
            p50: round1(median(overheads)),
            p95: round1(queueP95),
            max: round1(Math.max(...overheads)),
            mean: round1(overheads.reduce((a, b) => a + b, 0) / overheads.length),
            after_previous_end: spread(afterPrevious),
            after_creation: spread(afterCreation),
            after_creation_links: {
              created_to_added: spread(creationLinks.created_to_added),
              added_to_fetched: spread(creationLinks.added_to_fetched),
              fetched_to_started: spread(creationLinks.fetched_to_started),
            },
          },
        },
        api: {
          requests: total,
          target_rps: API_RPS,
          achieved_rps: round1(total / apiSeconds),
          p50_ms: round1(percentile(latencies, 50)),
          p99_ms: round1(apiP99),
          max_ms: round1(Math.max(...latencies)),
          errors,
          web_cpu_s: round1(apiWebCpuS),
          web_cpu_ms_per_request: round1((apiWebCpuS * 1000) / total),
          p99_ms_by_second: bySecond.map((v) => (v.length ? round1(percentile(v, 99)) : null)),
        },
      },
      method: {
        deployments:
          "after an untimed warm-up of one deployment per host (ended before the timed phase; its figures under details.deployments.warm_up), POST /api/deployments for every host in turn (force), each a fixture pip install from the loopback index, start, /health and sanity; queue overhead = a deployment's start (claimed by a worker) minus when it could start (created, or its host's previous deployment finished); baseline: the sum of each host's own deployment time",
        viewers: `${VIEWERS} concurrent GET /api/operations/:id/events of one deployment, opened while it was queued, read to its end event; lost = lines missing or out of order at any viewer`,
        api: `after the deployments phase, with the workers and test hosts stopped (the web app, PostgreSQL and Redis alone), after ${WARM_UP} untimed warm-up requests, ten at a time; open loop: one request every ${1000 / API_RPS} ms for ${API_SECONDS} s, alternating GET /api/deployments?limit=25 (every other one filtered by status) and GET /api/deployments/:id; latency from send to the last byte`,
      },
      machine: {
        test_hosts_cpu: hostsGroup
          ? `all test host processes in one CPU cgroup, ${hostsGroup.share}; the panel's processes at the default share`
          : "test hosts share the CPU with the panel",
        cpus: cpus().length,
        cpu_model: cpus()[0]?.model ?? "",
        memory_gib: Math.round(totalmem() / 2 ** 30),
        load_before: loadBefore,
      },
      setup: system.setup,
    };
    await mkdir(dirname(RESULTS), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
    console.log("\nload benchmark\n");
    console.log(
      `viewers          ${VIEWERS} × ${storedCount} lines, lost ${linesLost}  ${verdict(result.met.lines_lost)}; web CPU ${result.details.viewers.web_cpu_s} s, peak RSS ${peakRss} MB`,
    );
    console.log(
      `deployments      ${rows.length} on ${HOSTS} hosts: wall ${round1(wallS)} s, longest host's own work ${round1(longestHostS)} s, all hosts' work ${round1(sumWorkS)} s; failed ${result.failed_jobs}  ${verdict(result.met.failed_jobs)}`,
    );
    console.log(
      `queue overhead   p95 ${round1(queueP95)} ms (p50 ${result.details.deployments.queue_overhead_ms.p50}, max ${result.details.deployments.queue_overhead_ms.max}; target < ${TARGETS.queue_overhead_ms_max} ms)  ${verdict(result.met.queue_overhead)}`,
    );
    const part = (v: ReturnType<typeof spread>) =>
      "p50" in v ? `${v.count}: p50 ${v.p50}, p95 ${v.p95}, max ${v.max} ms` : "none";
    console.log(
      `  untimed warm-up, one per host (start − creation) ${part(spread(warmOverheads))}; not running ${warmFailed}`,
    );
    console.log(`  after the host's previous deployment ended  ${part(spread(afterPrevious))}`);
    console.log(`  after creation (the host was free)          ${part(spread(afterCreation))}`);
    console.log(
      `    created → job added                       ${part(spread(creationLinks.created_to_added))}`,
    );
    console.log(
      `    job added → fetched by a worker           ${part(spread(creationLinks.added_to_fetched))}`,
    );
    console.log(
      `    fetched → host claimed                    ${part(spread(creationLinks.fetched_to_started))}`,
    );
    console.log(
      `API              ${result.details.api.achieved_rps} req/s, p50 ${result.details.api.p50_ms} ms, p99 ${round1(apiP99)} ms, web CPU ${result.details.api.web_cpu_ms_per_request} ms/request, errors ${errors} (target p99 < ${TARGETS.api_p99_ms_max} ms at ${API_RPS} req/s)  ${verdict(result.met.api_p99)}`,
    );
    console.log(`\nwrote ${RESULTS}`);
  } finally {
    await Promise.all(workers.map(stopChild));
    await Promise.all(hosts.map((h) => h.stop()));
    hostsGroup?.remove();
    await index?.stop();
    const { disconnectDb } = await import("../lib/db");
    await disconnectDb();
    await system.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
