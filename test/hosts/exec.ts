// Small process helpers for the test-host harness. Every command is an argv array: nothing here ever
// builds a shell string, so names and paths cannot be interpreted by a shell.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

/** The environment every chroot command gets: the machine's own env (proxies, CI vars) must not leak in. */
// (Next.js declares NODE_ENV as required in ProcessEnv; chroot commands deliberately do without it.)
export const CHROOT_ENV = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  LANG: "C.UTF-8",
  HOME: "/root",
  DEBIAN_FRONTEND: "noninteractive",
} as Record<string, string> as unknown as NodeJS.ProcessEnv;

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Append stdout+stderr here as well (long builds: debootstrap, apt-get). */
  logFile?: string;
  /**
   * Kill the command if this process dies (util-linux setpriv's parent-death signal). For builds:
   * otherwise a killed `prepare` leaves debootstrap writing into a directory the next run deletes.
   */
  dieWithUs?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

const KEEP_CHARS = 64 * 1024; // enough for any error message, bounded for chatty builds

/** Runs a command to completion; rejects with the command line and the tail of its output on failure. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const argv = opts.dieWithUs ? ["setpriv", "--pdeathsig", "SIGKILL", cmd, ...args] : [cmd, ...args];
    const child = spawn(argv[0] ?? cmd, argv.slice(1), {
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const log = opts.logFile ? createWriteStream(opts.logFile, { flags: "a" }) : undefined;
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout = (stdout + d.toString()).slice(-KEEP_CHARS);
      log?.write(d);
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-KEEP_CHARS);
      log?.write(d);
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    child.on("error", (err) => {
      log?.end();
      reject(new Error(`${cmd}: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      log?.end();
      if (code === 0) return resolve({ stdout, stderr });
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      const tail = (stderr.trim() || stdout.trim()).split("\n").slice(-20).join("\n");
      reject(
        new Error(
          `${[cmd, ...args].join(" ")} failed (${how})${opts.logFile ? `, log: ${opts.logFile}` : ""}\n${tail}`,
        ),
      );
    });
  });
}

/** Runs a command inside a chroot with a clean environment. */
export function runInRoot(root: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run("chroot", [root, ...args], { ...opts, env: opts.env ?? CHROOT_ENV });
}

/** True when `cmd` resolves on PATH (no shell: we walk PATH ourselves). */
export async function onPath(cmd: string): Promise<boolean> {
  const { access } = await import("node:fs/promises");
  const dirs = (process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(":");
  for (const dir of [...dirs, "/usr/sbin", "/sbin"]) {
    try {
      await access(`${dir}/${cmd}`);
      return true;
    } catch {
      // keep looking
    }
  }
  return false;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Blocking sleep, only for the process-exit path where the event loop no longer runs. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Holds an exclusive kernel lock (flock) on `lockPath` while `fn` runs. The lock lives in a helper
 * `flock` process whose stdin is our pipe: if we crash, the pipe closes, the helper exits and the
 * kernel drops the lock, so a crashed build never leaves a stale lock behind.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const held = await acquire(lockPath, false);
  if (!held) throw new Error(`could not lock ${lockPath}`);
  try {
    return await fn();
  } finally {
    held();
  }
}

/** Like withFileLock but gives up at once (returns undefined) when someone else holds the lock. */
export async function tryFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T | undefined> {
  const held = await acquire(lockPath, true);
  if (!held) return undefined;
  try {
    return await fn();
  } finally {
    held();
  }
}

/** Resolves to a release function once the lock is held, or undefined if `nonblock` and it is busy. */
function acquire(lockPath: string, nonblock: boolean): Promise<(() => void) | undefined> {
  const flags = nonblock ? ["--nonblock", "--exclusive"] : ["--exclusive"];
  // Fixed script, no user text: print a marker once the lock is held, then wait for EOF on stdin.
  const holder = spawn("flock", [...flags, lockPath, "sh", "-c", "echo locked; exec cat >/dev/null"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let err = "";
    let locked = false;
    holder.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    holder.stdout.on("data", (d: Buffer) => {
      if (locked || !d.toString().includes("locked")) return;
      locked = true;
      resolve(() => holder.stdin.end());
    });
    holder.on("error", reject);
    holder.on("exit", (code) => {
      if (locked) return;
      // flock exits 1 without running the command when --nonblock finds the lock taken.
      if (nonblock && code === 1 && !err) resolve(undefined);
      else reject(new Error(`flock ${lockPath} exited (${code}): ${err}`));
    });
  });
}
