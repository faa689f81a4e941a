import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { THostView } from "@/lib/hosts/schema";
import { FIXTURE_SOURCE_TAG, type FixtureIndex, makeSourceRepo, startFixtureIndex } from "../fixtures/vllm";
import { startTestHost, type TestHost } from "../hosts";
import {
  api,
  createViaApi,
  ended,
  FIXTURE_API_KEY,
  fixturePipSpec,
  freePort,
  getViaApi,
  putModelOnHost,
  storedLog,
  waitFor,
} from "../support/deployments";
import { addHost, runCheck } from "../support/operations";

// The deployment pipeline through the real web app, worker, PostgreSQL and Redis onto `ready` test
// hosts (OpenSSH servers). TEST FIXTURES: the package index on loopback with the stand-in vllm wheel,
// the model folder, and the local git repository for the source build; the code paths are the real ones.
let index: FixtureIndex;
let hostA: TestHost;
let hostB: TestHost;
let hostC: TestHost;
const ids: Record<"a" | "b" | "c", string> = { a: "", b: "", c: "" };

beforeAll(async () => {
  [index, hostA, hostB, hostC] = await Promise.all([
    startFixtureIndex(),
    startTestHost("ready", { name: "dep-a" }),
    startTestHost("ready", { name: "dep-b" }),
    startTestHost("ready", { name: "dep-c" }),
  ]);
  const hosts = { a: hostA, b: hostB, c: hostC };
  for (const key of ["a", "b", "c"] as const) {
    await putModelOnHost(hosts[key]);
    const host = await addHost(hosts[key]);
    ids[key] = host.id;
    const check = await runCheck(host.id);
    expect(check.operation.status, check.texts.join("\n")).toBe("succeeded");
  }
}, 180_000);

afterAll(async () => {
  await Promise.all([index?.stop(), hostA?.stop(), hostB?.stop(), hostC?.stop()]);
});

/** seq 1..n without a gap or a repeat, and lineCount agrees. */
async function expectContiguous(operationId: string) {
  const lines = await storedLog(operationId);
  expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
  const op = await db().operation.findUniqueOrThrow({ where: { id: operationId } });
  expect(op.lineCount).toBe(lines.length);
  return lines;
}

describe("deploy vLLM with pip from the fixture index", () => {
  let first = "";

  it("runs every stage to running; the sanity answer is stored; lines carry their stage; the API key never appears", async () => {
    const port = await freePort();
    const { id, operationId } = await createViaApi(fixturePipSpec(ids.a, index, port));
    first = id;
    const dep = await waitFor(id, ended, 240_000);
    expect(dep.status, dep.error ?? "").toBe("running");
    expect(dep.stages.map((s) => [s.name, s.status])).toEqual([
      ["connect", "succeeded"],
      ["preflight", "succeeded"],
      ["prerequisites", "succeeded"],
      ["install-runtime", "succeeded"],
      ["fetch-model", "succeeded"],
      ["configure-service", "succeeded"],
      ["start", "succeeded"],
      ["wait-health", "succeeded"],
      ["sanity", "succeeded"],
      ["running", "succeeded"],
    ]);
    for (const s of dep.stages) {
      expect(s.startedAt).not.toBeNull();
      expect(Date.parse(s.finishedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(s.startedAt ?? ""));
    }
    expect(dep.result?.sanity?.answer).toMatch(/\S/);
    expect(dep.result?.sanity?.model).toBe("tiny-fixture");
    expect(dep.secrets).toEqual({ apiKey: true, hfToken: false });
    expect(JSON.stringify(dep)).not.toContain(FIXTURE_API_KEY);
    expect(index.requests).toContain(`/packages/${index.wheel.fileName}`);

    const lines = await expectContiguous(operationId);
    expect(
      lines.some((l) => l.stage === "install-runtime" && /Successfully installed .*vllm/.test(l.text)),
    ).toBe(true);
    expect(lines.some((l) => l.stage === "wait-health" && /\/health answered/.test(l.text))).toBe(true);
    expect(lines.every((l) => l.stage !== null)).toBe(true);
    expect(lines.some((l) => l.text.includes(FIXTURE_API_KEY))).toBe(false);
    const row = await db().deployment.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(row.spec)).not.toContain(FIXTURE_API_KEY);
    expect(row.apiKeySealed).not.toContain(FIXTURE_API_KEY);

    // The service answers on the host, with the API key on /v1 (checked from this machine: loopback).
    const models = await fetch(`http://127.0.0.1:${port}/v1/models`, {
      headers: { Authorization: `Bearer ${FIXTURE_API_KEY}` },
    });
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: { id: string }[] }).data[0]?.id).toBe("tiny-fixture");
    expect((await fetch(`http://127.0.0.1:${port}/v1/models`)).status).toBe(401);
  }, 300_000);

  it("a redeploy of the unchanged configuration skips the stages already in place and replaces the first", async () => {
    const res = await api<{ id: string }>(`/api/deployments/${first}/redeploy`, { method: "POST" });
    expect(res.status).toBe(201);
    const dep = await waitFor(res.body.id, ended, 120_000);
    expect(dep.status, dep.error ?? "").toBe("running");
    const status = Object.fromEntries(dep.stages.map((s) => [s.name, s.status]));
    expect(status).toMatchObject({
      "install-runtime": "skipped",
      "fetch-model": "skipped",
      "configure-service": "skipped",
      start: "skipped",
      "wait-health": "succeeded",
      sanity: "succeeded",
    });
    expect(dep.redeployOfId).toBe(first);
    expect((await getViaApi(first)).status).toBe("stopped");
  }, 150_000);

  it("refuses bad input with field errors and records nothing", async () => {
    const before = await db().deployment.count();
    const bad = await api("/api/deployments", {
      method: "POST",
      body: {
        spec: {
          ...fixturePipSpec(ids.a, index, 80),
          serve: { port: 80, extraArgs: ["--trust-remote-code; rm -rf /"] },
        },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields?.["serve.port"]).toMatch(/1024 to 65535/);
    const missing = await api("/api/deployments", {
      method: "POST",
      body: { spec: fixturePipSpec("no-such-host", index, 9000) },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.fields?.hostId).toMatch(/Choose a host/);
    expect(await db().deployment.count()).toBe(before);
  });
});

describe("retry", () => {
  it("a deployment that failed at fetch-model resumes there after the operator fixes the host, keeping earlier stages", async () => {
    const folder = "/home/deploy/models/arrives-later";
    const spec = fixturePipSpec(ids.a, index, await freePort(), { model: { source: "path", path: folder } });
    const { id, operationId } = await createViaApi(spec);
    const failed = await waitFor(id, ended, 120_000);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/^Fetch the model: /);
    const failedStage = failed.stages.find((s) => s.name === "fetch-model");
    expect(failedStage?.status).toBe("failed");
    const installBefore = failed.stages.find((s) => s.name === "install-runtime");
    expect(installBefore?.status).toBe("succeeded");
    const lines = await storedLog(operationId);
    expect(
      lines.some(
        (l) => l.stage === "fetch-model" && l.text.includes(`No config.json in the model folder ${folder}`),
      ),
    ).toBe(true);

    await putModelOnHost(hostA, folder);
    const res = await api(`/api/deployments/${id}/retry`, { method: "POST" });
    expect(res.status).toBe(202);
    const dep = await waitFor(id, ended, 120_000);
    expect(dep.status, dep.error ?? "").toBe("running");
    const installAfter = dep.stages.find((s) => s.name === "install-runtime");
    // Not run again: same times as before the retry.
    expect(installAfter).toEqual(installBefore);
    expect(dep.stages.find((s) => s.name === "fetch-model")?.status).toBe("succeeded");
    const all = await expectContiguous(operationId);
    expect(all.some((l) => /Retrying from fetch-model; finished stages are kept/.test(l.text))).toBe(true);
    // A running deployment cannot be retried.
    expect((await api(`/api/deployments/${id}/retry`, { method: "POST" })).status).toBe(409);
  }, 300_000);
});

describe("one deployment at a time per host; hosts in parallel", () => {
  it("a second deployment to the same host waits in line with its position; different hosts deploy at once", async () => {
    index.slowDownloadMs = 3000;
    try {
      const [b1, b2, c1] = [
        await createViaApi(fixturePipSpec(ids.b, index, await freePort())),
        await createViaApi(fixturePipSpec(ids.b, index, await freePort())),
        await createViaApi(fixturePipSpec(ids.c, index, await freePort())),
      ];
      const firstOnB = await waitFor(b1.id, (d) => d.status === "deploying", 30_000);
      expect(firstOnB.queue).toBeNull();
      const waiting = await getViaApi(b2.id);
      expect(waiting.status).toBe("queued");
      expect(waiting.queue).toEqual({ position: 1, deployingId: b1.id });
      // Host C does not wait for host B.
      await waitFor(c1.id, (d) => d.status === "deploying", 30_000);
      expect((await getViaApi(b2.id)).status).toBe("queued");

      const [doneB1, doneB2, doneC1] = await Promise.all([
        waitFor(b1.id, ended, 240_000),
        waitFor(b2.id, ended, 240_000),
        waitFor(c1.id, ended, 240_000),
      ]);
      for (const d of [doneB1, doneB2, doneC1]) expect(d.status, d.error ?? "").toBe("running");
      // Same host: the second started after the first finished. Different hosts: their installs overlapped.
      expect(Date.parse(doneB2.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(doneB1.finishedAt ?? ""));
      const install = (d: typeof doneB1) => d.stages.find((s) => s.name === "install-runtime");
      const [ib1, ic1] = [install(doneB1), install(doneC1)];
      expect(Date.parse(ib1?.startedAt ?? "")).toBeLessThan(Date.parse(ic1?.finishedAt ?? ""));
      expect(Date.parse(ic1?.startedAt ?? "")).toBeLessThan(Date.parse(ib1?.finishedAt ?? ""));
    } finally {
      index.slowDownloadMs = 0;
    }
  }, 300_000);
});

describe("several deployments at once on a host that allows it", () => {
  it("a host set to two deployments at once runs two together; the third waits for a free place", async () => {
    const { body: current } = await api<{ host: THostView }>(`/api/hosts/${ids.a}`);
    const { host } = current;
    const edit = (deployConcurrency: number) =>
      api<{ host: THostView }>(`/api/hosts/${ids.a}`, {
        method: "PATCH",
        body: {
          name: host.name,
          address: host.address,
          port: host.port,
          username: host.username,
          labels: host.labels,
          deployPath: host.deployPath,
          jumpHostId: host.jumpHost?.id ?? null,
          auth: host.authMethod,
          deployConcurrency,
        },
      });
    const refused = await edit(9);
    expect(refused.status).toBe(400);
    expect(refused.body.fields?.deployConcurrency).toBe("1 to 8");
    const saved = await edit(2);
    expect(saved.status, saved.body.error).toBe(200);
    expect(saved.body.host.deployConcurrency).toBe(2);
    index.slowDownloadMs = 3000;
    try {
      const [a1, a2, a3] = [
        await createViaApi(fixturePipSpec(ids.a, index, await freePort())),
        await createViaApi(fixturePipSpec(ids.a, index, await freePort())),
        await createViaApi(fixturePipSpec(ids.a, index, await freePort())),
      ];
      await waitFor(a1.id, (d) => d.status === "deploying", 30_000);
      await waitFor(a2.id, (d) => d.status === "deploying", 30_000);
      const third = await getViaApi(a3.id);
      expect(third.status).toBe("queued");
      expect(third.queue?.position).toBe(1);

      const done = await Promise.all([a1, a2, a3].map((d) => waitFor(d.id, ended, 240_000)));
      for (const d of done) expect(d.status, d.error ?? "").toBe("running");
      const [d1, d2, d3] = done as [(typeof done)[0], (typeof done)[0], (typeof done)[0]];
      // The first two overlapped; the third started only when one of them had finished.
      expect(Date.parse(d2.startedAt ?? "")).toBeLessThan(Date.parse(d1.finishedAt ?? ""));
      const firstFree = Math.min(Date.parse(d1.finishedAt ?? ""), Date.parse(d2.finishedAt ?? ""));
      expect(Date.parse(d3.startedAt ?? "")).toBeGreaterThanOrEqual(firstFree);
    } finally {
      index.slowDownloadMs = 0;
      expect((await edit(1)).status).toBe(200);
    }
  }, 300_000);
});

describe("cancel", () => {
  it("cancel during install stops pip's process group on the host and leaves the deployment cancelled", async () => {
    index.slowDownloadMs = 60_000;
    try {
      const { id, operationId } = await createViaApi(fixturePipSpec(ids.a, index, await freePort()));
      await waitFor(id, (d) => d.stage === "install-runtime", 60_000);
      // pip is downloading the wheel (held open by the index) when the operator cancels.
      const deadline = Date.now() + 30_000;
      while (!(await pipRunning(hostA)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(await pipRunning(hostA)).toBe(true);
      const requested = Date.now();
      const res = await api<{ status: string }>(`/api/deployments/${id}/cancel`, { method: "POST" });
      expect(res.status).toBe(202);
      expect(res.body.status).toBe("cancelling");
      const dep = await waitFor(id, ended, 20_000, 100);
      const tookMs = Date.now() - requested;
      expect(dep.status).toBe("cancelled");
      expect(dep.stages.find((s) => s.name === "install-runtime")?.status).toBe("cancelled");
      expect(dep.stages.find((s) => s.name === "start")?.status).toBe("pending");
      expect(await pipRunning(hostA)).toBe(false);
      const op = await db().operation.findUniqueOrThrow({ where: { id: operationId } });
      expect(op.status).toBe("cancelled");
      const lines = await expectContiguous(operationId);
      // pip was stopped by the signal, not by its own read timeout on the held download.
      expect(lines.some((l) => /ReadTimeoutError|Read timed out/.test(l.text))).toBe(false);
      console.info(`cancel: ${tookMs} ms from the request to "cancelled", pip gone`);
      // Cancelling again is refused, the state unchanged.
      expect((await api(`/api/deployments/${id}/cancel`, { method: "POST" })).status).toBe(409);
    } finally {
      index.slowDownloadMs = 0;
    }
  }, 120_000);

  it("a queued deployment is cancelled before it starts", async () => {
    index.slowDownloadMs = 2000;
    try {
      const first = await createViaApi(fixturePipSpec(ids.a, index, await freePort()));
      const second = await createViaApi(fixturePipSpec(ids.a, index, await freePort()));
      await waitFor(first.id, (d) => d.status === "deploying", 30_000);
      const res = await api<{ status: string }>(`/api/deployments/${second.id}/cancel`, { method: "POST" });
      expect(res.body.status).toBe("cancelled");
      const dep = await getViaApi(second.id);
      expect(dep.status).toBe("cancelled");
      expect(dep.stages.every((s) => s.status === "pending")).toBe(true);
      await api(`/api/deployments/${first.id}/cancel`, { method: "POST" });
      expect((await waitFor(first.id, ended, 30_000)).status).toBe("cancelled");
    } finally {
      index.slowDownloadMs = 0;
    }
  }, 90_000);
});

describe("source build", () => {
  it("builds vLLM for CPU from a git repository with the native toolchain and reaches running", async () => {
    const repo = await makeSourceRepo(join(hostC.rootDir, "home/deploy/src/vllm-fixture"));
    const passwd = (await promisify(execFile)("chroot", [hostC.rootDir, "id", "-u", "deploy"])).stdout.trim();
    await promisify(execFile)("chown", ["-R", `${passwd}:${passwd}`, join(hostC.rootDir, "home/deploy/src")]);
    const port = await freePort();
    const { id, operationId } = await createViaApi(
      fixturePipSpec(ids.c, index, port, {
        install: {
          method: "source",
          gitUrl: "file:///home/deploy/src/vllm-fixture",
          ref: FIXTURE_SOURCE_TAG,
          indexUrl: `${index.url}/simple`,
        },
      }),
    );
    const dep = await waitFor(id, ended, 300_000, 500);
    expect(dep.status, dep.error ?? "").toBe("running");
    expect(dep.result?.sanity?.answer).toMatch(/\S/);
    const lines = await expectContiguous(operationId);
    const install = lines.filter((l) => l.stage === "install-runtime").map((l) => l.text);
    expect(install.some((t) => t.includes("VLLM_TARGET_DEVICE=cpu"))).toBe(true);
    // A platform wheel (not py3-none-any): the build compiled the native extension with CMake and Ninja.
    expect(install.join("\n")).toMatch(/Created wheel for vllm: filename=vllm-\S+-linux_x86_64\.whl/);
    expect(repo.tag).toBe(FIXTURE_SOURCE_TAG);
  }, 360_000);
});

/** Whether a pip process runs on the test host (its processes are this machine's, under its root). */
async function pipRunning(host: TestHost): Promise<boolean> {
  const { stdout } = await promisify(execFile)("sh", [
    "-c",
    'for p in /proc/[0-9]*; do r=$(readlink "$p/root" 2>/dev/null) || continue; [ "$r" = "$1" ] || continue; tr "\\0" " " < "$p/cmdline" 2>/dev/null; echo; done',
    "sh",
    host.rootDir,
  ]);
  return stdout.split("\n").some((line) => /venv\/bin\/pip install/.test(line));
}
