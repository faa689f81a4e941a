import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { generateEd25519KeyPair } from "@/lib/ssh/keygen";
import { installSlowNvidiaSmi } from "../fixtures/slow-nvidia-smi";
import { startTestHost, type TestHost } from "../hosts";
import { testUrl } from "../setup/system-config";
import { storedLines } from "../support/logs";
import { launchBrowser, resultPath } from "./browser";

let host: TestHost;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  host = await startTestHost("bare");
  // The fixture's 4 s pause sits between the first facts and the last: the check is still
  // running while the first lines must already be on screen.
  installSlowNvidiaSmi(host.rootDir, 4);
  ({ context, close: closeBrowser } = await launchBrowser());
});

afterAll(async () => {
  await closeBrowser?.();
  await host?.stop();
  await disconnectDb();
});

async function addHost(page: Page, name: string, privateKey: string, port = host.port): Promise<void> {
  await page.goto(testUrl("/hosts"));
  await page.fill("#name", name);
  await page.fill("#address", host.address);
  await page.fill("#port", String(port));
  await page.fill("#username", host.user);
  await page.fill("#privateKey", privateKey);
  // Pinned up front, as an operator who read the fingerprint off the host would.
  await page.click("summary:has-text('Advanced')");
  await page.fill("#expectedHostKey", host.hostKeyFingerprint);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/hosts\/[a-z0-9]+$/);
  await expect.poll(() => page.textContent("[data-testid=host-name]")).toBe(name);
}

const logTexts = (page: Page) =>
  page.$$eval("[data-testid=log-line]", (els) => els.map((e) => e.textContent ?? ""));

describe("thin path in a real browser: add a host, check it, watch the log live", () => {
  it("streams the facts command's output while it runs, then shows the stored log after a reload", async () => {
    const page = await context.newPage();
    await addHost(page, "bare-e2e", host.privateKey);
    await page.click("text=Check host");
    await page.waitForURL(/\/operations\/[a-z0-9]+$/);
    const operationId = page.url().split("/").pop() as string;

    // The OS line comes before the slow GPU query; when it is on screen the check must still run.
    await page.waitForSelector("[data-testid=log-line]:has-text('os=Debian GNU/Linux 12')", {
      timeout: 15_000,
    });
    const statusWhileStreaming = await page.getAttribute("[data-testid=operation-status]", "data-status");
    const gpuLineYet = (await logTexts(page)).some((t) => t.includes("gpu="));
    expect(statusWhileStreaming).toBe("running");
    expect(gpuLineYet).toBe(false);

    await page.waitForSelector("[data-testid=operation-status][data-status=succeeded]", { timeout: 30_000 });
    const live = await logTexts(page);
    expect(live.some((t) => t.includes("gpu=NVIDIA H100 80GB HBM3, 81559, 550.54.15"))).toBe(true);
    expect(live.at(-1)).toContain("Host check passed: Debian GNU/Linux 12 (bookworm)");
    await page.screenshot({ path: resultPath("thin-path-live.png"), fullPage: true });

    // Stored in PostgreSQL: every line, numbered 1..n without gaps, and the outcome.
    const stored = await storedLines(operationId);
    expect(stored.map((l) => l.seq)).toEqual(live.map((_, i) => i + 1));
    expect((await db().operation.findUniqueOrThrow({ where: { id: operationId } })).status).toBe("succeeded");

    await page.reload();
    await page.waitForSelector("[data-testid=operation-status][data-status=succeeded]");
    await expect.poll(() => logTexts(page)).toEqual(live);
    await page.screenshot({ path: resultPath("thin-path-reloaded.png"), fullPage: true });

    await page.click(`text=bare-e2e`);
    await page.waitForSelector("[data-testid=host-facts]");
    expect(await page.textContent("[data-testid=host-facts]")).toContain("Debian GNU/Linux 12 (bookworm)");
    await page.close();
  });

  it("shows a clear error, not a spinner, when the host refuses the key", async () => {
    const page = await context.newPage();
    await addHost(page, "bare-e2e-wrong-key", generateEd25519KeyPair().private);
    const started = Date.now();
    await page.click("text=Check host");
    await page.waitForSelector("[data-testid=operation-status][data-status=failed]", { timeout: 15_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await page.textContent("[data-testid=operation-error]")).toContain("Authentication failed");
    await page.screenshot({ path: resultPath("wrong-key.png"), fullPage: true });
    await page.close();
  });
});
