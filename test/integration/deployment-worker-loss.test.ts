import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db";
import { runningPid, startAppProcess } from "../../scripts/lib/app-processes";
import { type FixtureIndex, startFixtureIndex } from "../fixtures/vllm";
import { startTestHost, type TestHost } from "../hosts";
import { TEST_SYSTEM } from "../setup/system-config";
import {
  createViaApi,
  ended,
  fixturePipSpec,
  freePort,
  putModelOnHost,
  storedLog,
  waitFor,
} from "../support/deployments";
import { addHost, runCheck } from "../support/operations";

// SIGKILL the worker in the middle of "install runtime" and start a new one: the deployment must end
// in a clear state (here: it resumes and reaches running), and the persisted log has every sequence
// number once. TEST FIXTURES: the loopback package index (holding pip's download open) and the model folder.
let index: FixtureIndex;
let host: TestHost;
let hostId = "";

beforeAll(async () => {
  [index, host] = await Promise.all([startFixtureIndex(), startTestHost("ready", { name: "dep-kill" })]);
  await putModelOnHost(host);
  hostId = (await addHost(host)).id;
  expect((await runCheck(hostId)).operation.status).toBe("succeeded");
}, 120_000);

afterAll(async () => {
  await Promise.all([index?.stop(), host?.stop()]);
});

it("a worker killed with SIGKILL during install: a new worker resumes the deployment; log seqs contiguous", async () => {
  index.slowDownloadMs = 60_000;
  const { id, operationId } = await createViaApi(fixturePipSpec(hostId, index, await freePort()));
  await waitFor(id, (d) => d.stage === "install-runtime", 60_000);
  const deadline = Date.now() + 30_000;
  while (!index.requests.includes(`/packages/${index.wheel.fileName}`) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
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
}, 240_000);
