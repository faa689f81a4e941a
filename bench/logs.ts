// npm run bench:logs — a remote command's output through WebOps (SSH → worker → Redis and
// PostgreSQL → web app → Server-Sent Events) against the same output read with plain `ssh`, on one
// `bare` test host, with PostgreSQL, Redis and the web app on ports of its own, all started and
// stopped here. Writes bench/results/logs.json.
import { type ChildProcess, fork } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RemoteCommand } from "../lib/ssh";
import { startTestHost, type TestHost } from "../test/hosts";
import { FLOOD_TEXT, floodCommand, floodLine, nsToMs, ticksCommand } from "./logs/commands";
import type { TPumpReply, TPumpRequest } from "./logs/pump";
import { readRawSsh } from "./logs/raw-ssh";
import { readEvents, type TSseResult } from "./logs/sse";
import { startBenchSystem } from "./logs/system";
import { prepareClientFiles, type TClientFiles } from "./prereq/openssh";

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, "results", "logs.json");
const TARGETS = {
  latency_p50_over_ssh_ms_max: 50,
  throughput_ratio_vs_ssh_min: 0.5,
  lines_lost_max: 0,
  worker_peak_rss_mb_max: 300,
};

function argNumber(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} takes a positive number`);
  return value;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The tick lines' delays: arrival time minus the time printed on the host. */
function tickLatencies(lines: { atMs: number; text: string }[]): number[] {
  return lines.flatMap(({ atMs, text }) => {
    const m = /^tick \d+ (\d+)$/.exec(text);
    return m ? [atMs - nsToMs(m[1] as string)] : [];
  });
}

interface TWebOpsRun {
  operationId: string;
  sse: TSseResult;
  pump: Extract<TPumpReply, { type: "done" }>;
}

/** One command through WebOps: a worker-side pump process and an SSE viewer of its operation. */
async function throughWebOps(
  ctx: { webUrl: string; hostId: string; host: TestHost },
  command: RemoteCommand,
  watch: (seq: number) => boolean,
): Promise<TWebOpsRun> {
  const { db } = await import("../lib/db");
  const op = await db().operation.create({
    data: { kind: "host_check", hostId: ctx.hostId, status: "running", startedAt: new Date() },
  });
  const child: ChildProcess = fork(join(HERE, "logs", "pump.ts"), [], {
    execArgv: [
      "--import",
      "tsx",
      ...(process.env.WEBOPS_BENCH_PROFILE_DIR
        ? ["--cpu-prof", "--cpu-prof-dir", process.env.WEBOPS_BENCH_PROFILE_DIR]
        : []),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const replies: TPumpReply[] = [];
  const waiters: (() => void)[] = [];
  child.on("message", (m: TPumpReply) => {
    replies.push(m);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const reply = async (type: TPumpReply["type"] | "end") => {
    for (;;) {
      const found = replies.find((r) => r.type === type || (type === "end" && r.type !== "ready"));
      if (found) return found;
      const gone = await Promise.race([
        new Promise<false>((r) => waiters.push(() => r(false))),
        exited.then(() => true),
      ]);
      if (gone && !replies.some((r) => r.type === type || (type === "end" && r.type !== "ready")))
        throw new Error("the pump process exited without answering");
    }
  };
  try {
    await reply("ready");
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    const sse = readEvents(`${ctx.webUrl}/api/operations/${op.id}/events`, watch, opened);
    await Promise.race([open, sse]);
    const request: TPumpRequest = {
      operationId: op.id,
      command,
      target: {
        address: ctx.host.address,
        port: ctx.host.port,
        username: ctx.host.user,
        auth: { kind: "key", privateKey: ctx.host.privateKey },
        hostKeyFingerprint: ctx.host.hostKeyFingerprint,
      },
    };
    child.send(request);
    const [events, done] = await Promise.all([sse, reply("end")]);
    if (done.type === "failed") throw new Error(`the worker side failed: ${done.error}`);
    if (done.type !== "done") throw new Error("unexpected pump reply");
    await exited;
    return { operationId: op.id, sse: events, pump: done };
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

/** Lines 1..n of an operation in PostgreSQL that are there once and with the flood's text. */
async function storedGood(operationId: string, n: number, flood: boolean): Promise<number> {
  const { readStoredRuns } = await import("../lib/logs/stored");
  let good = 0;
  let expected = 1;
  for (const run of await readStoredRuns(operationId, 0, n)) {
    for (const line of JSON.parse(`[${run.body}]`) as { seq: number; text: string }[]) {
      const ok = line.seq === expected && (!flood || line.seq === 1 || line.text === floodLine(line.seq));
      if (ok) good += 1;
      expected = line.seq + 1;
    }
  }
  return good;
}

async function main(): Promise<void> {
  const total = argNumber("lines", 1_000_000);
  const ticks = argNumber("ticks", 2000);
  const gapMs = argNumber("gap-ms", 3);
  const loadBefore = loadavg();
  console.log("starting PostgreSQL, Redis and the web app (own ports) ...");
  const system = await startBenchSystem();
  let host: TestHost | undefined;
  let files: TClientFiles | undefined;
  try {
    process.env.DATABASE_URL = system.databaseUrl;
    process.env.REDIS_URL = system.redisUrl;
    console.log("starting a `bare` test host ...");
    host = await startTestHost("bare");
    files = await prepareClientFiles(host);
    const { db } = await import("../lib/db");
    const hostRow = await db().host.create({
      data: {
        name: `bench-logs-${process.pid}`,
        address: host.address,
        port: host.port,
        username: host.user,
        authMethod: "key",
      },
    });
    const ctx = { webUrl: system.webUrl, hostId: hostRow.id, host };
    const all = () => true;

    console.log("warm-up (untimed) ...");
    await readRawSsh(host, files, ticksCommand(200, 0), all);
    await throughWebOps(ctx, ticksCommand(200, 0), all);

    console.log(`latency: ${ticks} lines, one every ${gapMs} ms, plain ssh then WebOps ...`);
    const rawTicks = await readRawSsh(host, files, ticksCommand(ticks, gapMs), all);
    const webTicks = await throughWebOps(ctx, ticksCommand(ticks, gapMs), all);
    const rawLat = tickLatencies(rawTicks.watched);
    const webLat = tickLatencies(webTicks.sse.watched);

    console.log(`throughput: ${total} lines as fast as the host prints them, plain ssh then WebOps ...`);
    const sample = (seq: number) => seq === 1 || seq % 10_000 === 0 || seq === total;
    const rawFlood = await readRawSsh(host, files, floodCommand(total), (n) => n === 1);
    const webFlood = await throughWebOps(ctx, floodCommand(total), sample);
    const startOf = (line: string | undefined) => {
      const m = /^start (\d+)$/.exec(line ?? "");
      if (!m) throw new Error(`the flood's first line is not its start time: ${line}`);
      return nsToMs(m[1] as string);
    };
    const rawSeconds = (rawFlood.lastAtMs - startOf(rawFlood.firstLine)) / 1000;
    const webSeconds = (webFlood.sse.lastAtMs - startOf(webFlood.sse.watched[0]?.text)) / 1000;
    const sampleBad = webFlood.sse.watched.filter((w) => w.seq > 1 && w.text !== floodLine(w.seq)).length;
    if (rawFlood.lines !== total) throw new Error(`plain ssh read ${rawFlood.lines} lines, not ${total}`);

    // Lost: a line missing in PostgreSQL or at the viewer (counted where more are missing).
    const lost = async (run: TWebOpsRun, n: number, flood: boolean) => {
      const good = await storedGood(run.operationId, n, flood);
      const viewer =
        run.sse.outOfOrder === 0 && run.sse.lastSeq === n ? n : Math.min(run.sse.received, run.sse.lastSeq);
      return { postgres: n - good, viewer: n - viewer, duplicates_or_reordered: run.sse.outOfOrder };
    };
    const lostTicks = await lost(webTicks, ticks, false);
    const lostFlood = await lost(webFlood, total, true);
    const linesLost =
      Math.max(lostTicks.postgres, lostTicks.viewer) +
      Math.max(lostFlood.postgres, lostFlood.viewer) +
      lostTicks.duplicates_or_reordered +
      lostFlood.duplicates_or_reordered +
      sampleBad;

    const latencyP50 = percentile(webLat, 50);
    const rawP50 = percentile(rawLat, 50);
    const throughput = total / webSeconds;
    const rawThroughput = total / rawSeconds;
    const workerPeak = Math.max(webTicks.pump.vmHwmMb, webFlood.pump.vmHwmMb);
    const met = {
      latency_p50_over_ssh: latencyP50 - rawP50 < TARGETS.latency_p50_over_ssh_ms_max,
      throughput_vs_ssh: throughput >= TARGETS.throughput_ratio_vs_ssh_min * rawThroughput,
      lines_lost: linesLost <= TARGETS.lines_lost_max,
      worker_peak_rss: workerPeak < TARGETS.worker_peak_rss_mb_max,
    };
    const result = {
      benchmark: "logs",
      date: new Date().toISOString(),
      latency_p50_ms: round2(latencyP50),
      latency_p99_ms: round2(percentile(webLat, 99)),
      raw_ssh_p50_ms: round2(rawP50),
      raw_ssh_p99_ms: round2(percentile(rawLat, 99)),
      throughput_lines_per_s: Math.round(throughput),
      raw_ssh_lines_per_s: Math.round(rawThroughput),
      lines_lost: linesLost,
      worker_peak_rss_mb: workerPeak,
      targets: TARGETS,
      met,
      details: {
        latency_lines: { webops: webLat.length, raw_ssh: rawLat.length, gap_ms: gapMs },
        throughput_lines: total,
        webops_flood_s: round2(webSeconds),
        raw_ssh_flood_s: round2(rawSeconds),
        throughput_ratio_vs_ssh: round2(throughput / rawThroughput),
        worker_exec_s: round2((webFlood.pump.execEndMs - webFlood.pump.execStartMs) / 1000),
        worker_all_in_postgres_s: round2((webFlood.pump.closedMs - webFlood.pump.execStartMs) / 1000),
        worker_peak_backlog_lines: webFlood.pump.peakBacklog,
        worker_flood_cpu_s: webFlood.pump.cpuS,
        worker_peak_rss_mb: { latency: webTicks.pump.vmHwmMb, flood: webFlood.pump.vmHwmMb },
        lost: { latency: lostTicks, flood: lostFlood, flood_sample_wrong_text: sampleBad },
        final_status: { latency: webTicks.sse.finalStatus, flood: webFlood.sse.finalStatus },
      },
      method: {
        command_latency: `python3 on the host prints "tick <i> <time.time_ns()>" and flushes, every ${gapMs} ms; latency = arrival − printed time (host and bench share this machine's clock)`,
        command_flood: `sh: echo "start <date +%s%N>", then seq prints lines 2..${total} ("line 0000002 ${FLOOD_TEXT}"); throughput = lines / (last line's arrival − start time)`,
        webops:
          "worker side: a separate Node process (tsx, as the worker runs) doing what a stage does: SshConnection.exec on the host, each line into LogWriter (Redis stream + PostgreSQL, fenced with a run token as a worker's run is), then the final status; viewer: fetch of GET /api/operations/:id/events on the production web app (next start), parsing every event",
        raw_ssh:
          "ssh -F /dev/null -o BatchMode=yes -o ControlMaster=no, strict host key, same key and command; stdout read and split into lines in Node",
        lines_lost:
          "per run, lines 1..n missing or with the wrong text in PostgreSQL or missing at the viewer (whichever is more), plus lines the viewer got twice or out of order",
        worker_peak_rss: "VmHWM of the worker-side process, the larger of the two runs",
        order: "one untimed warm-up each; then plain ssh before WebOps for latency and for throughput",
      },
      host: { profile: host.profile, address: host.address, port: host.port },
      setup: system.setup,
      machine: {
        cpus: cpus().length,
        cpu_model: cpus()[0]?.model ?? "unknown",
        memory_gib: Math.round(totalmem() / 2 ** 30),
        os: `${type()} ${release()}`,
        node: process.version,
        // Shared machines: a high load here explains slow runs.
        loadavg_1_5_15_before: loadBefore.map(round2),
        loadavg_1_5_15_after: loadavg().map(round2),
      },
    };
    await mkdir(dirname(RESULTS), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
    console.log(`\nlogs benchmark\n`);
    console.log(
      `latency p50 / p99     WebOps ${result.latency_p50_ms} / ${result.latency_p99_ms} ms, plain ssh ${result.raw_ssh_p50_ms} / ${result.raw_ssh_p99_ms} ms`,
    );
    console.log(
      `  p50 over plain ssh  ${round2(latencyP50 - rawP50)} ms (target < ${TARGETS.latency_p50_over_ssh_ms_max} ms)  ${verdict(met.latency_p50_over_ssh)}`,
    );
    console.log(
      `throughput            WebOps ${result.throughput_lines_per_s} lines/s, plain ssh ${result.raw_ssh_lines_per_s} lines/s`,
    );
    console.log(
      `  ratio               ${result.details.throughput_ratio_vs_ssh} (target >= ${TARGETS.throughput_ratio_vs_ssh_min})  ${verdict(met.throughput_vs_ssh)}`,
    );
    console.log(
      `lines lost            ${linesLost} (target ${TARGETS.lines_lost_max})  ${verdict(met.lines_lost)}`,
    );
    console.log(
      `worker peak RSS       ${workerPeak} MB (target < ${TARGETS.worker_peak_rss_mb_max} MB)  ${verdict(met.worker_peak_rss)}`,
    );
    if (!Object.values(met).every(Boolean)) console.log("\nTARGET MISSED (see above)");
    console.log(`\nwrote ${RESULTS}`);
    const { disconnectDb } = await import("../lib/db");
    const { endPgPool } = await import("../lib/pg-pool");
    await disconnectDb();
    await endPgPool();
  } finally {
    await files?.remove();
    await host?.stop();
    await system.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:logs failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
