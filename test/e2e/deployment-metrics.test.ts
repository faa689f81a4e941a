import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { type FixtureIndex, startFixtureIndex } from "../fixtures/vllm";
import { startTestHost, type TestHost } from "../hosts";
import { testUrl } from "../setup/system-config";
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
import { launchBrowser, resultPath } from "./browser";

// The operator's view of a running deployment in a real browser: live metric charts, vLLM killed on
// the host turns it `down` within two polling intervals and fires a webhook to a receiver this test
// runs on loopback; Restart brings it back. TEST FIXTURES: the stand-in vLLM from the loopback package
// index and the model folder. test/setup/system.ts sets WEBOPS_HEALTH_INTERVAL_MS to 2000.
const INTERVAL_MS = 2000;

interface TReceived {
  event: string;
  reason: string | null;
  health?: { from: string; to: string };
  deployment: { id: string };
}

let index: FixtureIndex;
let host: TestHost;
let receiver: Server;
const received: TReceived[] = [];
let deploymentId = "";
let dirId = "";
let port = 0;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;
let page: Page;

beforeAll(async () => {
  [index, host] = await Promise.all([startFixtureIndex(), startTestHost("ready", { name: "metrics" })]);
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    req.on("end", () => {
      received.push(JSON.parse(body) as TReceived);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const address = receiver.address();
  if (address === null || typeof address === "string") throw new Error("no receiver port");
  const hook = await api("/api/webhooks", {
    method: "POST",
    body: {
      name: `health-receiver-${process.pid}`,
      url: `http://127.0.0.1:${address.port}/hook`,
      events: ["deployment.health_changed"],
    },
  });
  expect(hook.status, JSON.stringify(hook.body)).toBe(201);

  await putModelOnHost(host);
  const hostId = (await addHost(host)).id;
  expect((await runCheck(hostId)).operation.status).toBe("succeeded");
  port = await freePort();
  deploymentId = (await createViaApi(fixturePipSpec(hostId, index, port))).id;
  const dep = await waitFor(deploymentId, ended, 240_000);
  expect(dep.status, dep.error ?? "").toBe("running");
  dirId = dep.dirId;
  ({ context, close: closeBrowser } = await launchBrowser());
  page = await context.newPage();
}, 300_000);

afterAll(async () => {
  await closeBrowser?.();
  await new Promise((resolve) => receiver?.close(resolve));
  await Promise.all([index?.stop(), host?.stop()]);
  await disconnectDb();
});

const health = (p: Page) => p.getAttribute("[data-testid=health-status]", "data-health");
const mine = () => received.filter((r) => r.deployment.id === deploymentId);

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

describe("deployment metrics in a real browser", () => {
  it("a running deployment shows healthy and live metric charts", async () => {
    await page.goto(testUrl(`/deployments/${deploymentId}`));
    await page.waitForSelector("[data-testid=metrics-panel]");
    await expect.poll(() => health(page), { timeout: 30_000, interval: 500 }).toBe("healthy");

    await chat(5);
    // The charts refresh by themselves: no reload from here on.
    const tokens = page.locator("[data-testid=metric-chart-tokens]");
    await expect
      .poll(() => tokens.getAttribute("data-has-data"), { timeout: 30_000, interval: 500 })
      .toBe("true");
    await expect
      .poll(() => page.locator("[data-testid=metric-chart-tokens] .recharts-line path").count(), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    expect(await page.textContent("[data-testid=metric-latest-tokens]")).toMatch(/generation/);
    // The first poll after the requests puts them in the latency charts.
    for (const chart of ["requests", "kv-cache", "ttft", "e2e"])
      await expect
        .poll(() => page.getAttribute(`[data-testid=metric-chart-${chart}]`, "data-has-data"), {
          timeout: 20_000,
          interval: 500,
        })
        .toBe("true");
    // The stand-in serves no inter-token histogram: its chart says so instead of drawing zeros.
    expect(await page.textContent("[data-testid=metric-chart-itl]")).toContain("No samples");
    expect(await page.textContent("[data-testid=metric-sources]")).toContain("vllm:gpu_cache_usage_perc");

    const before = Number(await tokens.getAttribute("data-points"));
    await expect
      .poll(async () => Number(await tokens.getAttribute("data-points")), { timeout: 20_000, interval: 500 })
      .toBeGreaterThan(before);

    // Another window asks the server again and draws the same samples.
    await page.getByRole("button", { name: "1 h" }).click();
    await expect
      .poll(() => page.getByRole("button", { name: "1 h" }).getAttribute("aria-pressed"))
      .toBe("true");
    await page.screenshot({ path: resultPath("deployment-metrics.png"), fullPage: true });
  }, 90_000);

  it("vLLM killed on the host: down within two polling intervals, a webhook to the loopback receiver, the reason in the history", async () => {
    // The supervisor first (it would start vLLM again after 10 s), then vLLM: only Restart brings it back.
    const dir = join(host.rootDir, "home", host.user, "webops", "deployments", dirId);
    const pidIn = async (name: string) => Number((await readFile(join(dir, name), "utf8")).trim());
    const [supervisor, vllm] = [await pidIn("supervisor.pid"), await pidIn("vllm.pid")];
    expect(supervisor).toBeGreaterThan(1);
    expect(vllm).toBeGreaterThan(1);
    process.kill(supervisor, "SIGKILL");
    process.kill(vllm, "SIGKILL");
    const killedAt = Date.now();

    await expect.poll(() => health(page), { timeout: 20_000, interval: 250 }).toBe("down");
    const event = await db().healthEvent.findFirstOrThrow({
      where: { deploymentId, status: "down" },
      orderBy: { at: "desc" },
    });
    // The first or the second poll after the kill saw it (plus one probe's own time over SSH).
    const downMs = event.at.getTime() - killedAt;
    console.info(
      `deployment metrics: down recorded ${downMs} ms after the kill (interval ${INTERVAL_MS} ms)`,
    );
    expect(downMs).toBeLessThanOrEqual(2 * INTERVAL_MS + 2000);
    await expect
      .poll(() => page.textContent("[data-testid=health-events] li[data-health=down]"), { timeout: 10_000 })
      // The kill lands between two probes, or between a probe's /health and its /metrics.
      .toMatch(/not listening: \/(health|metrics) refused the connection/);

    await expect
      .poll(() => mine().some((r) => r.health?.to === "down"), { timeout: 20_000, interval: 250 })
      .toBe(true);
    const hook = mine().find((r) => r.health?.to === "down");
    expect(hook).toMatchObject({
      event: "deployment.health_changed",
      health: { from: "healthy", to: "down" },
    });
    expect(hook?.reason).toMatch(/not listening/);
  }, 60_000);

  it("Restart brings it back to healthy, with a webhook for that too", async () => {
    // Nothing on the host starts it again by itself.
    await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS));
    expect(await health(page)).toBe("down");
    const res = await api(`/api/deployments/${deploymentId}/restart`, { method: "POST" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await expect.poll(() => health(page), { timeout: 120_000, interval: 500 }).toBe("healthy");
    await expect
      .poll(() => mine().some((r) => r.health?.from === "down" && r.health.to === "healthy"), {
        timeout: 20_000,
        interval: 250,
      })
      .toBe(true);
    const statuses = await page.$$eval("[data-testid=health-events] li", (items) =>
      items.map((li) => li.getAttribute("data-health")),
    );
    expect(statuses.slice(0, 2)).toEqual(["healthy", "down"]);
    expect((await api<{ status: string }>(`/api/deployments/${deploymentId}`)).body.status).toBe("running");
  }, 150_000);
});
