import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { type FixtureIndex, startFixtureIndex } from "../fixtures/vllm";
import { startTestHost, type TestHost } from "../hosts";
import {
  api,
  createViaApi,
  ended,
  fixturePipSpec,
  freePort,
  getViaApi,
  putModelOnHost,
  storedLog,
  waitFor,
} from "../support/deployments";
import { addHost, runCheck } from "../support/operations";

// Stop, start, restart and undeploy of a fixture deployment on a real `ready` test host (OpenSSH,
// supervised process with pid files), through the web app and worker; a webhook receiver on 127.0.0.1
// hears the deployment come back. TEST FIXTURES: the package index with the stand-in vllm, the model.
let index: FixtureIndex;
let host: TestHost;
let hostId = "";
let deploymentId = "";
let dirId = "";
let receiver: Server;
let hookId = "";
const events: { event: string; deployment: { id: string }; host: { name: string } }[] = [];

const folder = () => join(host.rootDir, "home", host.user, "webops", "deployments", dirId);
const pidOf = async (name: "vllm.pid" | "supervisor.pid") =>
  Number((await readFile(join(folder(), name), "utf8")).trim());
/** Whether the process runs: exists and is not a zombie waiting to be reaped (state Z). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function act(action: string, body?: unknown) {
  return api<{ operationId: string; actionId: string }>(`/api/deployments/${deploymentId}/${action}`, {
    method: "POST",
    body,
  });
}

/** Runs an action to its end; the operation's status and log. */
async function runAction(action: string, body?: unknown) {
  const res = await act(action, body);
  expect(res.status, res.body.error).toBe(202);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const op = await db().operation.findUniqueOrThrow({ where: { id: res.body.operationId } });
    if (op.status !== "queued" && op.status !== "running") {
      const lines = (await storedLog(op.id)).map((l) => l.text);
      return { op, lines };
    }
    if (Date.now() > deadline) throw new Error(`${action} still ${op.status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      events.push(JSON.parse(body));
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const address = receiver.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const hook = await api("/api/webhooks", {
    method: "POST",
    body: {
      name: `lifecycle-${process.pid}`,
      url: `http://127.0.0.1:${address.port}/hook`,
      events: ["deployment.running", "deployment.failed"],
    },
  });
  expect(hook.status).toBe(201);
  hookId = (hook.body as { webhook: { id: string } }).webhook.id;

  [index, host] = await Promise.all([startFixtureIndex(), startTestHost("ready", { name: "life" })]);
  await putModelOnHost(host);
  hostId = (await addHost(host)).id;
  const check = await runCheck(hostId);
  expect(check.operation.status, check.texts.join("\n")).toBe("succeeded");
  const created = await createViaApi(fixturePipSpec(hostId, index, await freePort()));
  deploymentId = created.id;
  const dep = await waitFor(deploymentId, ended, 240_000);
  expect(dep.status, dep.error ?? "").toBe("running");
  dirId = (await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } })).dirId;
}, 300_000);

afterAll(async () => {
  // The shared database outlives this file: its endpoint must not receive other files' events.
  if (hookId) await db().webhookEndpoint.update({ where: { id: hookId }, data: { enabled: false } });
  await Promise.all([index?.stop(), host?.stop(), new Promise((r) => receiver?.close(r))]);
});

describe("deployment lifecycle", () => {
  it("fires deployment.running for the pipeline's end, naming host and deployment", async () => {
    await expect.poll(() => events.length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ event: "deployment.running", deployment: { id: deploymentId } });
    expect(events[0]?.host.name).toMatch(/^life/);
  });

  it("stop ends the process on the host and the deployment is stopped, with its own log and history entry", async () => {
    const vllm = await pidOf("vllm.pid");
    const supervisor = await pidOf("supervisor.pid");
    expect(alive(vllm)).toBe(true);
    const { op, lines } = await runAction("stop");
    expect(op.status, op.error ?? "").toBe("succeeded");
    expect(op.kind).toBe("deployment_stop");
    expect(lines.join("\n")).toMatch(/Stop the service \(supervised process\)/);
    expect(alive(vllm)).toBe(false);
    expect(alive(supervisor)).toBe(false);
    expect(existsSync(join(folder(), "vllm.pid"))).toBe(false);
    const dep = await getViaApi(deploymentId);
    expect(dep.status).toBe("stopped");
    expect(dep.error).toBe("Stopped by an operator");
    const history = await api<{ actions: { action: string; status: string }[] }>(
      `/api/deployments/${deploymentId}/actions`,
    );
    expect(history.body.actions[0]).toMatchObject({ action: "stop", status: "succeeded" });
  }, 120_000);

  it("refuses what does not fit with 409 and a reason, and a bad undeploy body with 400", async () => {
    const again = await act("stop");
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/stopped, not running: nothing to stop/);
    const bad = await act("undeploy", { removeEnvironment: "yes" });
    expect(bad.status).toBe(400);
    expect(bad.body.fields?.removeEnvironment).toBeTruthy();
    expect((await act("undeploy", { removeAll: true })).status).toBe(400);
    expect((await api("/api/deployments/nope/stop", { method: "POST" })).status).toBe(404);
    expect(await db().deploymentAction.count({ where: { deploymentId } })).toBe(1);
  });

  it("start brings it back: a new process answers /health and deployment.running fires again", async () => {
    const before = events.length;
    const { op, lines } = await runAction("start");
    expect(op.status, `${op.error}\n${lines.join("\n")}`).toBe("succeeded");
    expect(lines.join("\n")).toMatch(/\/health answered after/);
    expect(alive(await pidOf("vllm.pid"))).toBe(true);
    expect((await getViaApi(deploymentId)).status).toBe("running");
    await expect.poll(() => events.length, { timeout: 20_000 }).toBe(before + 1);
    expect(events.at(-1)).toMatchObject({ event: "deployment.running", deployment: { id: deploymentId } });
  }, 180_000);

  it("restart replaces the process; a second action on the host meanwhile is refused with 409", async () => {
    const old = await pidOf("vllm.pid");
    const started = await act("restart");
    expect(started.status).toBe(202);
    const second = await act("stop");
    expect(second.status).toBe(409);
    expect(second.body.error).toMatch(/Another stop, start, restart or undeploy is running/);
    const deadline = Date.now() + 180_000;
    let op = await db().operation.findUniqueOrThrow({ where: { id: started.body.operationId } });
    while ((op.status === "queued" || op.status === "running") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      op = await db().operation.findUniqueOrThrow({ where: { id: started.body.operationId } });
    }
    expect(op.status, op.error ?? "").toBe("succeeded");
    const now = await pidOf("vllm.pid");
    expect(now).not.toBe(old);
    expect(alive(old)).toBe(false);
    expect(alive(now)).toBe(true);
    expect((await getViaApi(deploymentId)).status).toBe("running");
  }, 200_000);

  it("undeploy with both removals stops it and removes its folder; start is refused afterwards", async () => {
    const vllm = await pidOf("vllm.pid");
    expect(existsSync(join(folder(), "venv"))).toBe(true);
    const { op, lines } = await runAction("undeploy", { removeEnvironment: true, removeModelCache: true });
    expect(op.status, `${op.error}\n${lines.join("\n")}`).toBe("succeeded");
    expect(op.kind).toBe("deployment_undeploy");
    expect(alive(vllm)).toBe(false);
    expect(existsSync(folder())).toBe(false);
    const dep = await getViaApi(deploymentId);
    expect(dep.status).toBe("stopped");
    expect(dep.error).toBe("Undeployed by an operator; environment removed; model cache removed");
    const start = await act("start");
    expect(start.status).toBe(409);
    expect(start.body.error).toMatch(/redeploy it instead/);
    const history = await api<{ actions: { action: string }[] }>(`/api/deployments/${deploymentId}/actions`);
    expect(history.body.actions.map((a) => a.action)).toEqual(["undeploy", "restart", "start", "stop"]);
  }, 120_000);
});
