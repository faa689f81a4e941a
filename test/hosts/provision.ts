// Per-host configuration, written into the host's overlay at start (never into the cache): identity,
// fresh keys and the profile's sudo policy. All of it is small, so a host starts in about a second.
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chown, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import ssh2 from "ssh2";
import { runInRoot } from "./exec";
import type { HostProfile } from "./rootfs";

// ssh2 is CommonJS; Node's ESM loader cannot see its named exports, so take `utils` off the default.
const { utils } = ssh2;

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

export function fingerprintOfBlob(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
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

/** Fresh host key and user key pair for every host, so tests can tell hosts apart by key. */
export async function installKeys(root: string, name: string): Promise<Credentials> {
  const hostKey = utils.generateKeyPairSync("ed25519");
  const hostPub = `${hostKey.public} root@${name}`;
  await replaceFile(join(root, "etc/ssh/ssh_host_ed25519_key"), hostKey.private, 0o600);
  await replaceFile(join(root, "etc/ssh/ssh_host_ed25519_key.pub"), `${hostPub}\n`, 0o644);

  const userKey = utils.generateKeyPairSync("ed25519");
  const publicKey = `${userKey.public} webops-test@${name}`;
  const { uid, gid } = await idsInRoot(root, USER);
  const sshDir = join(root, "home", USER, ".ssh");
  await rm(sshDir, { recursive: true, force: true });
  await mkdir(sshDir, { mode: 0o700 });
  await writeFile(join(sshDir, "authorized_keys"), `${publicKey}\n`, { mode: 0o600 });
  // sshd's StrictModes rejects keys that the user does not own.
  await chown(sshDir, uid, gid);
  await chown(join(sshDir, "authorized_keys"), uid, gid);

  return { privateKey: userKey.private, publicKey, hostKeyFingerprint: fingerprintOf(hostPub) };
}

/** Profile-specific sudo policy, checked with the host's own visudo. */
export async function applyProfile(root: string, profile: HostProfile): Promise<void> {
  const file = join(root, "etc/sudoers.d/webops");
  await rm(file, { force: true });
  if (profile === "nosudo") return;
  await writeFile(file, `${SUDOERS_LINE}\n`, { mode: 0o440 });
  if (existsSync(join(root, "usr/sbin/visudo"))) {
    await runInRoot(root, ["/usr/sbin/visudo", "-c", "-q", "-f", "/etc/sudoers.d/webops"]);
  }
}

/**
 * A random password nobody is told: accounts without one are "locked", which some sshd and PAM
 * setups treat as "no login at all", and a real password keeps `sudo` asking for one on nosudo.
 */
export async function setRandomPassword(root: string): Promise<void> {
  await runInRoot(root, ["chpasswd"], { input: `${USER}:${randomBytes(18).toString("base64url")}\n` });
}

/** Runtime bits sshd expects from a booted system. */
export async function prepareSshd(root: string): Promise<void> {
  await mkdir(join(root, "run/sshd"), { recursive: true, mode: 0o755 });
  await rm(join(root, "etc/ssh/sshd_not_to_be_run"), { force: true });
}
