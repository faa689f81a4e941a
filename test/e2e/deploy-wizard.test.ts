import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { FIXTURE_VLLM_VERSION, type FixtureIndex, startFixtureIndex } from "../fixtures/vllm";
import { startTestHost, type TestHost } from "../hosts";
import { testUrl } from "../setup/system-config";
import { accountFromEnv } from "../support/accounts";
import {
  FIXTURE_API_KEY,
  FIXTURE_MODEL_DIR,
  freePort,
  putModelOnHost,
  storedLog,
} from "../support/deployments";
import { addHost, runCheck } from "../support/operations";
import { launchBrowser, resultPath } from "./browser";

// The operator's path in a real browser: the wizard on a `bare` host (no build tools, passwordless
// sudo for apt), pip from the TEST FIXTURE package index, the fixture model folder; the pipeline
// installs the prerequisites itself and reaches running; the answer and the whole log are on the page.
let host: TestHost;
let index: FixtureIndex;
let hostId = "";
let context: BrowserContext;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  [host, index] = await Promise.all([startTestHost("bare", { name: "wizard" }), startFixtureIndex()]);
  await putModelOnHost(host);
  const added = await addHost(host, { name: "bare-wizard" });
  hostId = added.id;
  expect((await runCheck(hostId)).operation.status).toBe("succeeded");
  // An operator deploys (the admin who added the host is the test client's fetch).
  ({ context, close: closeBrowser } = await launchBrowser({ session: accountFromEnv("operator").session }));
}, 180_000);

afterAll(async () => {
  await closeBrowser?.();
  await Promise.all([host?.stop(), index?.stop()]);
  await disconnectDb();
});

const next = (page: Page) => page.getByRole("button", { name: "Next", exact: true }).click();

describe("deploy wizard in a real browser", () => {
  it("bare host, pip from the fixture index: every stage to running, the sanity answer shown, the whole log after reload", async () => {
    const page = await context.newPage();
    const port = await freePort();
    await page.goto(testUrl(`/deployments/new?host=${hostId}`));
    await page.waitForSelector("[data-testid=wizard-host-facts]");
    await next(page);

    // Model: a folder already on the host.
    await page.getByLabel("Folder on the host").check();
    await page.getByLabel("Model folder").fill(FIXTURE_MODEL_DIR);
    await page.getByLabel("Served model name").fill("tiny-wizard");
    // A wrong value is refused in the browser, under its field, before any request.
    await page.getByLabel("Model folder").fill("relative/path");
    await next(page);
    await expect.poll(() => page.textContent("[data-testid='error-model.path']")).toMatch(/absolute path/);
    await page.getByLabel("Model folder").fill(FIXTURE_MODEL_DIR);
    await next(page);

    // Install: pip from the fixture index, the stand-in version; CPU wheels (the host has no GPU).
    await page.getByLabel("Package index").fill(`${index.url}/simple`);
    await page.getByLabel("vLLM version").fill(FIXTURE_VLLM_VERSION);
    expect(await page.getByLabel("x86 CPU wheels").isChecked()).toBe(true);
    await next(page);

    // Serve options.
    await page.getByLabel("Port").fill(String(port));
    await page.getByLabel("API key").fill(FIXTURE_API_KEY);
    await page.getByLabel("Health timeout (s)").fill("120");
    await page.getByLabel("Max model length").fill("1024");
    await next(page);

    // Review: the fit check and the exact commands, the API key masked.
    await page.waitForSelector("[data-testid=review-commands]");
    const commands = (await page.textContent("[data-testid=review-commands]")) ?? "";
    expect(commands).toContain("pip");
    expect(commands).toContain(`${index.url}/simple`);
    expect(commands).not.toContain(FIXTURE_API_KEY);
    await page.waitForSelector("[data-testid=review-fit]");
    await page.screenshot({ path: resultPath("deploy-wizard-review.png"), fullPage: true });
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await page.waitForURL(/\/deployments\/[a-z0-9]+$/, { timeout: 30_000 });
    const deploymentId = page.url().split("/").pop() as string;

    // Live: lines arrive while it deploys; then the status turns running.
    await page.waitForSelector("[data-testid=log-line]", { timeout: 60_000 });
    await page.waitForSelector("[data-testid=deployment-status][data-status=running]", { timeout: 300_000 });
    await page.waitForSelector("[data-testid=sanity-answer]", { timeout: 15_000 });
    const answer = (await page.textContent("[data-testid=sanity-answer]")) ?? "";
    expect(answer).toContain("tiny-wizard");
    await page.screenshot({ path: resultPath("deploy-wizard-running.png"), fullPage: true });

    const dep = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    expect(dep.status).toBe("running");
    expect(dep.createdBy).toBe("operator@test.webops");
    const stored = await storedLog(dep.operationId);
    expect(stored.map((l) => l.seq)).toEqual(stored.map((_, i) => i + 1));
    // The prerequisites were missing on the bare host and installed through sudo by the pipeline.
    expect(
      stored.some((l) => l.stage === "prerequisites" && /Installing .*build-essential/.test(l.text)),
    ).toBe(true);
    expect(answer).toContain((dep.result as { sanity: { answer: string } }).sanity.answer);

    // After a reload the page holds the whole stored log, every line once.
    await page.reload();
    await page.waitForSelector("[data-testid=log-count]");
    await expect
      .poll(() => page.textContent("[data-testid=log-count]"), { timeout: 15_000 })
      .toMatch(new RegExp(`^${stored.length.toLocaleString("en-US")} lines`));
    const download = await page.getAttribute("[data-testid=log-download]", "href");
    const text = await (await fetch(testUrl(download ?? ""))).text();
    expect(text.trimEnd().split("\n")).toHaveLength(stored.length);
    expect(text).not.toContain(FIXTURE_API_KEY);
  }, 420_000);
});
