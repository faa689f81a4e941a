import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { ensureDebianPackages, onPath } from "../../scripts/lib/packages";

/**
 * Debian's Chromium driven by playwright-core, headless, with a new empty profile and the flags
 * that work as root on a closed network. Installs Chromium (Debian's package) when it is missing.
 */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  ensureDebianPackages([{ pkg: "chromium", present: () => onPath("chromium") }]);
  const profile = mkdtempSync(join(tmpdir(), "webops-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function resultPath(name: string): string {
  mkdirSync("test-results", { recursive: true });
  return join("test-results", name);
}
