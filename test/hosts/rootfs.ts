// Cached root filesystems for test hosts. Built once per machine (debootstrap takes about a minute,
// the `ready` packages a few more) and reused read-only as the lower layer of every host's overlay.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { copyAptSources, findMirror, SUITE } from "./aptsources";
import { onPath, run, runInRoot, tryFileLock, withFileLock } from "./exec";
import { killRootProcesses, mountSystemDirs, removeTree, unmountUnder, usedAsOverlayLayer } from "./mounts";

export type HostProfile = "bare" | "nosudo" | "ready";
type Layer = "base" | "ready";

export const cacheRoot = (): string => process.env.WEBOPS_HOSTS_CACHE ?? "/var/cache/webops-test-hosts";

/** Bump when the build steps below change in a way the inputs hashed in recipe() do not capture. */
const RECIPE_VERSION = 1;
const BASE_INCLUDE = ["openssh-server", "sudo", "python3"];
const READY_PACKAGES = [
  "build-essential",
  "cmake",
  "ninja-build",
  "python3-dev",
  "python3-venv",
  "python3-pip",
  "libnuma-dev",
  "libgomp1",
  "git",
];
const STAMP = ".webops-recipe.json";

const layerOf = (profile: HostProfile): Layer => (profile === "ready" ? "ready" : "base");

/** Everything that determines a layer's content; its hash names the cache directory. */
async function recipe(layer: Layer): Promise<Record<string, unknown>> {
  const base = { version: RECIPE_VERSION, suite: SUITE, include: BASE_INCLUDE, mirror: await findMirror() };
  return layer === "base" ? base : { ...base, packages: READY_PACKAGES };
}

const hashOf = (r: Record<string, unknown>): string =>
  createHash("sha256").update(JSON.stringify(r)).digest("hex").slice(0, 12);

const log = (msg: string): void => {
  process.stderr.write(`[webops-hosts] ${msg}\n`);
};

const inFlight = new Map<Layer, Promise<string>>();

/** Returns the cached rootfs directory for `profile`, building it first if needed. */
export function ensureRootfs(profile: HostProfile): Promise<string> {
  const layer = layerOf(profile);
  let p = inFlight.get(layer);
  if (!p) {
    p = ensureLayer(layer);
    inFlight.set(layer, p);
    // A failed build may be retried by a later call.
    p.catch(() => inFlight.delete(layer));
  }
  return p;
}

async function isComplete(dir: string, stamp: string): Promise<boolean> {
  return (await readFile(join(dir, STAMP), "utf8").catch(() => "")) === stamp;
}

async function ensureLayer(layer: Layer): Promise<string> {
  const r = await recipe(layer);
  const stamp = `${JSON.stringify(r)}\n`;
  const cache = cacheRoot();
  const final = join(cache, `${layer}-${hashOf(r)}`);
  if (await isComplete(final, stamp)) return final;

  requireRoot();
  // `ready` is a copy of base; get base first, outside our lock, so the two locks never nest.
  const base = layer === "ready" ? await ensureRootfs("bare") : undefined;
  await mkdir(cache, { recursive: true });
  return withFileLock(join(cache, `.lock-${layer}`), async () => {
    // Someone may have finished the same build while we waited for the lock.
    if (await isComplete(final, stamp)) return final;
    await removeStaleTemps(cache, layer);
    const tmp = join(cache, `.tmp-${layer}-${hashOf(r)}-${process.pid}`);
    const logFile = join(cache, `build-${layer}.log`);
    await writeFile(logFile, `# ${new Date().toISOString()} ${stamp}`);
    const started = Date.now();
    log(`building ${layer} rootfs in ${tmp} (log: ${logFile})`);
    try {
      if (layer === "base") await buildBase(tmp, String(r.mirror), logFile);
      else await buildReady(tmp, base ?? "", logFile);
      await writeFile(join(tmp, STAMP), stamp);
      if (existsSync(final)) removeTree(final); // a half-written dir from an older harness version
      // rename is atomic: readers see either no cache or a complete one.
      await rename(tmp, final);
    } catch (err) {
      await killRootProcesses(tmp);
      removeTree(tmp);
      throw err;
    }
    log(`built ${layer} rootfs in ${((Date.now() - started) / 1000).toFixed(1)} s: ${final}`);
    await pruneOldVersions(cache, layer, final);
    return final;
  });
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error("test hosts need root (debootstrap, mount, chroot); run the tests as root");
  }
}

/** Build directories left by a crashed run; we hold the layer's lock, so none is in use. */
async function removeStaleTemps(cache: string, layer: Layer): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdir(cache)) {
    if (!entry.startsWith(`.tmp-${layer}-`)) continue;
    // A killed build may have left apt/dpkg running in the chroot; they would write into what we delete.
    await killRootProcesses(join(cache, entry));
    removeTree(join(cache, entry));
    removed.push(join(cache, entry));
  }
  return removed;
}

/** Frees disk from caches of an older recipe, unless a running host still uses one. */
async function pruneOldVersions(cache: string, layer: Layer, keep: string): Promise<void> {
  for (const entry of await readdir(cache)) {
    const dir = join(cache, entry);
    if (!entry.startsWith(`${layer}-`) || dir === keep || usedAsOverlayLayer(dir)) continue;
    log(`removing outdated cache ${dir}`);
    removeTree(dir);
  }
}

// CI images often run unattended-upgrades or a setup step's apt-get at boot; wait instead of failing.
const WAIT_FOR_APT_LOCK = ["-o", "DPkg::Lock::Timeout=300"];

/** A clean CI machine has no debootstrap; install it from the machine's own apt sources. */
async function ensureDebootstrap(logFile: string): Promise<void> {
  if (await onPath("debootstrap")) return;
  log("debootstrap missing; installing it with apt-get");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    await run("apt-get", [...WAIT_FOR_APT_LOCK, "install", "-y", "debootstrap"], { env, logFile });
  } catch {
    // Fresh machines often have no package lists yet.
    await run("apt-get", [...WAIT_FOR_APT_LOCK, "update"], { env, logFile });
    await run("apt-get", [...WAIT_FOR_APT_LOCK, "install", "-y", "debootstrap"], { env, logFile });
  }
}

/** Mounts /proc and /dev for apt inside `root` while `fn` runs, and gives it DNS. */
async function withChrootMounts(root: string, fn: () => Promise<void>): Promise<void> {
  await writeFile(join(root, "etc/resolv.conf"), await readFile("/etc/resolv.conf").catch(() => ""));
  // Package scripts must not start daemons on the build machine (policy-rc.d exit 101 = "not allowed").
  await writeFile(join(root, "usr/sbin/policy-rc.d"), "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  try {
    await mountSystemDirs(root);
    await fn();
  } finally {
    unmountUnder(root);
    await rm(join(root, "usr/sbin/policy-rc.d"), { force: true });
  }
}

async function buildBase(tmp: string, mirror: string, logFile: string): Promise<void> {
  await ensureDebootstrap(logFile);
  await run("debootstrap", ["--variant=minbase", `--include=${BASE_INCLUDE.join(",")}`, SUITE, tmp, mirror], {
    logFile,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  await copyAptSources(tmp);
  // openssh-server's postinst normally does this; -A only fills in missing keys.
  await runInRoot(tmp, ["ssh-keygen", "-A"], { logFile, dieWithUs: true });
  await runInRoot(
    tmp,
    ["useradd", "--create-home", "--home-dir", "/home/deploy", "--shell", "/bin/bash", "deploy"],
    {
      logFile,
    },
  );
  // Package lists in the cache, so `apt-get install` works on a fresh host without an update first.
  await withChrootMounts(tmp, async () => {
    await runInRoot(tmp, ["apt-get", "update"], { logFile, dieWithUs: true });
  });
  await runInRoot(tmp, ["apt-get", "clean"], { logFile, dieWithUs: true });
}

async function buildReady(tmp: string, base: string, logFile: string): Promise<void> {
  // --reflink=auto makes this instant on btrfs/xfs; on ext4 it is a plain copy (~300 MB).
  await run("cp", ["-a", "--reflink=auto", base, tmp], { logFile, dieWithUs: true });
  await withChrootMounts(tmp, async () => {
    await runInRoot(tmp, ["apt-get", "update"], { logFile, dieWithUs: true });
    await runInRoot(tmp, ["apt-get", "install", "-y", ...READY_PACKAGES], { logFile, dieWithUs: true });
  });
  await runInRoot(tmp, ["apt-get", "clean"], { logFile, dieWithUs: true });
}

/** For `cli.ts clean`: build directories of crashed builds, unless a build is running right now. */
export async function cleanStaleBuilds(): Promise<string[]> {
  const cache = cacheRoot();
  if (!existsSync(cache)) return [];
  const removed: string[] = [];
  for (const layer of ["base", "ready"] as const) {
    removed.push(
      ...((await tryFileLock(join(cache, `.lock-${layer}`), () => removeStaleTemps(cache, layer))) ?? []),
    );
  }
  return removed;
}
