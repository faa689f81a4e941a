import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db";
import { runningPid, startAppProcess } from "../../scripts/lib/app-processes";
import { TEST_SYSTEM } from "../setup/system-config";
import { ended, storedLog, waitFor } from "../support/deployments";
import { afterCase, deploymentInInstall, faultBed, type TFaultBed } from "./support";

// Fault 1: SIGKILL the worker in the middle of "install runtime" and start a new one: the deployment
// must end in a clear state (here: it resumes and reaches running), and the persisted log has every
// sequence number once. TEST FIXTURES: the loopback package index (holding pip's download open) and
// the model folder.
let bed: TFaultBed;

beforeAll(async () => {
  bed = await faultBed("fault-kill");
}, 120_000);

afterAll(async () => {
  await bed?.stop();
});

it("a worker killed with SIGKILL during install: a new worker resumes the deployment; log seqs contiguous", async () => {
  const { id, operationId } = await deploymentInInstall(bed);
  const index = bed.index;
  const linesBefore = (await storedLog(operationId)).length;

  const pid = runningPid(TEST_SYSTEM.dataDir, "worker");
  expect(pid).toBeGreaterThan(0);
  process.kill(pid as number, "SIGKILL");
  const killedAt = Date.now();
  index.slowDownloadMs = 0;
  startAppProcess("worker", {
    dataDir: TEST_SYSTEM.dataDir,
    port: TEST_SYSTEM.webPort,
    bind: "127.0.0.1",
    env: { ...process.env, WEBOPS_JOB_LOCK_MS: "5000" },
  });

  const dep = await waitFor(id, ended, 120_000, 250);
  const recoveredMs = Date.now() - killedAt;
  expect(dep.status, dep.error ?? "").toBe("running");
  expect(dep.stages.find((s) => s.name === "install-runtime")?.status).toBe("succeeded");

  const lines = await storedLog(operationId);
  expect(lines.length).toBeGreaterThan(linesBefore);
  expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
  const op = await db().operation.findUniqueOrThrow({ where: { id: operationId } });
  expect(op.lineCount).toBe(lines.length);
  expect(op.status).toBe("succeeded");
  expect(
    lines.some((l) =>
      /Resuming on a new worker: the previous one stopped during install-runtime/.test(l.text),
    ),
  ).toBe(true);
  console.info(`worker loss: running again ${recoveredMs} ms after SIGKILL (job lock 5 s)`);
  await afterCase(bed);
}, 240_000);
