import { randomBytes } from "node:crypto";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { ZDeploymentSpec } from "@/lib/deployments/schema";
import { sealDeploymentSecret, withoutSecrets } from "@/lib/deployments/secrets";
import { testUrl } from "../setup/system-config";
import { launchBrowser, resultPath } from "./browser";

// Compare, the detail page's timeline and snapshot, and the dashboard in a real browser, on two
// deployments seeded into PostgreSQL in March 1996 (no other test writes that month).
const run = randomBytes(3).toString("hex");
const API_KEY = "e2e-secret-api-key-314159";
let context: BrowserContext;
let closeBrowser: () => Promise<void>;
let hostId = "";
const ids = { a: `cmpa${run}`, b: `cmpb${run}` };

const spec = (port: number, maxModelLen: number) =>
  withoutSecrets(
    ZDeploymentSpec.parse({
      hostId: "x",
      model: { source: "hf", repo: "Qwen/Qwen2.5-0.5B-Instruct" },
      install: { method: "pip", version: "0.8.5" },
      serve: { port, maxModelLen },
    }),
  );

beforeAll(async () => {
  ({ context, close: closeBrowser } = await launchBrowser());
  const host = await db().host.create({
    data: { name: `cmp-${run}`, address: "127.0.0.1", username: "deploy", authMethod: "password" },
  });
  hostId = host.id;
  const seeds = [
    { id: ids.a, day: "1996-03-01", status: "stopped" as const, spec: spec(8000, 4096), key: false },
    { id: ids.b, day: "1996-03-02", status: "running" as const, spec: spec(8001, 8192), key: true },
  ];
  for (const s of seeds) {
    const at = new Date(`${s.day}T09:00:00.000Z`);
    await db().operation.create({
      data: { id: `op${s.id}`, kind: "deploy", hostId, status: "succeeded", createdAt: at },
    });
    await db().deployment.create({
      data: {
        id: s.id,
        hostId,
        operationId: `op${s.id}`,
        status: s.status,
        spec: { ...s.spec, hostId },
        specHash: s.id,
        modelName: "Qwen/Qwen2.5-0.5B-Instruct",
        installMethod: "pip",
        dirId: s.id,
        apiKeySealed: s.key ? sealDeploymentSecret(s.id, "apiKey", API_KEY) : null,
        createdBy: "alice",
        createdAt: at,
        startedAt: at,
        finishedAt: new Date(at.getTime() + 90_000),
      },
    });
    // connect 10 s, install 60 s, fetch skipped, the rest 20 s in all
    const times: [string, "succeeded" | "skipped", number][] = [
      ["connect", "succeeded", 10_000],
      ["install-runtime", "succeeded", 60_000],
      ["fetch-model", "skipped", 0],
      ["start", "succeeded", 15_000],
      ["running", "succeeded", 5_000],
    ];
    let t = at.getTime();
    await db().deploymentStage.createMany({
      data: times.map(([name, status, ms], position) => {
        const row = {
          deploymentId: s.id,
          name,
          position,
          status,
          startedAt: new Date(t),
          finishedAt: new Date(t + ms),
        };
        t += ms;
        return row;
      }),
    });
  }
});

afterAll(async () => {
  await closeBrowser?.();
  await disconnectDb();
});

describe("compare and dashboard in the browser", () => {
  it("ticking two deployments in the list compares them, the changed fields highlighted", async () => {
    const page = await context.newPage();
    await page.goto(testUrl(`/deployments?host=${hostId}&from=1996-03-01&to=1996-03-31`));
    await page.check(`input[name=id][value=${ids.a}]`);
    await page.check(`input[name=id][value=${ids.b}]`);
    await page.click("[data-testid=compare-selected]");
    await page.waitForURL(/\/deployments\/compare\?/);
    await page.waitForSelector("[data-testid=compare-table]");
    const changed = await page.$$eval("tr[data-changed=true]", (rows) =>
      rows.map((r) => r.getAttribute("data-field")),
    );
    expect(changed.sort()).toEqual(["serve.apiKey", "serve.maxModelLen", "serve.port"]);
    expect(await page.textContent("[data-testid=changed-count]")).toContain("3 fields changed");
    // The older on the left: "before" and "after".
    expect(
      await page.$$eval("tr[data-field='serve.port'] td", (tds) => tds.map((td) => td.textContent)),
    ).toEqual(["Portchanged", "8000", "8001"]);
    expect(await page.textContent("tr[data-field='serve.apiKey']")).toContain("not set");
    expect(await page.content()).not.toContain(API_KEY);
    await page.screenshot({ path: resultPath("compare.png"), fullPage: true });

    await page.check("text=Only changed fields");
    expect(await page.$$eval("[data-testid=compare-table] tbody tr", (rows) => rows.length)).toBe(3);
  });

  it("the deployment page shows the stage timeline and the readable snapshot", async () => {
    const page = await context.newPage();
    await page.goto(testUrl(`/deployments/${ids.b}`));
    await page.waitForSelector("[data-testid=stage-timeline]");
    const widths = await page.$$eval("[data-testid=stage-timeline] [data-stage]", (els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute("data-stage"), e.getBoundingClientRect().width])),
    );
    // install-runtime took six times connect's time: its segment is the widest by far
    expect(widths["install-runtime"]).toBeGreaterThan((widths.connect ?? 0) * 4);
    expect(widths["fetch-model"]).toBeGreaterThan(0);
    expect(await page.textContent("[data-testid=stage-timeline]")).toContain("1 min 30 s");
    const snapshot = await page.textContent("[data-testid=config-snapshot]");
    expect(snapshot).toContain("Max model length");
    expect(snapshot).toContain("8192");
    expect(await page.textContent("[data-testid=config-snapshot] [data-field='serve.apiKey']")).toContain(
      "set",
    );
    expect(await page.content()).not.toContain(API_KEY);
    await page.screenshot({ path: resultPath("deployment-timeline.png"), fullPage: true });
  });

  it("the dashboard draws the per-day bars and the figures for the range and host", async () => {
    const page = await context.newPage();
    await page.goto(testUrl("/dashboard"));
    await page.fill("input[name=from]", "1996-03-01");
    await page.fill("input[name=to]", "1996-03-03");
    await page.selectOption("select[name=host]", hostId);
    await page.click("text=Show");
    await page.waitForURL(/from=1996-03-01/);
    await page.waitForSelector("[data-testid=per-day-chart] .recharts-bar-rectangle");
    const bars = await page.$$("[data-testid=per-day-chart] .recharts-bar-rectangle path");
    expect(bars.length).toBe(2);
    expect(await page.textContent("[data-testid=total]")).toBe("2");
    expect(await page.textContent("[data-testid=success-rate]")).toBe("100.0 %");
    expect(
      await page.textContent(
        "[data-testid=stage-durations] [data-stage=install-runtime] [data-testid=median]",
      ),
    ).toBe("1 min 00 s");
    expect(await page.textContent(`[data-testid=per-host] [data-host=cmp-${run}]`)).toContain("1 min 30 s");
    await page.screenshot({ path: resultPath("dashboard.png"), fullPage: true });
  });
});
