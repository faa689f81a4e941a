import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { TComparison } from "@/lib/deployments/compare";
import { rollbackTarget } from "@/lib/deployments/rollback";
import { type FixtureIndex, startFixtureIndex } from "../fixtures/vllm";
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
  waitFor,
} from "../support/deployments";
import { addHost, runCheck } from "../support/operations";

// Compare and rollback through the real web app and worker on a `ready` test host: configuration A
// reaches running, then B (another port, a longer context and another API key) does; comparing shows
// exactly those fields, and rolling back from B deploys A's configuration again, which serves again.
// TEST FIXTURES: the package index with the stand-in vllm and the model folder.
const OTHER_KEY = "fixture-other-key-9876543210";
let index: FixtureIndex;
let testHost: TestHost;
let hostId = "";
let portA = 0;
let portB = 0;
let a = "";
let b = "";

beforeAll(async () => {
  [index, testHost] = await Promise.all([startFixtureIndex(), startTestHost("ready", { name: "rollback" })]);
  await putModelOnHost(testHost);
  hostId = (await addHost(testHost)).id;
  const check = await runCheck(hostId);
  expect(check.operation.status, check.texts.join("\n")).toBe("succeeded");
  [portA, portB] = [await freePort(), await freePort()];
}, 180_000);

afterAll(async () => {
  await Promise.all([index?.stop(), testHost?.stop()]);
});

const noSecrets = (body: unknown) => {
  const text = JSON.stringify(body);
  expect(text).not.toContain(FIXTURE_API_KEY);
  expect(text).not.toContain(OTHER_KEY);
};

describe("compare and roll back deployments", () => {
  it("deploys configuration A, then B, each to running", async () => {
    a = (await createViaApi(fixturePipSpec(hostId, index, portA))).id;
    const depA = await waitFor(a, ended, 240_000);
    expect(depA.status, depA.error ?? "").toBe("running");
    const specB = fixturePipSpec(hostId, index, portB);
    b = (await createViaApi({ ...specB, serve: { ...specB.serve, maxModelLen: 2048, apiKey: OTHER_KEY } }))
      .id;
    const depB = await waitFor(b, ended, 240_000);
    expect(depB.status, depB.error ?? "").toBe("running");
  }, 500_000);

  it("compare shows exactly the changed fields, a changed secret without its value", async () => {
    const res = await api<TComparison>(`/api/deployments/compare?a=${a}&b=${b}`);
    expect(res.status, res.body.error).toBe(200);
    expect(res.body.changed).toEqual(["serve.port", "serve.maxModelLen", "serve.apiKey"]);
    const rows = Object.fromEntries(res.body.fields.map((f) => [f.path, f]));
    expect(rows["serve.port"]).toMatchObject({ a: String(portA), b: String(portB), changed: true });
    expect(rows["serve.maxModelLen"]).toMatchObject({ a: "1024", b: "2048" });
    expect(rows["serve.apiKey"]).toMatchObject({ a: "set", b: "set", changed: true });
    expect(rows["model.path"]?.changed).toBe(false);
    expect(rows.host).toMatchObject({ changed: false });
    expect(res.body.a.id).toBe(a);
    noSecrets(res.body);

    const same = await api<TComparison>(`/api/deployments/compare?a=${a}&b=${a}`);
    expect(same.body.changed).toEqual([]);
  });

  it("compare answers 400 without two ids and 404 for an unknown one", async () => {
    expect((await api(`/api/deployments/compare?a=${a}`)).status).toBe(400);
    const missing = await api(`/api/deployments/compare?a=${a}&b=nosuchdeployment`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toContain("nosuchdeployment");
  });

  it("rollback from the first configuration answers 409: nothing earlier reached running", async () => {
    const before = await db().deployment.count({ where: { hostId } });
    const res = await api(`/api/deployments/${a}/rollback`, { method: "POST" });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/nothing to roll back to/);
    expect(await db().deployment.count({ where: { hostId } })).toBe(before);
    expect((await api("/api/deployments/nosuchdeployment/rollback", { method: "POST" })).status).toBe(404);
  });

  it("rollback from B redeploys A's configuration in A's folder, and it serves again with A's key", async () => {
    const res = await api<{ id: string; rollbackTo: string }>(`/api/deployments/${b}/rollback`, {
      method: "POST",
    });
    expect(res.status, res.body.error).toBe(201);
    expect(res.body.rollbackTo).toBe(a);
    noSecrets(res.body);
    const dep = await waitFor(res.body.id, ended, 240_000);
    expect(dep.status, dep.error ?? "").toBe("running");
    const original = await getViaApi(a);
    expect(dep.spec).toEqual(original.spec);
    expect(dep.secrets).toEqual({ apiKey: true, hfToken: false });
    expect(dep.dirId).toBe(original.dirId);
    expect(dep.redeployOfId).toBe(a);
    // The runtime and model already in A's folder are reused.
    expect(Object.fromEntries(dep.stages.map((s) => [s.name, s.status]))).toMatchObject({
      "install-runtime": "skipped",
      "fetch-model": "skipped",
    });
    expect(original.status).toBe("stopped");
    noSecrets(dep);

    const compare = await api<TComparison>(`/api/deployments/compare?a=${a}&b=${dep.id}`);
    expect(compare.body.changed).toEqual([]);
    const models = await fetch(`http://127.0.0.1:${portA}/v1/models`, {
      headers: { Authorization: `Bearer ${FIXTURE_API_KEY}` },
    });
    expect(models.status).toBe(200);

    // From the rollback, the configuration before it that differs and reached running is B's.
    const back = await api<{ rollbackTo: string }>(`/api/deployments/${dep.id}/rollback`, { method: "POST" });
    expect(back.status, back.body.error).toBe(201);
    expect(back.body.rollbackTo).toBe(b);
    const again = await waitFor((back.body as unknown as { id: string }).id, ended, 240_000);
    expect(again.status, again.error ?? "").toBe("running");
    expect(again.spec.serve.port).toBe(portB);
  }, 600_000);
});

describe("which earlier deployment a rollback returns to (seeded rows)", () => {
  it("skips same configurations whatever their key order, unsuccessful ones and other models", async () => {
    const run = randomBytes(3).toString("hex");
    const host = await db().host.create({
      data: { name: `rb-${run}`, address: "127.0.0.1", username: "deploy", authMethod: "password" },
    });
    const specA = { model: { source: "path", path: "/m" }, serve: { port: 8000, maxModelLen: 1024 } };
    const specB = { model: { source: "path", path: "/m" }, serve: { port: 8000, maxModelLen: 2048 } };
    const specBReordered = {
      serve: { maxModelLen: 2048, port: 8000 },
      model: { path: "/m", source: "path" },
    };
    const rows: [string, object, string, boolean][] = [
      ["a", specA, "m", true],
      ["other-model", specB, "other", true],
      ["b-failed", specA, "m", false],
      ["b", specB, "m", true],
      ["b-again", specBReordered, "m", true],
      ["b-latest", specB, "m", false],
    ];
    const ids: Record<string, string> = {};
    for (const [i, [name, spec, model, reached]] of rows.entries()) {
      const id = `rb${run}${i}`;
      ids[name] = id;
      const at = new Date(Date.UTC(1997, 0, 1, 0, i));
      await db().operation.create({
        data: { id: `op${id}`, kind: "deploy", hostId: host.id, createdAt: at },
      });
      await db().deployment.create({
        data: {
          id,
          hostId: host.id,
          operationId: `op${id}`,
          status: reached ? "stopped" : "failed",
          spec,
          specHash: `hash-${i}`,
          modelName: model,
          installMethod: "pip",
          dirId: id,
          createdAt: at,
        },
      });
      await db().deploymentStage.create({
        data: { deploymentId: id, name: "running", position: 9, status: reached ? "succeeded" : "pending" },
      });
    }
    expect((await rollbackTarget(ids["b-latest"] as string)).target?.id).toBe(ids.a);
    expect((await rollbackTarget(ids["b-again"] as string)).target?.id).toBe(ids.a);
    expect((await rollbackTarget(ids.a as string)).target).toBeNull();
    expect((await rollbackTarget(ids["b-failed"] as string)).target).toBeNull();
    const res = await api(`/api/deployments/${ids["b-failed"]}/rollback`, { method: "POST" });
    expect(res.status).toBe(409);
  });
});
