import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { SESSION_COOKIE } from "../../lib/auth/cookie-name";
import { ensureDebianPackages, onPath } from "../../scripts/lib/packages";

/**
 * Debian's Chromium driven by playwright-core, headless, with a new empty profile and the flags
 * that work as root on a closed network. Installs Chromium (Debian's package) when it is missing.
 * Signed in to the web app at `baseUrl` with `session` (a session token): by default the test
 * system's admin (test/support/accounts.ts); `session: null` for a browser signed in as nobody.
 */
export async function launchBrowser(
  opts: { baseUrl?: string; session?: string | null } = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
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
  const baseUrl = opts.baseUrl ?? process.env.WEBOPS_TEST_URL;
  const session = opts.session === undefined ? process.env.WEBOPS_TEST_SESSION_ADMIN : opts.session;
  if (baseUrl && session) await context.addCookies([{ name: SESSION_COOKIE, value: session, url: baseUrl }]);
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
