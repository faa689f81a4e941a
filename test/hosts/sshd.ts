// Starting the host's sshd and knowing when it really serves: the port answering is not enough (it
// could be another process's sshd on a racing address), so we also wait for our sshd's own log line.
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
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

export interface SshdOptions {
  root: string;
  name: string;
  address: string;
  port: number;
  logFile: string;
}

/** Starts sshd in the chroot and resolves once it listens and sends its banner. */
export async function startSshd(o: SshdOptions): Promise<void> {
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
  ];
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
  let exited: string | undefined;
  child.on("exit", (code, signal) => {
    exited = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  child.on("error", (err) => {
    exited = err.message;
  });

  const listening = `Server listening on ${o.address} port ${o.port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const log = await readFile(o.logFile, "utf8").catch(() => "");
    if (exited !== undefined) {
      if (/Address already in use|Cannot bind any address/.test(log)) throw new AddressInUseError(o.address);
      throw new Error(`sshd for ${o.name} exited (${exited}) before serving:\n${log.trim()}`);
    }
    if (log.includes(listening)) {
      const banner = await readBanner(o.address, o.port);
      if (banner?.startsWith("SSH-") && exited === undefined) return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `sshd for ${o.name} did not serve ${o.address}:${o.port} within ${READY_TIMEOUT_MS / 1000} s:\n${log.trim()}`,
      );
    }
    await sleep(50);
  }
}
