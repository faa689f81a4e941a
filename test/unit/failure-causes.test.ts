import { describe, expect, it } from "vitest";
import { failureCause } from "@/lib/deployments/failure-causes";

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
