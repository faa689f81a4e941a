// SSH test hosts: real OpenSSH servers, each on its own loopback address with its own root file system
// (an overlay over a cached Debian rootfs), for integration tests, browser tests and benchmarks.
// Needs root (mount, chroot). See test/hosts/README.md.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./exec";
import { mountSystemDirs } from "./mounts";
import { applyProfile, installKeys, prepareSshd, setRandomPassword, USER, writeIdentity } from "./provision";
import { ensureRootfs, type HostProfile, requireRoot } from "./rootfs";
import { AddressInUseError, canBind, PORT, startSshd } from "./sshd";
import { claimStateDir, destroyStateDir, destroyStateDirSync } from "./state";

export type { HostProfile } from "./rootfs";
export { ensureRootfs } from "./rootfs";

export interface TestHost {
  profile: HostProfile;
  name: string;
  address: string;
  port: number;
  user: string;
  privateKey: string;
  publicKey: string;
  hostKeyFingerprint: string;
  rootDir: string;
  stop(): Promise<void>;
}

/** Hosts this process started, by state dir; the exit hook tears down whatever is still here. */
const live = new Map<string, () => Promise<void>>();
const claimedAddresses = new Set<string>();

/** First 127.0.1.N (N >= 2) that nothing listens on. 127.0.1.1 is Debian's own host-name address. */
async function pickAddress(skip: ReadonlySet<string>): Promise<string> {
  for (let n = 2; n < 255; n++) {
    const address = `127.0.1.${n}`;
    if (claimedAddresses.has(address) || skip.has(address)) continue;
    claimedAddresses.add(address); // before the await: concurrent starts in this process must not share
    if (await canBind(address, PORT)) return address;
    claimedAddresses.delete(address);
  }
  throw new Error(`no free loopback address in 127.0.1.2-254 for port ${PORT}`);
}

/** The host's root: an overlay whose writes land in the state dir; a plain copy where overlay fails. */
async function mountRoot(lower: string, stateDir: string): Promise<string> {
  const root = join(stateDir, "root");
  const upper = join(stateDir, "upper");
  const work = join(stateDir, "work");
  await Promise.all([mkdir(root), mkdir(upper), mkdir(work)]);
  // ',' and ':' separate overlay options and layers; such paths cannot be expressed, so copy.
  if (![lower, stateDir].some((p) => /[,:\\]/.test(p))) {
    try {
      await run("mount", [
        "-t",
        "overlay",
        "overlay",
        "-o",
        `lowerdir=${lower},upperdir=${upper},workdir=${work}`,
        root,
      ]);
      await run("mount", ["--make-private", root]);
      return root;
    } catch (err) {
      // e.g. the state dir itself on overlayfs (inside a container): upperdir cannot live there.
      process.stderr.write(
        `[webops-hosts] overlay mount failed, copying the rootfs instead: ${String(err)}\n`,
      );
    }
  }
  await run("cp", ["-a", "--reflink=auto", `${lower}/.`, root]);
  return root;
}

export async function startTestHost(profile: HostProfile, opts: { name?: string } = {}): Promise<TestHost> {
  requireRoot();
  const lower = await ensureRootfs(profile);
  installExitHooks();
  const { name, dir } = await claimStateDir(profile, opts.name);
  const destroy = (): Promise<void> => destroyStateDir(dir);
  let address: string | undefined;
  try {
    const rootDir = await mountRoot(lower, dir);
    live.set(dir, destroy); // from here on the exit hook must clean up
    await mountSystemDirs(rootDir);
    const creds = await installKeys(rootDir, name);
    await applyProfile(rootDir, profile);
    await setRandomPassword(rootDir);
    await prepareSshd(rootDir);

    // Another process may bind the address between our probe and sshd's bind; then take the next one.
    const skip = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      address = await pickAddress(skip);
      await writeIdentity(rootDir, name, address);
      try {
        await startSshd({ root: rootDir, name, address, port: PORT, logFile: join(dir, "sshd.log") });
        break;
      } catch (err) {
        claimedAddresses.delete(address);
        if (!(err instanceof AddressInUseError) || attempt >= 10) throw err;
        skip.add(address);
      }
    }

    const hostAddress = address;
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= destroy().finally(() => {
        live.delete(dir);
        claimedAddresses.delete(hostAddress);
      });
      return stopping;
    };
    live.set(dir, stop);
    return { profile, name, address: hostAddress, port: PORT, user: USER, ...creds, rootDir, stop };
  } catch (err) {
    live.delete(dir);
    if (address) claimedAddresses.delete(address);
    await destroy().catch(() => undefined);
    throw err;
  }
}

/** Stops every host this process started. */
export async function stopAllTestHosts(): Promise<void> {
  const results = await Promise.allSettled([...live.values()].map((stop) => stop()));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed.length > 0)
    throw new Error(`stopping test hosts failed: ${failed.map((f) => String(f.reason)).join("; ")}`);
}

let hooksInstalled = false;

/**
 * On exit or a termination signal, tear down synchronously (no event loop is left to await on).
 * When nobody else handles the signal we re-raise it afterwards so the process still dies of it.
 */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const teardown = (): void => {
    for (const dir of [...live.keys()]) {
      live.delete(dir);
      try {
        destroyStateDirSync(dir);
      } catch (err) {
        process.stderr.write(`[webops-hosts] cleanup of ${dir} failed: ${String(err)}\n`);
      }
    }
  };
  process.on("exit", teardown);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      teardown();
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}
