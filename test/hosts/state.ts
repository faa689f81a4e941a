// Per-host state directories: `<state>/<name>/{owner.json, address, upper, work, root, sshd.log}`. A directory
// names its owning process, so a later run (or `cli.ts clean`) can tell a crashed run's leftovers
// from a host another live process is using.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, realpath, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { killRootProcesses, killRootProcessesSync, removeTree } from "./mounts";

export const stateRoot = (): string => process.env.WEBOPS_HOSTS_STATE ?? "/tmp/webops-test-hosts";

interface Owner {
  pid: number;
  startTime: string;
  name: string;
  profile: string;
}

/** Start time of a process (field 22 of /proc/<pid>/stat), to tell a reused pid from the owner. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces; fields after its closing paren are plain.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function readOwner(dir: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, "owner.json"), "utf8")) as Owner;
  } catch {
    return undefined;
  }
}

function ownerAlive(owner: Owner | undefined): boolean {
  return owner !== undefined && startTimeOf(owner.pid) === owner.startTime;
}

/** Kills everything running in a state dir's host, unmounts it and deletes it. */
export async function destroyStateDir(dir: string): Promise<void> {
  await killRootProcesses(join(dir, "root"));
  removeTree(dir);
}

export function destroyStateDirSync(dir: string): void {
  killRootProcessesSync(join(dir, "root"));
  removeTree(dir);
}

const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Reserves a state directory: `opts.name`, or the first free `webops-<profile>-<n>`. The directory
 * is built under a temporary name with owner.json inside, then renamed: rename onto an existing
 * non-empty directory fails, so two processes can never claim the same name.
 */
export async function claimStateDir(profile: string, name?: string): Promise<{ name: string; dir: string }> {
  if (name !== undefined && !NAME_RE.test(name)) {
    throw new Error(`invalid host name ${JSON.stringify(name)}: use lower-case letters, digits and '-'`);
  }
  await mkdir(stateRoot(), { recursive: true });
  // Resolve symlinks once: /proc/<pid>/root shows real paths, and stop() compares against them.
  const root = await realpath(stateRoot());
  const claim = join(root, `.claim-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await mkdir(claim);
  const candidates =
    name !== undefined ? [name] : Array.from({ length: 200 }, (_, i) => `webops-${profile}-${i + 1}`);
  try {
    for (const candidate of candidates) {
      const dir = join(root, candidate);
      const owner: Owner = {
        pid: process.pid,
        startTime: startTimeOf(process.pid) ?? "",
        name: candidate,
        profile,
      };
      await writeFile(join(claim, "owner.json"), `${JSON.stringify(owner)}\n`);
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await rename(claim, dir);
          return { name: candidate, dir };
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
        }
        // Taken. A crashed run's leftover is ours to clean; a live owner's is not.
        if (ownerAlive(readOwner(dir)) || !existsSync(join(dir, "owner.json"))) break;
        await destroyStateDir(dir);
      }
      if (name !== undefined) throw new Error(`test host ${name} is already running (state dir ${dir})`);
    }
  } finally {
    await rm(claim, { recursive: true, force: true });
  }
  throw new Error(`no free test host name under ${root}`);
}

/**
 * Records the host's address in its state dir. An address stays reserved while its owner lives, even
 * while the host's sshd is stopped (stopSshd, rotateHostKey), so no other process's host takes it.
 */
export async function recordAddress(dir: string, address: string): Promise<void> {
  await writeFile(join(dir, "address"), `${address}\n`);
}

/** Addresses recorded by hosts whose owner process is alive (this one's included). */
export function reservedAddresses(): Set<string> {
  const out = new Set<string>();
  const root = stateRoot();
  if (!existsSync(root)) return out;
  for (const entry of readdirSync(root)) {
    const dir = join(root, entry);
    if (!ownerAlive(readOwner(dir))) continue;
    try {
      out.add(readFileSync(join(dir, "address"), "utf8").trim());
    } catch {
      // no address yet
    }
  }
  return out;
}

/**
 * Tears down leftovers of crashed runs: state dirs whose owner process is gone (all of them with
 * `all`, e.g. after a reboot of the owner's container). Returns the directories removed.
 */
export function cleanStateDirs(all: boolean): string[] {
  const root = stateRoot();
  if (!existsSync(root)) return [];
  const removed: string[] = [];
  for (const entry of readdirSync(root)) {
    const dir = join(root, entry);
    const owner = readOwner(dir);
    if (!all && ownerAlive(owner)) continue;
    // A claim dir without owner.json is being written right now by a live process.
    if (!all && owner === undefined && entry.startsWith(".claim-")) continue;
    destroyStateDirSync(dir);
    removed.push(dir);
  }
  return removed;
}
