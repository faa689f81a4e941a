// The fault suite's common parts: a `ready` test host with the fixture index and model folder (TEST
// FIXTURES), a deployment held in "install runtime" while a fault is injected, and the checks that
// follow every case: no job left active, no deployment left running without a live process, no orphan
// process on the test host.
import { readFileSync } from "node:fs";
import { Queue } from "bullmq";
import { expect } from "vitest";
import { db } from "@/lib/db";
import { OPERATIONS_QUEUE } from "@/lib/queue/jobs";
import { createRedis } from "@/lib/redis";
import { type FixtureIndex, startFixtureIndex } from "../fixtures/vllm";
import { startTestHost, type TestHost } from "../hosts";
import { pidsWithRoot } from "../hosts/mounts";
import { testUrl } from "../setup/system-config";
import { createViaApi, fixturePipSpec, freePort, putModelOnHost, waitFor } from "../support/deployments";
import { addHost, runCheck } from "../support/operations";

export interface TFaultBed {
  host: TestHost;
  index: FixtureIndex;
  hostId: string;
  stop(): Promise<void>;
}

export async function faultBed(name: string): Promise<TFaultBed> {
  const [index, host] = await Promise.all([startFixtureIndex(), startTestHost("ready", { name })]);
  await putModelOnHost(host);
  const hostId = (await addHost(host, { name: `${name}-${Date.now()}` })).id;
  const check = await runCheck(hostId);
  expect(check.operation.status, check.texts.join("\n")).toBe("succeeded");
  return { host, index, hostId, stop: () => Promise.all([index.stop(), host.stop()]).then(() => undefined) };
}

/**
 * Queues a fixture deployment and returns once it is in "install runtime" with pip's download of
 * the stand-in wheel held open by the index (slowDownloadMs): the moment to inject a fault.
 */
export async function deploymentInInstall(
  bed: TFaultBed,
): Promise<{ id: string; operationId: string; port: number }> {
  bed.index.slowDownloadMs = 60_000;
  const port = await freePort();
  const { id, operationId } = await createViaApi(fixturePipSpec(bed.hostId, bed.index, port));
  await waitFor(id, (d) => d.stage === "install-runtime", 90_000);
  const deadline = Date.now() + 30_000;
  while (!bed.index.requests.includes(`/packages/${bed.index.wheel.fileName}`) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  return { id, operationId, port };
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "";
  }
}

/** What runs on the test host now, but its sshd (listening, or serving a session). */
export function hostProcesses(host: TestHost): string[] {
  return pidsWithRoot(host.rootDir)
    .map(commandLine)
    .filter((cmd) => cmd !== "" && !/^sshd[: ]|\/sshd /.test(cmd));
}

async function settle<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last !== undefined) return last;
    if (Date.now() > end) throw new Error(`after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * After every case: the panel reports PostgreSQL and Redis reachable; no job active in the operations queue; every deployment of the host has ended,
 * and each `running` one answers /health on its port; on the host, nothing runs but sshd and the
 * services of running deployments (a command of a failed or cancelled stage would be an orphan).
 */
export async function afterCase(bed: TFaultBed): Promise<void> {
  // The panel itself is back on both services (a restart case ends when the workers are; the web
  // app's own connections reconnect on their own schedule, within about a second).
  await settle(
    "the panel's /api/health does not report PostgreSQL and Redis ok",
    async () =>
      (await fetch(testUrl("/api/health"), { signal: AbortSignal.timeout(2000) }).catch(() => null))?.ok
        ? true
        : undefined,
    30_000,
  );
  const redis = createRedis("producer");
  const queue = new Queue(OPERATIONS_QUEUE, { connection: redis });
  try {
    await settle(
      "a job is still active",
      async () => ((await queue.getJobCounts("active")).active === 0 ? true : undefined),
      30_000,
    );
  } finally {
    await queue.close();
    redis.disconnect();
  }
  const deps = await db().deployment.findMany({ where: { hostId: bed.hostId } });
  for (const d of deps) expect(["queued", "deploying"], `deployment ${d.id}`).not.toContain(d.status);
  const running = deps.filter((d) => d.status === "running");
  for (const d of running) {
    const port = (d.spec as { serve: { port: number } }).serve.port;
    const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
    expect(res?.ok, `running deployment ${d.id} answers /health on ${port}`).toBe(true);
  }
  const orphans = await settle(
    "processes left on the host",
    async () => {
      const left = hostProcesses(bed.host).filter(
        (cmd) => running.length === 0 || !/supervise|vllm serve|\/bin\/vllm|^sleep /.test(cmd),
      );
      return left.length === 0 ? left : undefined;
    },
    20_000,
  ).catch((err: Error) => [err.message, ...hostProcesses(bed.host)]);
  expect(orphans).toEqual([]);
}
