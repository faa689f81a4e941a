// Mounts and processes of a test host's root filesystem. Everything that tears down is synchronous so
// the same code serves stop(), the CLI `clean` and the process-exit hook (where async work never runs).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { run, sleep, sleepSync } from "./exec";

/** Decodes the octal escapes the kernel uses in /proc/self/mountinfo (space is \040, etc.). */
function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** Mount points strictly under `dir` (or `dir` itself), in mount order. */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  const out: string[] = [];
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const field = line.split(" ")[4];
    if (field === undefined) continue;
    const mountPoint = unescapeMountPath(field);
    if (mountPoint === dir || mountPoint.startsWith(prefix)) out.push(mountPoint);
  }
  return out;
}

/** True when some mount uses `dir` as an overlay layer (so a cached rootfs must not be deleted). */
export function usedAsOverlayLayer(dir: string): boolean {
  const text = readFileSync("/proc/self/mountinfo", "utf8");
  return text
    .split("\n")
    .some(
      (line) =>
        line.includes(" - overlay ") &&
        (line.includes(`lowerdir=${dir},`) || line.includes(`lowerdir=${dir}:`) || line.includes(`:${dir},`)),
    );
}

/**
 * Unmounts every mount under `dir`, newest first (so /dev/pts goes before /dev, and both before the
 * overlay). A busy mount is detached lazily. Never touches a mount outside `dir`.
 */
export function unmountUnder(dir: string): void {
  for (const mountPoint of mountsUnder(dir).reverse()) {
    try {
      execFileSync("umount", [mountPoint], { stdio: "pipe" });
    } catch {
      try {
        execFileSync("umount", ["--lazy", mountPoint], { stdio: "pipe" });
      } catch {
        // already gone (e.g. a parent's lazy unmount took it along); checked by the caller
      }
    }
  }
}

/**
 * Deletes `dir` after unmounting everything inside it. `--one-file-system` is a second safety net:
 * a bind mount of /dev that somehow survived would be skipped rather than emptied.
 */
export function removeTree(dir: string): void {
  unmountUnder(dir);
  const left = mountsUnder(dir);
  if (left.length > 0) throw new Error(`refusing to delete ${dir}: still mounted: ${left.join(", ")}`);
  execFileSync("rm", ["-rf", "--one-file-system", dir], { stdio: "pipe" });
}

/**
 * Gives a chroot what programs expect of a running system: /proc, the machine's /dev and /dev/pts.
 * Each mount is made private first so nothing we mount inside propagates back to the machine's /dev
 * on systems where / is a shared mount (systemd's default).
 */
export async function mountSystemDirs(root: string): Promise<void> {
  await run("mount", ["--bind", "/dev", `${root}/dev`]);
  await run("mount", ["--make-private", `${root}/dev`]);
  await run("mount", ["--bind", "/dev/pts", `${root}/dev/pts`]);
  await run("mount", ["--make-private", `${root}/dev/pts`]);
  await run("mount", ["-t", "proc", "proc", `${root}/proc`]);
}

/** Pids whose root directory is `root` or below it (sshd, its sessions, anything a test started). */
export function pidsWithRoot(root: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let procRoot: string;
    try {
      procRoot = readlinkSync(`/proc/${entry}/root`);
    } catch {
      continue; // exited meanwhile, or a kernel thread
    }
    if (procRoot === root || procRoot.startsWith(`${root}/`)) pids.push(Number(entry));
  }
  return pids;
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already exited
    }
  }
}

const GRACE_MS = 2000;

/** SIGTERM every process in the chroot, SIGKILL what is left after 2 s. */
export async function killRootProcesses(root: string): Promise<void> {
  signalAll(pidsWithRoot(root), "SIGTERM");
  const deadline = Date.now() + GRACE_MS;
  while (pidsWithRoot(root).length > 0 && Date.now() < deadline) await sleep(50);
  // Loop: sshd may have forked a session between our scan and its death.
  for (let i = 0; i < 20 && pidsWithRoot(root).length > 0; i++) {
    signalAll(pidsWithRoot(root), "SIGKILL");
    await sleep(50);
  }
}

/**
 * SIGKILLs every process in the chroot except `keep` (a host's listening sshd): its connections and
 * whatever they started. No SSH disconnect message is sent; clients see the TCP connection close.
 */
export async function killRootProcessesExcept(root: string, keep: number | undefined): Promise<void> {
  const others = (): number[] => pidsWithRoot(root).filter((pid) => pid !== keep);
  // Loop: a session may fork while we kill its parent.
  for (let i = 0; i < 40 && others().length > 0; i++) {
    signalAll(others(), "SIGKILL");
    await sleep(25);
  }
  const left = others();
  if (left.length > 0) throw new Error(`processes in ${root} survived SIGKILL: ${left.join(", ")}`);
}

/** Same as killRootProcesses, for the exit hook where we cannot await. */
export function killRootProcessesSync(root: string): void {
  signalAll(pidsWithRoot(root), "SIGTERM");
  const deadline = Date.now() + GRACE_MS;
  while (pidsWithRoot(root).length > 0 && Date.now() < deadline) sleepSync(50);
  for (let i = 0; i < 20 && pidsWithRoot(root).length > 0; i++) {
    signalAll(pidsWithRoot(root), "SIGKILL");
    sleepSync(50);
  }
}
