import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** A Debian package the scripts need, and how to tell it is already there. */
export interface DebianNeed {
  pkg: string;
  present: () => boolean;
}

export function onPath(bin: string): boolean {
  return spawnSync("sh", ["-c", 'command -v "$1"', "sh", bin], { stdio: "ignore" }).status === 0;
}

export function fileExists(path: string): () => boolean {
  return () => existsSync(path);
}

function canSudo(): boolean {
  return spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
}

/**
 * Installs the missing packages with apt-get, as root or with passwordless sudo.
 * Without either it stops with the exact command an administrator should run.
 */
export function ensureDebianPackages(needs: DebianNeed[]): void {
  const missing = needs.filter((need) => !need.present()).map((need) => need.pkg);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot && !canSudo()) {
    throw new Error(
      `Missing Debian packages: ${missing.join(", ")}. WebOps cannot install them without root or passwordless sudo.\n` +
        `Run:  sudo apt-get update && sudo apt-get install -y ${missing.join(" ")}`,
    );
  }
  const prefix = isRoot ? [] : ["sudo", "-n"];
  const run = (args: string[]) => {
    const [cmd, ...rest] = [...prefix, ...args];
    console.log(`[webops] ${[cmd, ...rest].join(" ")}`);
    execFileSync(cmd as string, rest, {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  };
  run(["apt-get", "update", "-q"]);
  run(["apt-get", "install", "-y", "-q", "--no-install-recommends", ...missing]);
}
