import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { failureCause } from "@/lib/deployments/failure-causes";
import { freeSpaceCommand, parseFreeSpace } from "@/lib/deployments/remote";

describe("failureCause", () => {
  it("names a full disk from pip's, the shell's and tar's messages", () => {
    for (const line of [
      "ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device",
      "cp: error writing 'x': No space left on device",
      "tar: model.bin: Wrote only 4096 of 10240 bytes: ENOSPC",
    ])
      expect(failureCause(["Collecting vllm", line, "exit 1"], "~/webops")).toMatch(
        /^the host's disk is full \(No space left on device\) where it writes, under ~\/webops;/,
      );
  });

  it("names a quota, a read-only file system and memory; nothing for other failures", () => {
    expect(failureCause(["OSError: [Errno 122] Disk quota exceeded"], "/srv/w")).toMatch(/disk quota/);
    expect(failureCause(["touch: cannot touch 'x': Read-only file system"], "/srv/w")).toMatch(/read-only/);
    expect(failureCause(["MemoryError"], "/srv/w")).toBe("the host ran out of memory");
    expect(failureCause(["ERROR: No matching distribution found for vllm==9.9.9"], "/srv/w")).toBeNull();
    expect(failureCause([], "/srv/w")).toBeNull();
  });
});

describe("free space where a deployment writes", () => {
  it("reads df's line for the deployment folder, falling back to its parents", () => {
    const home = mkdtempSync(join(tmpdir(), "webops-df-"));
    try {
      const cmd = freeSpaceCommand("~/webops", "d1");
      const out = execFileSync(cmd.program, cmd.args as string[], {
        env: { ...process.env, HOME: home },
        encoding: "utf8",
      });
      const space = parseFreeSpace(out.trim());
      expect(space?.availableKiB).toBeGreaterThan(0);
      expect(space?.usePercent).toBeGreaterThanOrEqual(0);
      expect(space?.usePercent).toBeLessThanOrEqual(100);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    expect(parseFreeSpace("0 100% /home/deploy/webops")).toEqual({ availableKiB: 0, usePercent: 100 });
    expect(parseFreeSpace("df: cannot read")).toBeNull();
    expect(parseFreeSpace(undefined)).toBeNull();
  });
});
