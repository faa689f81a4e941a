// What the OpenSSH client needs to reach a test host the strict way: the private key in a 0600 file
// and a known_hosts file holding the host's real key, checked against the fingerprint the harness
// reports, so every connection runs with StrictHostKeyChecking=yes.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseExpectedHostKey } from "../../lib/ssh";
import type { TestHost } from "../../test/hosts";
import { runChecked, runTimed, type TRunResult } from "../support/process";

export interface TClientFiles {
  dir: string;
  keyFile: string;
  knownHostsFile: string;
  /** Client options shared by `ssh host true` and Ansible: strict host key, no multiplexing, no config files. */
  sshOptions: string[];
  remove(): Promise<void>;
}

export async function prepareClientFiles(host: TestHost): Promise<TClientFiles> {
  const dir = await mkdtemp(join(tmpdir(), "webops-bench-"));
  try {
    const keyFile = join(dir, "id_ed25519");
    await writeFile(keyFile, host.privateKey.endsWith("\n") ? host.privateKey : `${host.privateKey}\n`, {
      mode: 0o600,
    });
    const knownHostsFile = join(dir, "known_hosts");
    await writeFile(knownHostsFile, await verifiedKnownHosts(host), { mode: 0o600 });
    const sshOptions = [
      "-F",
      "/dev/null",
      ...["-o", "BatchMode=yes"],
      ...["-o", "ControlMaster=no"],
      ...["-o", "StrictHostKeyChecking=yes"],
      ...["-o", `UserKnownHostsFile=${knownHostsFile}`],
      ...["-o", "GlobalKnownHostsFile=/dev/null"],
      ...["-o", "IdentitiesOnly=yes"],
    ];
    return {
      dir,
      keyFile,
      knownHostsFile,
      sshOptions,
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** `ssh-keyscan`'s lines for the host, refused unless every key it offers is the one the harness set. */
async function verifiedKnownHosts(host: TestHost): Promise<string> {
  const scan = await runChecked("ssh-keyscan", ["-T", "5", "-p", String(host.port), host.address], {
    timeoutMs: 15_000,
  });
  const lines = scan.stdout.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));
  if (lines.length === 0) throw new Error(`ssh-keyscan found no host key at ${host.address}:${host.port}`);
  for (const line of lines) {
    const key = parseExpectedHostKey(line);
    if (key?.fingerprint !== host.hostKeyFingerprint) {
      throw new Error(
        `ssh-keyscan at ${host.address}:${host.port} returned a key other than the host's ` +
          `${host.hostKeyFingerprint}: ${line}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** One bare `ssh host true`, a fresh connection with the same key and client options. */
export function sshTrue(host: TestHost, files: TClientFiles): Promise<TRunResult> {
  return runTimed(
    "ssh",
    [
      ...files.sshOptions,
      ...["-i", files.keyFile, "-p", String(host.port), "-l", host.user],
      host.address,
      "true",
    ],
    { timeoutMs: 30_000 },
  );
}
