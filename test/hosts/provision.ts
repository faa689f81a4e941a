// Per-host configuration, written into the host's overlay at start (never into the cache): identity,
// fresh keys and the profile's sudo policy. All of it is small, so a host starts in about a second.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chown, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateEd25519KeyPair } from "../../lib/ssh/keygen";
import { runInRoot } from "./exec";
import type { HostProfile } from "./rootfs";

export const USER = "deploy";

/**
 * The sudo line WebOps documents for operators. Note the trailing `*`: without it sudo allows
 * `apt-get install` with no arguments only, and `sudo -n apt-get install -y pkg` is refused.
 */
export const SUDOERS_LINE = `${USER} ALL=(root) NOPASSWD: /usr/bin/apt-get update, /usr/bin/apt-get install *`;

export interface Credentials {
  privateKey: string;
  publicKey: string;
  hostKeyFingerprint: string;
}

/** `SHA256:<base64, no padding>` of a public key line, exactly as `ssh-keygen -lf` prints it. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error(`not an OpenSSH public key: ${publicKeyLine}`);
  return fingerprintOfBlob(Buffer.from(blob, "base64"));
}

import { fingerprintOf as fingerprintOfBlob } from "../../lib/ssh/host-key";

export { fingerprintOfBlob };

/** A whole Ed25519 key pair (see lib/ssh/keygen.ts for the ssh2 defect it avoids). */
export function ed25519KeyPair(encryption?: { passphrase: string; rounds: number }): {
  private: string;
  public: string;
} {
  return generateEd25519KeyPair(encryption ?? {});
}

/**
 * Replaces a file rather than writing through it: the cached rootfs could hold a symlink at that
 * path (resolv.conf often is one), and writing through an absolute symlink from outside the chroot
 * would land on the machine's own file system.
 */
async function replaceFile(path: string, content: string, mode: number): Promise<void> {
  await rm(path, { force: true });
  await writeFile(path, content, { mode });
}

/** uid/gid of a user in the host's own /etc/passwd (they need not match the machine's). */
async function idsInRoot(root: string, user: string): Promise<{ uid: number; gid: number }> {
  for (const line of (await readFile(join(root, "etc/passwd"), "utf8")).split("\n")) {
    const [name, , uid, gid] = line.split(":");
    if (name === user && uid && gid) return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error(`user ${user} missing from ${root}/etc/passwd`);
}

/** Host name, /etc/hosts (sudo warns when the host name does not resolve) and DNS. */
export async function writeIdentity(root: string, name: string, address: string): Promise<void> {
  await replaceFile(join(root, "etc/hostname"), `${name}\n`, 0o644);
  const old = await readFile(join(root, "etc/hosts"), "utf8").catch(() => "");
  const kept = old.split("\n").filter((l) => l.trim() && !l.split(/\s+/).slice(1).includes(name));
  if (!kept.some((l) => /\blocalhost\b/.test(l)))
    kept.unshift("127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback");
  await replaceFile(join(root, "etc/hosts"), `${[...kept, `${address}\t${name}`].join("\n")}\n`, 0o644);
  await replaceFile(
    join(root, "etc/resolv.conf"),
    await readFile("/etc/resolv.conf", "utf8").catch(() => ""),
    0o644,
  );
}

/** A fresh ed25519 host key (the only one sshd offers); returns its fingerprint. */
export async function installHostKey(root: string, name: string): Promise<string> {
  const hostKey = ed25519KeyPair();
  const hostPub = `${hostKey.public} root@${name}`;
  await replaceFile(join(root, "etc/ssh/ssh_host_ed25519_key"), hostKey.private, 0o600);
  await replaceFile(join(root, "etc/ssh/ssh_host_ed25519_key.pub"), `${hostPub}\n`, 0o644);
  return fingerprintOf(hostPub);
}

/**
 * Fresh host key and user key pair for every host, so tests can tell hosts apart by key. `extraKeys`
 * (public key lines a test brings, e.g. of a passphrase-protected key) are authorized as well.
 */
export async function installKeys(
  root: string,
  name: string,
  extraKeys: readonly string[] = [],
): Promise<Credentials> {
  for (const line of extraKeys) {
    if (!line.trim() || /[\r\n]/.test(line.trim())) {
      throw new Error(`authorizedKeys entries must be single public key lines, got ${JSON.stringify(line)}`);
    }
  }
  const hostKeyFingerprint = await installHostKey(root, name);
  const userKey = ed25519KeyPair();
  const publicKey = `${userKey.public} webops-test@${name}`;
  const { uid, gid } = await idsInRoot(root, USER);
  const sshDir = join(root, "home", USER, ".ssh");
  await rm(sshDir, { recursive: true, force: true });
  await mkdir(sshDir, { mode: 0o700 });
  const lines = [publicKey, ...extraKeys.map((l) => l.trim())];
  await writeFile(join(sshDir, "authorized_keys"), `${lines.join("\n")}\n`, { mode: 0o600 });
  // sshd's StrictModes rejects keys that the user does not own.
  await chown(sshDir, uid, gid);
  await chown(join(sshDir, "authorized_keys"), uid, gid);

  return { privateKey: userKey.private, publicKey, hostKeyFingerprint };
}

/**
 * The sudo policy for deploy: the profile's, or `sudoers` verbatim when given. Checked with the host's
 * own visudo, whose message (file, line, column) an invalid line is rejected with.
 */
export async function applySudoers(root: string, profile: HostProfile, sudoers?: string): Promise<void> {
  const file = join(root, "etc/sudoers.d/webops");
  await rm(file, { force: true });
  const text = sudoers ?? (profile === "nosudo" ? undefined : SUDOERS_LINE);
  if (text === undefined) return;
  await writeFile(file, text.endsWith("\n") || text === "" ? text : `${text}\n`, { mode: 0o440 });
  if (!existsSync(join(root, "usr/sbin/visudo"))) return;
  try {
    await runInRoot(root, ["/usr/sbin/visudo", "-c", "-f", "/etc/sudoers.d/webops"]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // run() puts the command line first; visudo's own lines follow it.
    const detail = message.split("\n").slice(1).join("\n").trim() || message;
    throw new Error(`sudoers rejected by visudo -cf: ${detail}\n(sudoers text: ${JSON.stringify(text)})`);
  }
}

/**
 * Sets deploy's password through chpasswd's stdin (never an argv that `ps` shows). Without one, a
 * random password nobody is told: accounts without one are "locked", which some sshd and PAM setups
 * treat as "no login at all", and a real password keeps `sudo` asking for one on nosudo.
 */
export async function setPassword(root: string, password?: string): Promise<void> {
  if (password !== undefined && (password === "" || /[\r\n]/.test(password))) {
    throw new Error("password must be non-empty and on one line (chpasswd reads user:password lines)");
  }
  const secret = password ?? randomBytes(18).toString("base64url");
  await runInRoot(root, ["chpasswd"], { input: `${USER}:${secret}\n` });
  if (password !== undefined) await withoutPamFailDelay(root);
}

/**
 * pam_unix makes a wrong password cost 2 s (4 s for an ssh2 password login); `nodelay` keeps tests of
 * wrong passwords fast. Only the delay differs from a stock Debian host: the answer is the same.
 */
async function withoutPamFailDelay(root: string): Promise<void> {
  const file = join(root, "etc/pam.d/common-auth");
  const text = await readFile(file, "utf8");
  const patched = text
    .split("\n")
    .map((l) => (/^auth\s.*\bpam_unix\.so\b/.test(l) && !/\bnodelay\b/.test(l) ? `${l} nodelay` : l))
    .join("\n");
  await replaceFile(file, patched, 0o644);
}

/** Runtime bits sshd expects from a booted system. */
export async function prepareSshd(root: string): Promise<void> {
  await mkdir(join(root, "run/sshd"), { recursive: true, mode: 0o755 });
  await rm(join(root, "etc/ssh/sshd_not_to_be_run"), { force: true });
}
