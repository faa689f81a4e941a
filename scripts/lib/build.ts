// The web app's production build, shared by the test setup and the benchmarks: rebuilt only when
// older than its sources, and by one process at a time (two `next build` runs in one .next folder
// break each other's output).
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

/** What a production build depends on, relative to the project root (the working directory). */
const SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "next.config.ts",
  "package-lock.json",
  "prisma/schema.prisma",
];
const BUILD_ID = ".next/BUILD_ID";
/** A folder: creating it is atomic, so whoever creates it builds; it holds the builder's pid. */
const LOCK = ".next-build.lock";
const LOCK_WAIT_MS = 15 * 60_000;
const LOCK_POLL_MS = 500;

/** The newest modification time among the files a production build depends on. */
function newestSource(paths: string[]): number {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      if (path.endsWith("generated")) return;
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const path of paths) visit(path);
  return newest;
}

const isCurrent = () => existsSync(BUILD_ID) && statSync(BUILD_ID).mtimeMs > newestSource(SOURCES);

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes a lock whose builder died (killed mid-build): its pid is gone, or it never wrote one. */
function removeIfStale(): void {
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(join(LOCK, "pid"), "utf8"));
  } catch {
    holder = undefined;
  }
  const stale =
    holder !== undefined && Number.isInteger(holder) && holder > 0
      ? !alive(holder)
      : (() => {
          try {
            return Date.now() - statSync(LOCK).mtimeMs > 10_000;
          } catch {
            return false;
          }
        })();
  if (!stale) return;
  // Renamed first: of several waiters that found it stale, only one removes it.
  const aside = `${LOCK}.stale-${process.pid}`;
  try {
    renameSync(LOCK, aside);
  } catch {
    return;
  }
  rmSync(aside, { recursive: true, force: true });
}

function takeLock(): void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, "pid"), String(process.pid));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    removeIfStale();
    if (Date.now() > deadline)
      throw new Error(
        `Another process has been building the web app for ${LOCK_WAIT_MS / 60_000} minutes (lock ${LOCK}). If no build is running, remove ${LOCK} and try again.`,
      );
    sleepSync(LOCK_POLL_MS);
  }
}

/**
 * Builds the web app (`next build`) when the build is older than its sources; waits while another
 * process builds. Returns what it did, in a few words.
 */
export function buildIfStale(env: NodeJS.ProcessEnv): string {
  if (isCurrent()) return "web app build was current";
  takeLock();
  try {
    if (isCurrent()) return "web app build was current (another process had just built it)";
    execFileSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
      stdio: ["ignore", "ignore", "inherit"],
      env,
    });
    return "web app built (next build): the build was older than its sources";
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
