import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A CPU cgroup made for a benchmark's run; `remove` hands back what is left in it and deletes it. */
export interface TCpuGroup {
  path: string;
  /** How the share was set, as the results record it: "cgroup v1 cpu.shares=2" or "cgroup v2 cpu.weight=1". */
  share: string;
  remove(): void;
}

const ROOT = "/sys/fs/cgroup";

/**
 * A CPU cgroup with the smallest share, for a benchmark's test hosts. They stand in for other
 * machines: their pip installs and fixture servers should take only the CPU that the panel's own
 * processes (web app, workers, PostgreSQL, Redis) leave. Without it, the kernel's per-session
 * scheduling (autogroup) gives each of the hosts' dozens of SSH sessions as much CPU as all of
 * PostgreSQL's backends together, and `nice` on the hosts changes nothing. Null where no group can be
 * made (not root, no CPU controller): the hosts then share the CPU with the panel.
 */
export function lowCpuGroup(name: string): TCpuGroup | null {
  const attempts: { parent: string; file: string; value: string; share: string }[] = [
    { parent: join(ROOT, "cpu"), file: "cpu.shares", value: "2", share: "cgroup v1 cpu.shares=2" },
    { parent: ROOT, file: "cpu.weight", value: "1", share: "cgroup v2 cpu.weight=1" },
  ];
  for (const a of attempts) {
    if (!existsSync(join(a.parent, "cgroup.procs"))) continue;
    const path = join(a.parent, name);
    try {
      if (!existsSync(path)) mkdirSync(path);
      if (!existsSync(join(path, a.file))) {
        rmdirSync(path);
        continue;
      }
      writeFileSync(join(path, a.file), a.value);
      return { path, share: a.share, remove: () => removeGroup(path, a.parent) };
    } catch {
      try {
        rmdirSync(path);
      } catch {
        // Not made, or not ours to remove.
      }
    }
  }
  return null;
}

function removeGroup(path: string, parent: string): void {
  try {
    for (const pid of readFileSync(join(path, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) {
      try {
        writeFileSync(join(parent, "cgroup.procs"), pid);
      } catch {
        // Exited meanwhile.
      }
    }
    rmdirSync(path);
  } catch {
    // A group already gone.
  }
}
