// Re-records the facts fixtures in test/fixtures/recorded/ (needs root: it starts SSH test hosts).
//   npx tsx scripts/record-facts.ts            every test host below, then the script copy
//   npx tsx scripts/record-facts.ts script     only test/fixtures/recorded/facts-script.sh
// Each recording is the exact stdout of FACTS_SCRIPT run over real SSH (ssh2, host key checked) on a
// real OpenSSH test host with a real sudo; only the host's sudo policy differs between recordings.
import { writeFileSync } from "node:fs";
import { chmod, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import ssh2 from "ssh2";
import { FACTS_SCRIPT, factsCommand } from "../lib/hosts/facts";
import { toShell } from "../lib/ssh/command";
import { runInRoot } from "../test/hosts/exec";
import { type HostProfile, startTestHost, type TestHost } from "../test/hosts/index";
import { fingerprintOfBlob } from "../test/hosts/provision";

const OUT = new URL("../test/fixtures/recorded/", import.meta.url);

interface Recording {
  file: string;
  profile: HostProfile;
  deployPath: string;
  /** Replaces /etc/sudoers.d/webops (mode 0440, checked with the host's visudo). */
  sudoers?: string;
  /** Makes the host differ in one more way before the script runs. */
  prepare?: (root: string) => Promise<void>;
}

const joinSudoGroup = (root: string) =>
  runInRoot(root, ["usermod", "-a", "-G", "sudo", "deploy"]).then(() => {});

const RECORDINGS: readonly Recording[] = [
  // The harness's profiles as they are.
  { file: "facts-bare.txt", profile: "bare", deployPath: "~/webops/deployments" },
  { file: "facts-nosudo.txt", profile: "nosudo", deployPath: "/srv/webops" },
  { file: "facts-ready.txt", profile: "ready", deployPath: "~" },
  // The sudoers line of WebOps' old prerequisites page: `install` without its `*`.
  {
    file: "facts-sudo-no-star.txt",
    profile: "bare",
    deployPath: "/opt/webops/models",
    sudoers: "deploy ALL=(root) NOPASSWD: /usr/bin/apt-get update, /usr/bin/apt-get install",
  },
  {
    file: "facts-sudo-all.txt",
    profile: "bare",
    deployPath: "/tmp",
    sudoers: "deploy ALL=(ALL) NOPASSWD: ALL",
  },
  // Debian's `%sudo ALL=(ALL:ALL) ALL` and nothing else: sudo works, with a password.
  { file: "facts-sudo-password.txt", profile: "nosudo", deployPath: "~/webops", prepare: joinSudoGroup },
  // In the sudo group and the documented NOPASSWD line: packages yes, a root shell only with a password.
  {
    file: "facts-sudo-group-and-nopasswd.txt",
    profile: "bare",
    deployPath: "~/webops",
    prepare: joinSudoGroup,
  },
  // The NOPASSWD line followed by a rule that wants a password: the last match wins, so it asks.
  {
    file: "facts-sudo-password-rule-last.txt",
    profile: "bare",
    deployPath: "~/webops",
    sudoers:
      "deploy ALL=(root) NOPASSWD: /usr/bin/apt-get update, /usr/bin/apt-get install *\ndeploy ALL=(ALL) ALL",
  },
  // No sudo binary at all (minimal images, containers).
  {
    file: "facts-sudo-missing.txt",
    profile: "bare",
    deployPath: "~/webops",
    prepare: (root) => rm(join(root, "usr/bin/sudo"), { force: true }),
  },
];

async function writeSudoers(root: string, text: string): Promise<void> {
  const file = join(root, "etc/sudoers.d/webops");
  await rm(file, { force: true });
  await writeFile(file, `${text}\n`, { mode: 0o440 });
  await chmod(file, 0o440);
  await runInRoot(root, ["/usr/sbin/visudo", "-c", "-f", "/etc/sudoers.d/webops"]);
}

/** Runs the facts command over SSH exactly as the worker does: toShell(command), script on stdin. */
function runFacts(
  host: TestHost,
  deployPath: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const command = factsCommand(deployPath, 60_000);
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client
      .on("ready", () => {
        client.exec(toShell(command), (err, stream) => {
          if (err) return reject(err);
          let stdout = "";
          let stderr = "";
          stream.on("data", (d: Buffer) => {
            stdout += d.toString("utf8");
          });
          stream.stderr.on("data", (d: Buffer) => {
            stderr += d.toString("utf8");
          });
          stream.on("close", (code: number | null) => {
            client.end();
            resolve({ stdout, stderr, code: code ?? -1 });
          });
          stream.end(command.stdin);
        });
      })
      .on("error", reject)
      .connect({
        host: host.address,
        port: host.port,
        username: host.user,
        privateKey: host.privateKey,
        hostVerifier: (key: Buffer) => fingerprintOfBlob(key) === host.hostKeyFingerprint,
        readyTimeout: 20_000,
      });
  });
}

async function record(r: Recording): Promise<void> {
  const host = await startTestHost(r.profile);
  try {
    if (r.sudoers !== undefined) await writeSudoers(host.rootDir, r.sudoers);
    await r.prepare?.(host.rootDir);
    const started = Date.now();
    const { stdout, stderr, code } = await runFacts(host, r.deployPath);
    if (code !== 0 || !stdout.endsWith("facts=done\n")) {
      throw new Error(`${r.file}: exit ${code}\n${stdout}\n${stderr}`);
    }
    writeFileSync(new URL(r.file, OUT), stdout);
    if (stderr) process.stderr.write(`${r.file} stderr:\n${stderr}\n`);
    console.log(
      `${r.file}: ${stdout.split("\n").length - 1} lines in ${Date.now() - started} ms (${host.name})`,
    );
  } finally {
    await host.stop();
  }
}

function writeScriptCopy(): void {
  writeFileSync(new URL("facts-script.sh", OUT), FACTS_SCRIPT);
  console.log("facts-script.sh written");
}

async function main(): Promise<void> {
  writeScriptCopy();
  if (process.argv[2] === "script") return;
  const only = process.argv.slice(2);
  // Every change to a host lands in its own overlay and goes with stop(); the cached rootfs stays.
  for (const r of RECORDINGS) if (only.length === 0 || only.includes(r.file)) await record(r);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
