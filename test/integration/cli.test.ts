import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { db, disconnectDb } from "@/lib/db";
import { type FixtureIndex, startFixtureIndex } from "../fixtures/vllm";
import { startTestHost, type TestHost } from "../hosts";
import { testUrl } from "../setup/system-config";
import { accountFromEnv } from "../support/accounts";
import { FIXTURE_API_KEY, fixturePipSpec, freePort, putModelOnHost } from "../support/deployments";
import { addHost, runCheck } from "../support/operations";

// The command line as a CI pipeline runs it: `webops deploy <file>` with an operator's API token,
// following the log to running (exit 0); a deployment that fails exits 1 with its reason.
// TEST FIXTURES: the package index with the stand-in vllm and the model folder on a `ready` host.
let index: FixtureIndex;
let testHost: TestHost;
let hostName = "";
let work = "";

beforeAll(async () => {
  [index, testHost] = await Promise.all([startFixtureIndex(), startTestHost("ready", { name: "cli" })]);
  await putModelOnHost(testHost);
  hostName = `cli-${Date.now()}`;
  const hostId = (await addHost(testHost, { name: hostName })).id;
  const check = await runCheck(hostId);
  expect(check.operation.status, check.texts.join("\n")).toBe("succeeded");
  work = mkdtempSync(join(tmpdir(), "webops-cli-"));
}, 180_000);

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await Promise.all([index?.stop(), testHost?.stop()]);
  await disconnectDb();
});

function cli(args: string[], token: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["bin/webops.mjs", ...args],
      { env: { ...process.env, WEBOPS_URL: testUrl(""), WEBOPS_TOKEN: token }, timeout: 280_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("webops CLI", () => {
  it("deploys a YAML configuration naming its host, follows the log to running, exits 0", async () => {
    const { hostId: _, ...spec } = fixturePipSpec("unused", index, await freePort());
    const file = join(work, "deploy.yaml");
    writeFileSync(file, stringify({ host: hostName, ...spec, servedModelName: "tiny-cli" }));
    const token = accountFromEnv("operator").token;
    const run = await cli(["deploy", file], token);
    expect(run.code, run.stderr + run.stdout.slice(-2000)).toBe(0);
    expect(run.stdout).toMatch(/^deployment \w+ queued$/m);
    expect(run.stdout).toMatch(/^\[install-runtime\] /m);
    expect(run.stdout).toMatch(/^\[sanity\] /m);
    expect(run.stdout).toMatch(/^deployment \w+: running$/m);
    // Secrets are masked in the log and the token is never printed.
    expect(run.stdout + run.stderr).not.toContain(FIXTURE_API_KEY);
    expect(run.stdout + run.stderr).not.toContain(token);
    const id = /^deployment (\w+): running$/m.exec(run.stdout)?.[1] as string;
    const dep = await db().deployment.findUniqueOrThrow({ where: { id } });
    expect(dep).toMatchObject({ status: "running", createdBy: "operator@test.webops" });
    expect((dep.spec as { servedModelName?: string }).servedModelName).toBe("tiny-cli");

    const status = await cli(["status", id], accountFromEnv("viewer").token);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`deployment ${id}: running`);
  }, 300_000);

  it("exits 1 with the reason when the deployment fails, and 2 for a bad file or a viewer's token", async () => {
    const { hostId: _, ...spec } = fixturePipSpec("unused", index, await freePort());
    const file = join(work, "fails.json");
    // A model folder that is not on the host: the pipeline stops at fetch model.
    writeFileSync(
      file,
      JSON.stringify({ host: hostName, ...spec, model: { source: "path", path: "/nowhere/model" } }),
    );
    const run = await cli(["deploy", file], accountFromEnv("operator").token);
    expect(run.code, run.stdout.slice(-2000)).toBe(1);
    expect(run.stdout).toMatch(/^deployment \w+: failed \(.+\)$/m);

    const bad = join(work, "bad.yaml");
    writeFileSync(bad, "host: [unclosed");
    expect((await cli(["deploy", bad], accountFromEnv("operator").token)).code).toBe(2);
    const invalid = join(work, "invalid.yaml");
    writeFileSync(invalid, stringify({ host: hostName, ...spec, serve: { ...spec.serve, port: 70000 } }));
    const refused = await cli(["deploy", invalid], accountFromEnv("operator").token);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/400 .*\n\s+spec\.serve\.port|serve\.port/);

    const viewer = await cli(["deploy", file], accountFromEnv("viewer").token);
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toMatch(/403 This needs the operator role; you are viewer/);
  }, 300_000);
});
