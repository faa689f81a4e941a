// Starting the host's sshd and knowing when it really serves: the port answering is not enough (it
// could be another process's sshd on a racing address), so we also wait for our sshd's own log line.
import { spawn } from "node:child_process";
import { closeSync, openSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { CHROOT_ENV, sleep } from "./exec";

export const PORT = 2222;
const READY_TIMEOUT_MS = 15_000;

/** Thrown when another process took the address between our probe and sshd's bind. */
export class AddressInUseError extends Error {}

/** True when nothing listens on address:port (we can bind it ourselves). */
export function canBind(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Reads the first line the server sends, e.g. `SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u7`. */
function readBanner(address: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port });
    let data = "";
    const done = (v: string | undefined): void => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(2000, () => done(undefined));
    sock.on("error", () => done(undefined));
    sock.on("data", (d: Buffer) => {
      data += d.toString("latin1");
      const nl = data.indexOf("\n");
      if (nl >= 0) done(data.slice(0, nl).trim());
    });
  });
}

/*
 * sshd runs in its own UTS namespace with the host's name, so `hostname` on the test host answers like
 * a real machine (a bare chroot would report the test machine's name). The script is fixed text; the
 * name and sshd's argv arrive as positional parameters and are never parsed by the shell.
 */
const SET_HOSTNAME_THEN_EXEC = 'printf %s "$1" > /proc/sys/kernel/hostname && shift && exec "$@"';

/** What a host's sshd allows, from startTestHost's options. */
export interface SshdPolicy {
  passwordAuthentication: boolean;
  allowTcpForwarding: boolean;
}

/**
 * sshd_config settings for a policy. LogLevel DEBUG1 because VERBOSE does not log an allowed jump-host
 * forward; DEBUG1 logs "server_request_direct_tcpip: originator <ip> port <n>, target <ip> port <n>"
 * (about 130 lines, 7 KB per connection; the log goes away with the host).
 */
export function sshdSettings(p: SshdPolicy): string[] {
  const passwords = p.passwordAuthentication ? "yes" : "no";
  return [
    `PasswordAuthentication=${passwords}`,
    // PAM's password prompt, for clients that offer keyboard-interactive rather than password.
    `KbdInteractiveAuthentication=${passwords}`,
    `AllowTcpForwarding=${p.allowTcpForwarding ? "yes" : "no"}`,
    "LogLevel=DEBUG1",
  ];
}

export interface SshdOptions {
  root: string;
  name: string;
  address: string;
  port: number;
  logFile: string;
  /** sshd_config settings as `Key=value`, passed with -o (they win over the host's sshd_config). */
  settings: readonly string[];
  /**
   * A CPU cgroup's directory the listening sshd joins as it starts: its sessions, and whatever they
   * start, belong to it too (benchmarks give their test hosts a low share of the CPU this way).
   */
  cpuGroup?: string;
}

/** The listening sshd of one host: the process we spawned (unshare, chroot and sh exec into it). */
export interface ListeningSshd {
  pid: number;
  /** Resolves when the listener has exited. */
  exited: Promise<void>;
}

/** Byte size of the log now; readiness is judged on what sshd writes after it (restarts share a log). */
function logSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

const logSince = async (path: string, offset: number): Promise<string> =>
  (await readFile(path).catch(() => Buffer.alloc(0))).subarray(offset).toString("utf8");

/** Starts sshd in the chroot and resolves once it listens and sends its banner. */
export async function startSshd(o: SshdOptions): Promise<ListeningSshd> {
  const sshdArgs = [
    "/usr/sbin/sshd",
    "-D", // stay a child of ours (no daemonizing), so a failed start is an exit we can see
    "-e", // log to stderr, i.e. our log file
    "-p",
    String(o.port),
    "-h",
    "/etc/ssh/ssh_host_ed25519_key", // offer only the key whose fingerprint we report
    "-o",
    `ListenAddress=${o.address}`,
    "-o",
    "PidFile=none",
    // Integration tests and benchmarks open many connections at once; the default 10:30:100 drops them.
    "-o",
    "MaxStartups=200",
    "-o",
    "MaxSessions=100",
    ...o.settings.flatMap((s) => ["-o", s]),
  ];
  const offset = logSize(o.logFile);
  const out = openSync(o.logFile, "a");
  const child = spawn(
    "unshare",
    ["--uts", "chroot", o.root, "/bin/sh", "-c", SET_HOSTNAME_THEN_EXEC, "sh", o.name, ...sshdArgs],
    // Own process group and no pipes to us: our stop() decides sshd's lifetime, not a Ctrl-C on the
    // terminal, and a host left running never keeps the Node process alive.
    { env: CHROOT_ENV, stdio: ["ignore", out, out], detached: true },
  );
  closeSync(out);
  child.unref();
  // unshare execs chroot, sh and sshd in turn: one process, which has forked nothing yet.
  if (o.cpuGroup && child.pid !== undefined) {
    try {
      writeFileSync(join(o.cpuGroup, "cgroup.procs"), String(child.pid));
    } catch (err) {
      // Exited already (ESRCH): its exit is reported below as any failed start is.
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") {
        child.kill("SIGKILL");
        throw err;
      }
    }
  }
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exited = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
    child.on("error", (err) => {
      exited = err.message;
      resolve();
    });
  });

  const listening = `Server listening on ${o.address} port ${o.port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const log = await logSince(o.logFile, offset);
    if (exited !== undefined) {
      if (/Address already in use|Cannot bind any address/.test(log)) throw new AddressInUseError(o.address);
      throw new Error(`sshd for ${o.name} exited (${exited}) before serving:\n${log.trim()}`);
    }
    if (log.includes(listening)) {
      const banner = await readBanner(o.address, o.port);
      if (banner?.startsWith("SSH-") && exited === undefined && child.pid !== undefined) {
        return { pid: child.pid, exited: exitedPromise };
      }
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(
        `sshd for ${o.name} did not serve ${o.address}:${o.port} within ${READY_TIMEOUT_MS / 1000} s:\n${log.trim()}`,
      );
    }
    await sleep(50);
  }
}

/**
 * Stops the listener only. Connections already open live on in their own per-connection processes
 * (sshd puts each in its own session), as on a real host after `systemctl stop ssh`.
 */
export async function stopSshd(sshd: ListeningSshd): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(sshd.pid, sig);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const killed = sleep(2000).then(() => "timeout" as const);
  if ((await Promise.race([sshd.exited, killed])) === "timeout") {
    signal("SIGKILL");
    await sshd.exited;
  }
}
