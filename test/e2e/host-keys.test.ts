import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { startTestHost, type TestHost } from "../hosts";
import { testUrl } from "../setup/system-config";
import { launchBrowser, resultPath } from "./browser";

// The operator's side of host keys, in a real browser: first contact asks for trust; a changed key
// is refused, both fingerprints are shown, and only an explicit approval lets checks run again.
let host: TestHost;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  host = await startTestHost("bare");
  ({ context, close: closeBrowser } = await launchBrowser());
});

afterAll(async () => {
  await closeBrowser?.();
  await host?.stop();
  await disconnectDb();
});

async function checkAndWait(page: Page, status: "succeeded" | "failed"): Promise<void> {
  await page.waitForURL(/\/operations\/[a-z0-9]+$/);
  await page.waitForSelector(`[data-testid=operation-status][data-status=${status}]`, { timeout: 20_000 });
}

describe("host keys in the browser", () => {
  it("asks to trust the key on first contact, then refuses a changed key until it is approved", async () => {
    const page = await context.newPage();
    await page.goto(testUrl("/hosts"));
    await page.fill("#name", "keys-e2e");
    await page.fill("#address", host.address);
    await page.fill("#port", String(host.port));
    await page.fill("#username", host.user);
    await page.fill("#labels", "lab, e2e");
    await page.fill("#privateKey", host.privateKey);
    await page.click("button[type=submit]");
    await page.waitForURL(/\/hosts\/[a-z0-9]+$/);
    const hostUrl = page.url();

    // First contact: the check stops before authenticating and names the presented key.
    await page.click("text=Check host");
    await checkAndWait(page, "failed");
    expect(await page.textContent("[data-testid=operation-error]")).toContain(
      `Host key not yet trusted for keys-e2e: it presented ED25519 key ${host.hostKeyFingerprint}`,
    );
    await page.click("[data-testid=review-host-key]");
    await page.waitForSelector("[data-testid=host-key][data-key-state=unverified]");
    expect(await page.textContent("[data-testid=host-key-seen]")).toContain(host.hostKeyFingerprint);
    await page.screenshot({ path: resultPath("host-key-first-contact.png"), fullPage: true });
    await page.click("[data-testid=trust-host-key]");
    await checkAndWait(page, "succeeded");

    // The host's key changes: refused, both fingerprints on the host page.
    const old = host.hostKeyFingerprint;
    const fresh = await host.rotateHostKey();
    // As after a reinstall: connections opened before the change are gone (a worker keeps one open).
    await host.killConnections();
    await page.goto(hostUrl);
    await page.click("text=Check host");
    await checkAndWait(page, "failed");
    expect(await page.textContent("[data-testid=operation-error]")).toContain(
      `Host key changed for keys-e2e: expected ${old}, but it presented ED25519 key ${fresh}`,
    );
    await page.goto(hostUrl);
    await page.waitForSelector("[data-testid=host-key][data-key-state=changed]");
    expect(await page.textContent("[data-testid=host-key-old]")).toContain(old);
    expect(await page.textContent("[data-testid=host-key-new]")).toContain(fresh);
    expect(await page.getAttribute("[data-testid=host-status]", "data-status")).toBe("host_key_changed");
    await page.screenshot({ path: resultPath("host-key-changed.png"), fullPage: true });

    // Explicit approval, with a confirm step; then checks pass again.
    await page.click("[data-testid=trust-host-key]");
    await page.click("[data-testid=confirm-trust-host-key]");
    await checkAndWait(page, "succeeded");
    const stored = await db().host.findUniqueOrThrow({ where: { name: "keys-e2e" } });
    expect(stored.hostKeyFingerprint).toBe(fresh);
    await page.close();
  });

  it("generates a key pair and shows the authorized_keys line, never a private key", async () => {
    const page = await context.newPage();
    await page.goto(testUrl("/hosts"));
    await page.fill("#name", "generated-e2e");
    await page.fill("#address", host.address);
    await page.fill("#username", host.user);
    await page.click("#auth-generate");
    await page.click("button[type=submit]");
    await page.waitForURL(/\/hosts\/[a-z0-9]+$/);
    const line = (await page.textContent("[data-testid=public-key]"))?.trim() ?? "";
    expect(line).toMatch(/^ssh-ed25519 [A-Za-z0-9+/=]+ webops@generated-e2e$/);
    expect(await page.textContent("[data-testid=authorized-keys-command]")).toContain(line);
    expect(await page.content()).not.toContain("PRIVATE KEY-----\n");
    await page.screenshot({ path: resultPath("host-generated-key.png"), fullPage: true });
    await page.close();
  });

  it("refuses to delete a host others jump through, with the reason on the page", async () => {
    const page = await context.newPage();
    const bastion = await db().host.findUniqueOrThrow({ where: { name: "keys-e2e" } });
    await page.goto(testUrl("/hosts"));
    await page.fill("#name", "behind-e2e");
    await page.fill("#address", "10.0.0.12");
    await page.fill("#username", host.user);
    await page.selectOption("#jumpHostId", bastion.id);
    await page.click("#auth-generate");
    await page.click("button[type=submit]");
    await page.waitForURL(/\/hosts\/[a-z0-9]+$/);
    expect(await page.textContent("[data-testid=host-target]")).toContain("via keys-e2e");
    await page.goto(testUrl(`/hosts/${bastion.id}`));
    await page.click("[data-testid=delete-host]");
    await page.click("[data-testid=confirm-delete-host]");
    await page.waitForSelector("[data-testid=host-action-error]");
    expect(await page.textContent("[data-testid=host-action-error]")).toContain(
      "is the jump host of behind-e2e",
    );
    expect(await db().host.count({ where: { id: bastion.id } })).toBe(1);
    await page.close();
  });
});
