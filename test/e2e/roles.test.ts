import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { generateEd25519KeyPair } from "@/lib/ssh/keygen";
import type { FixtureIndex } from "../fixtures/vllm";
import { testUrl } from "../setup/system-config";
import { accountFromEnv, TEST_PASSWORD } from "../support/accounts";
import { createViaApi, ended, fixturePipSpec, freePort, waitFor } from "../support/deployments";
import { launchBrowser, resultPath } from "./browser";

// Roles in a real browser: a viewer reads history and logs but is offered no action, and the server
// refuses one forced from their page; an admin adds a user and changes their role, who then signs in.
let deploymentId = "";
let operationId = "";
const browsers: { close: () => Promise<void> }[] = [];

async function browserAs(session: string | null) {
  const b = await launchBrowser({ session });
  browsers.push(b);
  return b.context.newPage();
}

beforeAll(async () => {
  // A deployment that ends quickly and for real: its host's SSH port has nobody listening.
  const key = generateEd25519KeyPair();
  const res = await fetch(testUrl("/api/hosts"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      name: `roles-${Date.now()}`,
      address: "127.0.0.1",
      port: await freePort(),
      username: "deploy",
      privateKey: key.private,
    }),
  });
  expect(res.status).toBe(201);
  const hostId = ((await res.json()) as { host: { id: string } }).host.id;
  const noIndex = { url: "http://127.0.0.1:9" } as FixtureIndex;
  const created = await createViaApi(fixturePipSpec(hostId, noIndex, await freePort()), true);
  deploymentId = created.id;
  const done = await waitFor(deploymentId, ended, 60_000);
  expect(done.status).toBe("failed");
  operationId = done.operationId;
}, 120_000);

afterAll(async () => {
  for (const b of browsers) await b.close();
  await disconnectDb();
});

async function navText(page: Page): Promise<string> {
  return (await page.textContent("header nav")) ?? "";
}

describe("roles in the browser", () => {
  it("a viewer sees history and the log, no action, and the server refuses one forced from the page", async () => {
    const page = await browserAs(accountFromEnv("viewer").session);
    await page.goto(testUrl("/deployments"));
    await page.waitForSelector(`a[href="/deployments/${deploymentId}"]`);
    expect(await page.getByRole("link", { name: "New deployment" }).count()).toBe(0);
    expect(await navText(page)).toContain("viewer@test.webops · viewer");
    expect(await navText(page)).not.toMatch(/Users|Audit log|Webhooks/);

    await page.goto(testUrl(`/deployments/${deploymentId}`));
    await page.waitForSelector("[data-testid=deployment-status][data-status=failed]");
    await page.waitForSelector("[data-testid=log-line]");
    for (const name of ["Retry", "Redeploy", "Roll back", "Cancel", "Playground"])
      expect(await page.getByRole("button", { name, exact: true }).count(), name).toBe(0);
    expect(await page.getByRole("link", { name: "Playground" }).count()).toBe(0);
    await page.screenshot({ path: resultPath("roles-viewer-deployment.png"), fullPage: true });

    // Forced: the viewer's own session, from the panel's own page (same origin), straight at the API.
    const forced = await page.evaluate(async (id) => {
      const r = await fetch(`/api/deployments/${id}/retry`, { method: "POST" });
      return { status: r.status, body: (await r.json()) as { error: string } };
    }, deploymentId);
    expect(forced.status).toBe(403);
    expect(forced.body.error).toBe("This needs the operator role; you are viewer");
    const after = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    expect(after.status).toBe("failed");
    expect(await db().operation.count({ where: { id: operationId } })).toBe(1);
    const audit = await db().auditEntry.findFirst({
      where: { action: "deployment.retry", target: `deployment:${deploymentId}` },
      orderBy: { id: "desc" },
    });
    expect(audit).toMatchObject({ actor: "viewer@test.webops", outcome: "denied", via: "session" });

    await page.goto(testUrl("/deployments/new"));
    await page.waitForURL(/\/denied\?need=operator/);
    expect(await page.textContent("main")).toMatch(/needs the operator role/);
  });

  it("an admin adds a user and changes their role; the user signs in with it", async () => {
    const admin = await browserAs(accountFromEnv("admin").session);
    const email = `new-${Date.now()}@test.webops`;
    await admin.goto(testUrl("/settings/users"));
    await admin.waitForSelector("[data-testid=users-table]");
    // Refused in the browser first: a short password.
    await admin.getByLabel("Email").fill(email);
    await admin.getByLabel("Initial password").fill("short");
    await admin.getByRole("button", { name: "Add user" }).click();
    await expect.poll(() => admin.textContent("[data-testid=error-password]")).toBe("At least 12 characters");
    await admin.getByLabel("Initial password").fill(TEST_PASSWORD);
    await admin.getByRole("button", { name: "Add user" }).click();
    await expect
      .poll(() => admin.textContent("[data-testid=users-message]"))
      .toBe(`Added ${email} as viewer`);
    await admin.getByLabel(`Role of ${email}`).selectOption("operator");
    await expect
      .poll(() => admin.textContent("[data-testid=users-message]"))
      .toBe(`${email} is now operator`);
    expect((await db().user.findUniqueOrThrow({ where: { email } })).role).toBe("operator");

    // The new user, in a browser signed in as nobody: the proxy sends them to sign-in and back.
    const page = await browserAs(null);
    await page.goto(testUrl("/dashboard"));
    await page.waitForURL(/\/signin\?next=%2Fdashboard/);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.textContent("[data-testid=sign-in-error]")).toBe("Wrong email or password");
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/dashboard$/);
    expect(await navText(page)).toContain(`${email} · operator`);

    // The admin reads what happened in the audit log.
    await admin.goto(testUrl(`/audit?target=${encodeURIComponent(email)}`));
    await admin.waitForSelector("[data-testid=audit-row]");
    const rows = await admin.locator("[data-testid=audit-row]").allTextContents();
    expect(rows.some((r) => r.includes("user.create") && r.includes("admin@test.webops"))).toBe(true);
    expect(rows.some((r) => r.includes("user.update") && r.includes("role operator"))).toBe(true);
    expect(rows.some((r) => r.includes("auth.sign_in") && r.includes("denied"))).toBe(true);
    expect(rows.some((r) => r.includes("auth.sign_in") && r.includes("success"))).toBe(true);
    await admin.screenshot({ path: resultPath("roles-audit-log.png"), fullPage: true });
  });
});
