import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { inStageGroup, killStageGroupCommand } from "@/lib/deployments/pipeline";
import { toShell } from "@/lib/ssh/command";

// The stage wrapper and its kill command run here under /bin/sh (dash on Debian, as on the hosts),
// each in a session of its own as sshd starts a command: a real process group is stopped.
let home = "";
afterEach(() => rmSync(home, { recursive: true, force: true }));

function runDetached(line: string, env: Record<string, string>) {
  const child = spawn("/bin/sh", ["-c", line], {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, ...env },
  });
  return child;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("stage process groups", () => {
  it("records the session's group and stops every process in it, children included", async () => {
    home = mkdtempSync(join(tmpdir(), "webops-stage-"));
    const stage = runDetached(
      toShell(inStageGroup("dep1", { program: "sh", args: ["-c", "sleep 60 & sleep 60; wait"] })),
      { HOME: home },
    );
    const exited = new Promise<number | null>((resolve) =>
      stage.once("exit", (code, signal) => resolve(signal ? -1 : code)),
    );
    const pgidFile = join(home, ".cache/webops/dep1.pgid");
    for (let i = 0; i < 50 && !existsSync(pgidFile); i++) await new Promise((r) => setTimeout(r, 50));
    const pgid = Number(readFileSync(pgidFile, "utf8"));
    expect(pgid).toBe(stage.pid);

    const killer = runDetached(toShell(killStageGroupCommand("dep1")), { HOME: home });
    await new Promise((resolve) => killer.once("exit", resolve));
    expect(await exited).toBe(-1);
    // The whole group is gone (kill -0 on the group fails) and the file with it.
    expect(() => process.kill(-pgid, 0)).toThrow();
    expect(alive(pgid)).toBe(false);
    expect(existsSync(pgidFile)).toBe(false);
  });

  it("does nothing when no stage ran in that folder", async () => {
    home = mkdtempSync(join(tmpdir(), "webops-stage-"));
    const killer = runDetached(toShell(killStageGroupCommand("none")), { HOME: home });
    expect(await new Promise((resolve) => killer.once("exit", resolve))).toBe(0);
  });
});
