import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { runInRoot, startTestHost, type TestHost } from "../hosts";
import { testUrl } from "../setup/system-config";
import { launchBrowser, resultPath } from "./browser";

// The acceptance of "Prerequisites: check, install with passwordless sudo, or stop with exact
// instructions", in a real browser: a host without sudo blocks with the manual command and the
// sudoers line; the packages are installed as root out of band; Re-check carries on the same run.
const CPU_SOURCE_APT = [
  "build-essential",
  "cmake",
  "ninja-build",
  "python3-dev",
  "libnuma-dev",
  "libgomp1",
  "git",
  "python3-venv",
  "python3-pip",
];

let host: TestHost;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  host = await startTestHost("nosudo");
  ({ context, close: closeBrowser } = await launchBrowser());
});

afterAll(async () => {
  await closeBrowser?.();
  await host?.stop();
  await disconnectDb();
});

async function addHost(page: Page, name: string): Promise<void> {
  await page.goto(testUrl("/hosts"));
  await page.fill("#name", name);
  await page.fill("#address", host.address);
  await page.fill("#port", String(host.port));
  await page.fill("#username", host.user);
  await page.fill("#privateKey", host.privateKey);
  await page.click("summary:has-text('Advanced')");
  await page.fill("#expectedHostKey", host.hostKeyFingerprint);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/hosts\/[a-z0-9]+$/);
  await expect.poll(() => page.textContent("[data-testid=host-name]")).toBe(name);
}

/** As an operator with a console on the host would: apt-get as root, outside WebOps. */
function installAsRoot(packages: readonly string[]) {
  return runInRoot(host.rootDir, ["apt-get", "install", "-y", ...packages]);
}

const text = async (page: Page, testId: string) =>
  ((await page.textContent(`[data-testid=${testId}]`)) ?? "").trim();

describe("prerequisites in the browser", () => {
  it("nosudo host: blocked with the manual command and sudoers line; after an out-of-band install, Re-check carries on the same run", async () => {
    const page = await context.newPage();
    await addHost(page, "nosudo-e2e");

    await page.click("[data-testid=host-prerequisites-link]");
    await page.waitForURL(/\/hosts\/[a-z0-9]+\/prerequisites/);
    await page.selectOption("#prereq-profile", "cpu-source");
    await page.click("[data-testid=prereq-install]");
    await page.waitForURL(/\/operations\/[a-z0-9]+$/);
    const operationUrl = page.url();
    const operationId = operationUrl.split("/").pop() as string;
    expect(await text(page, "operation-title")).toContain("Prerequisites (vLLM CPU build from source)");

    const blockedAt = Date.now();
    await page.waitForSelector("[data-testid=operation-status][data-status=blocked]", { timeout: 60_000 });
    await page.waitForSelector("[data-testid=prereq-blocked]", { timeout: 15_000 });
    const blockedMs = Date.now() - blockedAt;
    expect(await text(page, "prereq-missing")).toBe(
      `Missing required build dependencies: ${CPU_SOURCE_APT.join(", ")}`,
    );
    expect(await text(page, "prereq-sudo-warning")).toContain("Sudo access not available");
    expect(await text(page, "prereq-command")).toBe(
      `sudo apt-get update && sudo apt-get install -y ${CPU_SOURCE_APT.join(" ")}`,
    );
    expect(await text(page, "prereq-sudoers-line")).toBe(
      "deploy ALL=(root) NOPASSWD: /usr/bin/apt-get update, /usr/bin/apt-get install *",
    );
    expect(await page.textContent("[data-testid=prereq-blocked]")).toContain(
      "To let WebOps install them itself, add this line with visudo -f /etc/sudoers.d/webops:",
    );
    await page.screenshot({ path: resultPath("prereq-blocked.png"), fullPage: true });
    const linesWhenBlocked = await page.$$eval("[data-testid=log-line]", (els) => els.length);
    expect(linesWhenBlocked).toBeGreaterThan(0);

    const installAt = Date.now();
    await installAsRoot(CPU_SOURCE_APT);
    const installMs = Date.now() - installAt;

    // Every status the badge shows from here on, to see the run go blocked → queued → running → succeeded.
    await page.evaluate(() => {
      const current = () =>
        document.querySelector("[data-testid=operation-status]")?.getAttribute("data-status") ?? "";
      const seen: string[] = [current()];
      (window as unknown as { statuses: string[] }).statuses = seen;
      new MutationObserver(() => {
        const status = current();
        if (status && seen.at(-1) !== status) seen.push(status);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    const recheckAt = Date.now();
    await page.click("[data-testid=prereq-recheck]");
    await page.waitForSelector("[data-testid=operation-status][data-status=succeeded]", { timeout: 60_000 });
    const recheckMs = Date.now() - recheckAt;
    expect(page.url()).toBe(operationUrl);
    const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    // A short run can go running → succeeded within one rendered frame, so "running" may not be drawn.
    expect([
      ["blocked", "queued", "running", "succeeded"],
      ["blocked", "queued", "succeeded"],
    ]).toContainEqual(statuses);

    // The same operation and one log: the lines go on after the blocked ones, numbered without gaps.
    const seqs = await page.$$eval("[data-testid=log-line]", (els) =>
      els.map((e) => Number(e.getAttribute("data-seq"))),
    );
    expect(seqs.length).toBeGreaterThan(linesWhenBlocked);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const stored = await db().operation.findUniqueOrThrow({ where: { id: operationId } });
    expect(stored.status).toBe("succeeded");
    expect(stored.lineCount).toBe(seqs.length);

    await page.waitForSelector("[data-testid=prereq-report]", { timeout: 15_000 });
    const states = await page.$$eval("[data-testid=prereq-item]", (els) =>
      els.map((e) => [e.getAttribute("data-item"), e.getAttribute("data-state")]),
    );
    expect(states.map(([id]) => id)).toEqual([
      "build-essential",
      "cmake",
      "ninja-build",
      "python3-dev",
      "libnuma-dev",
      "libgomp1",
      "git",
      "python3-venv",
      "python3-pip",
    ]);
    expect(states.every(([, state]) => state === "ok")).toBe(true);
    expect(await page.$("[data-testid=prereq-blocked]")).toBeNull();
    await page.screenshot({ path: resultPath("prereq-recheck-succeeded.png"), fullPage: true });

    // The host's Prerequisites page: the latest report, and the run in the history.
    await page.goto(testUrl(`/hosts/${stored.hostId}/prerequisites`));
    await page.waitForSelector("[data-testid=prereq-report][data-state=ready]");
    expect(await page.getAttribute("[data-testid=host-prereq-state]", "data-state")).toBe("ready");
    expect(
      await page.$$eval("[data-testid=prereq-run]", (els) => els.map((e) => e.getAttribute("data-status"))),
    ).toEqual(["succeeded"]);
    await page.screenshot({ path: resultPath("prereq-host-page.png"), fullPage: true });

    // The host page and the host list show the verdict too.
    await page.goto(testUrl(`/hosts/${stored.hostId}`));
    expect(await page.getAttribute("[data-testid=host-prereq-state]", "data-state")).toBe("ready");
    await page.goto(testUrl("/hosts"));
    const row = "[data-testid=host-row][data-host-name=nosudo-e2e]";
    expect(await page.getAttribute(`${row} [data-testid=host-prereq]`, "data-state")).toBe("ready");
    expect(await page.getAttribute(`${row} [data-testid=host-sudo]`, "data-sudo-mode")).toBe("none");
    console.log(
      `[prerequisites e2e] blocked after ${blockedMs} ms; out-of-band install ${installMs} ms; Re-check to succeeded ${recheckMs} ms`,
    );
    await page.close();
  }, 240_000);
});
