import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { TLoadTestList, TLoadTestView } from "@/lib/load-test/schema";
import type { TChatEvent } from "@/lib/playground/schema";
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
  storedLog,
  waitFor,
} from "../support/deployments";
import { addHost, runCheck } from "../support/operations";

// The playground and the load test against a real fixture deployment: the pipeline installs the
// stand-in vllm (TEST FIXTURE) on a `ready` test host, bound to the host's loopback with an API key;
// the web app and the worker reach it through the host's SSH connection (direct-tcpip).
let index: FixtureIndex;
let host: TestHost;
let hostId = "";
let deploymentId = "";
let port = 0;
/** Every body the API sent back in this file: none may hold the API key. */
const bodies: string[] = [];

const base = () => process.env.WEBOPS_TEST_URL as string;

async function post(path: string, body: unknown): Promise<{ status: number; text: string; type: string }> {
  const res = await fetch(`${base()}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  bodies.push(text);
  return { status: res.status, text, type: res.headers.get("content-type") ?? "" };
}

function chatEvents(text: string): TChatEvent[] {
  return text
    .split("\n\n")
    .filter((e) => e.startsWith("data: "))
    .map((e) => JSON.parse(e.slice(6)) as TChatEvent);
}

async function loadTests(id = deploymentId): Promise<TLoadTestList> {
  const res = await api<TLoadTestList>(`/api/deployments/${id}/load-tests`);
  bodies.push(JSON.stringify(res.body));
  expect(res.status).toBe(200);
  return res.body;
}

/** The fixture vLLM's own count of answered requests, read from its /metrics on the host's loopback. */
async function fixtureRequestsServed(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("vllm:request_success_total"));
  return Number(line?.split(" ").pop() ?? Number.NaN);
}

beforeAll(async () => {
  [index, host] = await Promise.all([startFixtureIndex(), startTestHost("ready", { name: "play" })]);
  await putModelOnHost(host);
  hostId = (await addHost(host)).id;
  const check = await runCheck(hostId);
  expect(check.operation.status, check.texts.join("\n")).toBe("succeeded");
  port = await freePort();
  const created = await createViaApi(fixturePipSpec(hostId, index, port));
  const dep = await waitFor(created.id, ended, 240_000);
  expect(dep.status, dep.error ?? "").toBe("running");
  deploymentId = dep.id;
}, 300_000);

afterAll(async () => {
  await Promise.all([index?.stop(), host?.stop()]);
});

describe("playground chat", () => {
  it("streams the model's answer through the API as it is produced", async () => {
    const res = await post(`/api/deployments/${deploymentId}/chat`, {
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "what is the capital of France" },
      ],
      max_tokens: 32,
      temperature: 0,
    });
    expect(res.status).toBe(200);
    expect(res.type).toContain("text/event-stream");
    const events = chatEvents(res.text);
    const deltas = events.flatMap((e) => (e.type === "delta" ? [e.text] : []));
    // The fixture streams one chunk per word: the answer arrived in pieces, in order.
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe("fixture answer to: what is the capital of France");
    const done = events.at(-1);
    expect(done?.type).toBe("done");
    if (done?.type !== "done") return;
    expect(done.finishReason).toBe("stop");
    expect(done.completionTokens).toBe(9);
    expect(done.promptTokens).toBe(9);
    expect(done.ttftMs).not.toBeNull();
    expect(done.latencyMs).toBeGreaterThanOrEqual(done.ttftMs ?? 0);
  });

  it("refuses bad input with 400 and a message naming the field", async () => {
    const path = `/api/deployments/${deploymentId}/chat`;
    const cases: [unknown, RegExp][] = [
      [{ messages: [] }, /messages: Send at least one message/],
      [
        { messages: [{ role: "user", content: "hi" }], temperature: 3 },
        /temperature: temperature is at most 2/,
      ],
      [
        { messages: [{ role: "user", content: "hi" }], max_tokens: 0 },
        /max_tokens: max_tokens is at least 1/,
      ],
      [
        { messages: [{ role: "robot", content: "hi" }] },
        /messages.0.role: role must be system, user or assistant/,
      ],
      [{ messages: [{ role: "system", content: "only a system prompt" }] }, /Send at least one user message/],
      ["not json", /must be JSON/],
    ];
    for (const [body, message] of cases) {
      const res = await post(path, body);
      expect(res.status, res.text).toBe(400);
      expect((JSON.parse(res.text) as { error: string }).error).toMatch(message);
    }
  });

  it("answers 404 for an unknown deployment and 409 for one that is not running", async () => {
    const body = { messages: [{ role: "user", content: "hi" }] };
    expect((await post("/api/deployments/nope/chat", body)).status).toBe(404);
    const stopped = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    const op = await db().operation.create({ data: { kind: "deploy", hostId, status: "succeeded" } });
    const other = await db().deployment.create({
      data: {
        hostId,
        operationId: op.id,
        spec: stopped.spec as object,
        specHash: "stopped",
        modelName: stopped.modelName,
        installMethod: stopped.installMethod,
        dirId: `stopped${Date.now()}`,
        status: "stopped",
      },
    });
    const chat = await post(`/api/deployments/${other.id}/chat`, body);
    expect(chat.status).toBe(409);
    expect(chat.text).toMatch(/This deployment is stopped/);
    const load = await post(`/api/deployments/${other.id}/load-tests`, {
      requests: 2,
      concurrency: 1,
      promptWords: 10,
    });
    expect(load.status).toBe(409);
    expect(await db().loadTest.count({ where: { deploymentId: other.id } })).toBe(0);
  });
});

describe("load test", () => {
  it("refuses out-of-bounds settings with 400 and creates nothing", async () => {
    const path = `/api/deployments/${deploymentId}/load-tests`;
    const cases: [unknown, RegExp][] = [
      [{ requests: 10_001, concurrency: 4, promptWords: 10 }, /requests: requests is at most 10,000/],
      [{ requests: 1000, concurrency: 257, promptWords: 10 }, /concurrency: concurrency is at most 256/],
      [{ requests: 3, concurrency: 4, promptWords: 10 }, /concurrency cannot exceed the number of requests/],
      [{ requests: 10, concurrency: 2, promptWords: 0 }, /promptWords: promptWords is at least 1/],
      [{ requests: "ten", concurrency: 2, promptWords: 5 }, /requests must be a number/],
      // The fixture deployment's max model length is 1024 tokens.
      [
        { requests: 10, concurrency: 2, promptWords: 1000, maxTokens: 100 },
        /does not fit the deployment's max model length \(1024/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await post(path, body);
      expect(res.status, res.text).toBe(400);
      expect((JSON.parse(res.text) as { error: string }).error).toMatch(message);
    }
    expect(await db().loadTest.count({ where: { deploymentId } })).toBe(0);
  });

  it("N=20 at C=4 stores its figures with no errors and becomes the acceptance record", async () => {
    const servedBefore = await fixtureRequestsServed();
    const res = await post(`/api/deployments/${deploymentId}/load-tests`, {
      requests: 20,
      concurrency: 4,
      promptWords: 50,
      maxTokens: 64,
    });
    expect(res.status, res.text).toBe(202);
    const { id, operationId } = JSON.parse(res.text) as { id: string; operationId: string };

    // A second one while this one runs is refused.
    const again = await post(`/api/deployments/${deploymentId}/load-tests`, {
      requests: 2,
      concurrency: 1,
      promptWords: 5,
    });
    expect([409, 202]).toContain(again.status);

    let test: TLoadTestView | undefined;
    const deadline = Date.now() + 120_000;
    do {
      await new Promise((r) => setTimeout(r, 300));
      test = (await loadTests()).items.find((t) => t.id === id);
    } while (test && (test.status === "queued" || test.status === "running") && Date.now() < deadline);
    expect(test?.status, test?.error ?? "").toBe("succeeded");
    if (!test) return;
    expect(test).toMatchObject({
      requests: 20,
      concurrency: 4,
      promptWords: 50,
      maxTokens: 64,
      passed: true,
      succeeded: 20,
      errors: 0,
      errorMessages: [],
    });
    for (const v of [test.latencyP50Ms, test.latencyP95Ms, test.ttftP50Ms, test.ttftP95Ms, test.durationMs])
      expect(v).toBeGreaterThan(0);
    expect(test.latencyP95Ms).toBeGreaterThanOrEqual(test.latencyP50Ms ?? Number.NaN);
    expect(test.ttftP95Ms).toBeGreaterThanOrEqual(test.ttftP50Ms ?? Number.NaN);
    expect(test.ttftP50Ms).toBeLessThanOrEqual(test.latencyP50Ms ?? Number.NaN);
    expect(test.outputTokensPerS).toBeGreaterThan(0);
    expect(test.requestsPerS).toBeGreaterThan(0);
    expect(test.startedAt).not.toBeNull();
    expect(test.finishedAt).not.toBeNull();
    // Output tokens/s is the fixture's answers (53 words each: 3 + the 50-word prompt) over the wall time.
    expect(test.outputTokensPerS).toBeCloseTo((20 * 53) / ((test.durationMs ?? 1) / 1000), 3);

    // The requests really reached vLLM on the host: its own counter moved by 20 (plus any second test).
    const served = (await fixtureRequestsServed()) - servedBefore;
    expect(served === 20 || (again.status === 202 && served === 22)).toBe(true);

    console.log(`load test N=20 C=4 figures: ${JSON.stringify(test)}`);
    const row = await db().loadTest.findUniqueOrThrow({ where: { id } });
    expect(row.deploymentId).toBe(deploymentId);
    const list = await loadTests();
    expect(list.acceptance?.passed).toBe(true);

    // The operation's log has its progress lines and the figures, and no key.
    const lines = await storedLog(operationId);
    const texts = lines.map((l) => l.text);
    for (const n of [2, 10, 20]) expect(texts.some((t) => t.startsWith(`${n}/20 done, `))).toBe(true);
    expect(texts.some((t) => /20\/20 answered, 0 errors/.test(t) && /latency p50/.test(t))).toBe(true);
    expect(texts.some((t) => t.includes(FIXTURE_API_KEY))).toBe(false);
    const op = await db().operation.findUniqueOrThrow({ where: { id: operationId } });
    expect(op.kind).toBe("load_test");
    expect(op.status).toBe("succeeded");
  }, 180_000);

  it("a load test whose requests fail records the errors with their first messages and does not pass", async () => {
    // A wrong key (as after a rotation on the host) makes vLLM answer 401 to every request.
    const row = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    const { sealDeploymentSecret } = await import("@/lib/deployments/secrets");
    await db().deployment.update({
      where: { id: deploymentId },
      data: { apiKeySealed: sealDeploymentSecret(deploymentId, "apiKey", "not-the-key") },
    });
    try {
      const res = await post(`/api/deployments/${deploymentId}/load-tests`, {
        requests: 6,
        concurrency: 3,
        promptWords: 5,
        maxTokens: 8,
      });
      expect(res.status, res.text).toBe(202);
      const { id } = JSON.parse(res.text) as { id: string };
      let test: TLoadTestView | undefined;
      const deadline = Date.now() + 60_000;
      do {
        await new Promise((r) => setTimeout(r, 300));
        test = (await loadTests()).items.find((t) => t.id === id);
      } while (test && (test.status === "queued" || test.status === "running") && Date.now() < deadline);
      expect(test?.status).toBe("failed");
      expect(test).toMatchObject({ passed: false, succeeded: 0, errors: 6 });
      expect(test?.errorMessages).toEqual(["The model server refused the API key (401 Unauthorized)"]);
      expect(test?.error).toMatch(/Every request failed: The model server refused the API key/);
      // The acceptance record is still the passing one.
      expect((await loadTests()).acceptance?.passed).toBe(true);

      const chat = await post(`/api/deployments/${deploymentId}/chat`, {
        messages: [{ role: "user", content: "hi" }],
      });
      expect(chatEvents(chat.text)).toEqual([
        { type: "error", message: "The model server refused the API key (401 Unauthorized)" },
      ]);
    } finally {
      await db().deployment.update({ where: { id: deploymentId }, data: { apiKeySealed: row.apiKeySealed } });
    }
  }, 90_000);
});

describe("secrets", () => {
  it("no response of the playground or the load tests carried the API key", () => {
    expect(bodies.length).toBeGreaterThan(10);
    for (const body of bodies) expect(body).not.toContain(FIXTURE_API_KEY);
  });
});
