// SSH test hosts: real OpenSSH servers, each on its own loopback address with its own root file system
// (an overlay over a cached Debian rootfs), for integration tests, browser tests and benchmarks.
// Needs root (mount, chroot). See test/hosts/README.md.
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./exec";
import { killRootProcessesExcept, mountSystemDirs } from "./mounts";
import {
  applySudoers,
  installHostKey,
  installKeys,
  prepareSshd,
  setPassword,
  USER,
  writeIdentity,
} from "./provision";
import { ensureRootfs, type HostProfile, requireRoot } from "./rootfs";
import {
  AddressInUseError,
  canBind,
  type ListeningSshd,
  PORT,
  type SshdOptions,
  sshdSettings,
  startSshd,
  stopSshd,
} from "./sshd";
import {
  claimStateDir,
  destroyStateDir,
  destroyStateDirSync,
  recordAddress,
  reservedAddresses,
} from "./state";

export { CHROOT_ENV, runInRoot } from "./exec";
export { ed25519KeyPair } from "./provision";
export type { HostProfile } from "./rootfs";
export { ensureRootfs } from "./rootfs";

export interface TestHostOptions {
  /** Host and state dir name; default the first free `webops-<profile>-<n>`. */
  name?: string;
  /** deploy's password, and sshd accepts password (and keyboard-interactive) logins. Default: off. */
  password?: string;
  /** Replaces the profile's sudoers text for deploy verbatim (checked with visudo -cf). */
  sudoers?: string;
  /** Public key lines authorized for deploy besides the generated key. */
  authorizedKeys?: readonly string[];
  /** false writes `AllowTcpForwarding no`, so the host refuses to be a jump host. Default: true. */
  allowTcpForwarding?: boolean;
  /** A CPU cgroup's directory for every process of the host (see `SshdOptions.cpuGroup`). */
  cpuGroup?: string;
}

export interface TestHost {
  profile: HostProfile;
  name: string;
  address: string;
  port: number;
  user: string;
  privateKey: string;
  publicKey: string;
  /** The password from the options, when one was given. */
  password?: string;
  /** Fingerprint of the host key sshd offers now; rotateHostKey() changes it. */
  hostKeyFingerprint: string;
  rootDir: string;
  stop(): Promise<void>;
  /** Everything this host's sshd has logged (LogLevel DEBUG1, across restarts), with \n line ends. */
  sshdLog(): Promise<string>;
  /** New ed25519 host key, sshd restarted with it on the same address; returns the new fingerprint. */
  rotateHostKey(): Promise<string>;
  /** Stops the listening sshd: new connections are refused, open ones live on. */
  stopSshd(): Promise<void>;
  /** Starts sshd again after stopSshd() (a no-op while it runs). */
  startSshd(): Promise<void>;
  /** Kills every process of the host except the listening sshd: open connections drop. */
  killConnections(): Promise<void>;
}

/** Hosts this process started, by state dir; the exit hook tears down whatever is still here. */
const live = new Map<string, () => Promise<void>>();
const claimedAddresses = new Set<string>();

/** First 127.0.1.N (N >= 2) that nothing listens on. 127.0.1.1 is Debian's own host-name address. */
async function pickAddress(skip: ReadonlySet<string>): Promise<string> {
  const reserved = reservedAddresses(); // by other processes' hosts, even while their sshd is stopped
  for (let n = 2; n < 255; n++) {
    const address = `127.0.1.${n}`;
    if (claimedAddresses.has(address) || skip.has(address) || reserved.has(address)) continue;
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

export async function startTestHost(profile: HostProfile, opts: TestHostOptions = {}): Promise<TestHost> {
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
    const creds = await installKeys(rootDir, name, opts.authorizedKeys);
    await applySudoers(rootDir, profile, opts.sudoers);
    await setPassword(rootDir, opts.password);
    await prepareSshd(rootDir);
    const settings = sshdSettings({
      passwordAuthentication: opts.password !== undefined,
      allowTcpForwarding: opts.allowTcpForwarding ?? true,
    });

    // Another process may bind the address between our probe and sshd's bind; then take the next one.
    const skip = new Set<string>();
    let started: { sshd: ListeningSshd; sshdOpts: SshdOptions } | undefined;
    for (let attempt = 0; !started; attempt++) {
      const picked = await pickAddress(skip);
      address = picked;
      await recordAddress(dir, picked);
      await writeIdentity(rootDir, name, picked);
      const sshdOpts = {
        root: rootDir,
        name,
        address: picked,
        port: PORT,
        logFile: join(dir, "sshd.log"),
        settings,
        cpuGroup: opts.cpuGroup,
      };
      try {
        started = { sshd: await startSshd(sshdOpts), sshdOpts };
      } catch (err) {
        claimedAddresses.delete(picked);
        if (!(err instanceof AddressInUseError) || attempt >= 10) throw err;
        skip.add(picked);
      }
    }

    const hostAddress = started.sshdOpts.address;
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= destroy().finally(() => {
        live.delete(dir);
        claimedAddresses.delete(hostAddress);
      });
      return stopping;
    };
    live.set(dir, stop);
    const host: TestHost = {
      profile,
      name,
      address: hostAddress,
      port: PORT,
      user: USER,
      ...creds,
      ...(opts.password !== undefined ? { password: opts.password } : {}),
      rootDir,
      stop,
      ...sshdControls(
        started.sshd,
        started.sshdOpts,
        () => stopping !== undefined,
        (fp) => {
          host.hostKeyFingerprint = fp;
        },
      ),
    };
    return host;
  } catch (err) {
    live.delete(dir);
    if (address) claimedAddresses.delete(address);
    await destroy().catch(() => undefined);
    throw err;
  }
}

type SshdControls = Pick<
  TestHost,
  "sshdLog" | "rotateHostKey" | "stopSshd" | "startSshd" | "killConnections"
>;

/** The methods that act on a running host's sshd, one at a time (a restart must not race a stop). */
function sshdControls(
  first: ListeningSshd,
  o: SshdOptions,
  stopped: () => boolean,
  setFingerprint: (fp: string) => void,
): SshdControls {
  let current: ListeningSshd | undefined = first;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(() => {
      if (stopped()) throw new Error(`test host ${o.name} has been stopped`);
      return fn();
    });
    queue = next.catch(() => undefined);
    return next;
  };
  const down = async (): Promise<void> => {
    if (current) await stopSshd(current);
    current = undefined;
  };
  const up = async (): Promise<void> => {
    try {
      current ??= await startSshd(o);
    } catch (err) {
      if (!(err instanceof AddressInUseError)) throw err;
      throw new Error(
        `cannot restart sshd of ${o.name}: something else now listens on ${o.address}:${o.port}`,
      );
    }
  };
  return {
    // sshd -e ends its lines with \r\n.
    sshdLog: async () => (await readFile(o.logFile, "utf8")).replace(/\r\n/g, "\n"),
    stopSshd: () => serial(down),
    startSshd: () => serial(up),
    killConnections: () => serial(() => killRootProcessesExcept(o.root, current?.pid)),
    rotateHostKey: () =>
      serial(async () => {
        const fingerprint = await installHostKey(o.root, o.name);
        await down();
        await up();
        setFingerprint(fingerprint);
        return fingerprint;
      }),
  };
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
