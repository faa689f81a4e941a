import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db";
import { type FixtureIndex, startFixtureIndex } from "../fixtures/vllm";
import { startTestHost, type TestHost } from "../hosts";
import { testUrl } from "../setup/system-config";
import {
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

// The playground in a real browser, against a fixture deployment (TEST FIXTURE vllm on a `ready`
// test host, bound to the host's loopback, with an API key).
let host: TestHost;
let index: FixtureIndex;
let deploymentId = "";
let context: BrowserContext;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  [host, index] = await Promise.all([startTestHost("ready", { name: "play-ui" }), startFixtureIndex()]);
  await putModelOnHost(host);
  const hostId = (await addHost(host)).id;
  expect((await runCheck(hostId)).operation.status).toBe("succeeded");
  const created = await createViaApi(fixturePipSpec(hostId, index, await freePort()));
  const dep = await waitFor(created.id, ended, 240_000);
  expect(dep.status, dep.error ?? "").toBe("running");
  deploymentId = dep.id;
  ({ context, close: closeBrowser } = await launchBrowser());
}, 300_000);

afterAll(async () => {
  await closeBrowser?.();
  await Promise.all([host?.stop(), index?.stop()]);
  await disconnectDb();
});

describe("playground in a real browser", () => {
  it("chats with the deployment, shows the request as curl without the key, and runs a load test that becomes the acceptance record", async () => {
    const page = await context.newPage();
    await page.goto(testUrl(`/deployments/${deploymentId}`));
    await page.getByTestId("open-playground").click();
    await page.waitForURL(/\/playground$/);
    await expect.poll(() => page.textContent("[data-testid=acceptance-record]")).toMatch(/Not yet verified/);

    await page.getByLabel("Message").fill("hello from the browser");
    await page.getByTestId("chat-send").click();
    await expect
      .poll(() => page.locator("[data-testid=turn-assistant]").last().textContent(), { timeout: 30_000 })
      .toContain("fixture answer to: hello from the browser");
    await expect.poll(() => page.textContent("[data-testid=turn-stats]")).toMatch(/first token .* total/);

    await page.getByText("This request as curl").click();
    const curl = (await page.textContent("[data-testid=chat-curl]")) ?? "";
    expect(curl).toContain("/v1/chat/completions");
    expect(curl).toContain("Bearer $VLLM_API_KEY");
    expect(curl).toContain("hello from the browser");

    // A bad value is refused under its field, before any request.
    await page.getByLabel("Concurrency (C)").fill("300");
    await page.getByTestId("load-test-start").click();
    await expect.poll(() => page.textContent("[data-testid=error-concurrency]")).toMatch(/at most 256/);

    await page.getByLabel("Requests (N)").fill("12");
    await page.getByLabel("Concurrency (C)").fill("3");
    await page.getByLabel("Prompt size (words)").fill("20");
    await page.getByLabel("Max output tokens").fill("16");
    await page.getByTestId("load-test-start").click();
    await expect
      .poll(() => page.textContent("[data-testid=acceptance-record]"), { timeout: 60_000 })
      .toMatch(/Verified under expected load.*12 requests at concurrency 3, 20-word prompts/);
    await expect.poll(() => page.textContent("[data-testid=load-test-history]")).toMatch(/12 × 3/);
    expect(await page.locator("[data-testid=load-test-passed]").count()).toBe(1);
    await expect
      .poll(() => page.textContent("[data-testid=load-test-panel]"))
      .toMatch(/12\/12 answered, 0 errors/);

    expect(await page.content()).not.toContain(FIXTURE_API_KEY);
    await page.screenshot({ path: resultPath("playground.png"), fullPage: true });
  }, 180_000);
});
