import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { removeFilesCommand } from "@/lib/deployments/lifecycle-commands";
import { lifecycleRefusal, ZUndeployOptionsSchema } from "@/lib/deployments/lifecycle-rules";
import { toShell } from "@/lib/ssh";

// Lifecycle actions (stop/start/restart/undeploy) that fire webhook events: which fit which state.
const base = { folderTakenBy: null, environmentRemoved: false };

describe("lifecycle rules", () => {
  it("offer stop, restart and undeploy to a running deployment, not start", () => {
    for (const a of ["stop", "restart", "undeploy"] as const)
      expect(lifecycleRefusal(a, { ...base, status: "running" })).toBeNull();
    expect(lifecycleRefusal("start", { ...base, status: "running" })).toMatch(/running already/);
  });

  it("offer start, restart and undeploy to a stopped one, not stop", () => {
    for (const a of ["start", "restart", "undeploy"] as const)
      expect(lifecycleRefusal(a, { ...base, status: "stopped" })).toBeNull();
    expect(lifecycleRefusal("stop", { ...base, status: "stopped" })).toMatch(/nothing to stop/);
  });

  it("refuse everything while deploying, and starting a folder another deployment took or an undeployed environment", () => {
    for (const status of ["queued", "deploying", "blocked"])
      expect(lifecycleRefusal("undeploy", { ...base, status })).toMatch(/cancel it or let it finish/);
    expect(lifecycleRefusal("start", { ...base, status: "stopped", folderTakenBy: "d2" })).toMatch(
      /d2 now uses/,
    );
    expect(lifecycleRefusal("start", { ...base, status: "stopped", environmentRemoved: true })).toMatch(
      /redeploy it instead/,
    );
    expect(lifecycleRefusal("start", { ...base, status: "failed" })).toMatch(/redeploy it instead/);
    expect(lifecycleRefusal("undeploy", { ...base, status: "failed" })).toBeNull();
  });

  it("take only the two removal flags in undeploy's body", () => {
    expect(ZUndeployOptionsSchema.parse({})).toEqual({ removeEnvironment: false, removeModelCache: false });
    expect(ZUndeployOptionsSchema.safeParse({ removeEnvironment: "yes" }).success).toBe(false);
    expect(ZUndeployOptionsSchema.safeParse({ removeEverything: true }).success).toBe(false);
  });
});

describe("undeploy's removal command under /bin/sh", () => {
  async function folder() {
    const root = await mkdtemp(join(tmpdir(), "webops-undeploy-"));
    const dir = join(root, "deployments", "abc123");
    for (const sub of ["venv/bin", "src", "hf-cache/models", ".webops", "logs"])
      await mkdir(join(dir, sub), { recursive: true });
    for (const f of [".webops/install-runtime", ".webops/fetch-model", "service.env", "serve.sh"])
      await writeFile(join(dir, f), "x");
    return { root, dir };
  }
  const run = (cmd: ReturnType<typeof removeFilesCommand>) =>
    promisify(execFile)("/bin/sh", ["-c", toShell(cmd)]);

  it("removes the environment only, or the model cache only, keeping the rest", async () => {
    const { root, dir } = await folder();
    await run(removeFilesCommand("abc123", root, { removeEnvironment: true, removeModelCache: false }));
    expect(existsSync(join(dir, "venv"))).toBe(false);
    expect(existsSync(join(dir, "src"))).toBe(false);
    expect(existsSync(join(dir, ".webops/install-runtime"))).toBe(false);
    expect(existsSync(join(dir, "hf-cache/models"))).toBe(true);
    expect(existsSync(join(dir, "serve.sh"))).toBe(true);
    await run(removeFilesCommand("abc123", root, { removeEnvironment: false, removeModelCache: true }));
    expect(existsSync(join(dir, "hf-cache"))).toBe(false);
    expect(existsSync(join(dir, ".webops/fetch-model"))).toBe(false);
    expect(existsSync(join(dir, "service.env"))).toBe(true);
    await rm(root, { recursive: true });
  });

  it("removes the whole folder with both, and leaves a deploy path with spaces and quotes intact otherwise", async () => {
    const { root, dir } = await folder();
    await run(removeFilesCommand("abc123", root, { removeEnvironment: true, removeModelCache: true }));
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(root, "deployments"))).toBe(true);
    const odd = join(root, `a b'"$(touch pwned)`);
    await mkdir(join(odd, "deployments", "x1"), { recursive: true });
    await run(removeFilesCommand("x1", odd, { removeEnvironment: true, removeModelCache: true }));
    expect(existsSync(join(odd, "deployments", "x1"))).toBe(false);
    expect(existsSync(join(odd, "deployments"))).toBe(true);
    expect(existsSync("pwned")).toBe(false);
    await rm(root, { recursive: true });
  });
});
