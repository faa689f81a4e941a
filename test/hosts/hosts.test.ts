// Proves the test-host harness: real sshd, per-host keys and sudo policy, file-system isolation and a
// clean stop. Needs root. The first run builds the rootfs caches (a few minutes), later runs reuse them.
//   npx vitest run test/hosts/hosts.test.ts --testTimeout=900000 --hookTimeout=900000
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureRootfs, startTestHost, stopAllTestHosts, type TestHost } from "./index";
import { mountsUnder, pidsWithRoot } from "./mounts";
import { fingerprintOfBlob } from "./provision";
import { canBind } from "./sshd";

const { Client, utils } = ssh2;
const BUILD_TIMEOUT_MS = 15 * 60_000;

interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  hostKey: string;
}

/** Runs one command over SSH as the host's user, recording the host key the server presented. */
function sshExec(host: TestHost, command: string, privateKey = host.privateKey): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let hostKey = "";
    conn
      .on("ready", () => {
        conn.exec(command, (err, stream) => {
          if (err) return reject(err);
          let stdout = "";
          let stderr = "";
          stream.on("data", (d: Buffer) => {
            stdout += d.toString();
          });
          stream.stderr.on("data", (d: Buffer) => {
            stderr += d.toString();
          });
          stream.on("close", (code: number | null) => {
            conn.end();
            resolve({ code, stdout, stderr, hostKey });
          });
        });
      })
      .on("error", reject)
      .connect({
        host: host.address,
        port: host.port,
        username: host.user,
        privateKey,
        readyTimeout: 15_000,
        hostVerifier: (key: Buffer) => {
          hostKey = fingerprintOfBlob(key);
          return hostKey === host.hostKeyFingerprint;
        },
      });
  });
}

/** Everything stop() promises: no mounts, no processes, no state dir, nobody on the port. */
async function expectGone(host: TestHost): Promise<void> {
  const stateDir = dirname(host.rootDir);
  expect(mountsUnder(stateDir)).toEqual([]);
  expect(pidsWithRoot(host.rootDir)).toEqual([]);
  expect(existsSync(stateDir)).toBe(false);
  expect(await canBind(host.address, host.port)).toBe(true);
}

describe("bare and nosudo test hosts", () => {
  let bare: TestHost;
  let nosudo: TestHost;

  beforeAll(async () => {
    // Started together on purpose: concurrent starts must get distinct names and addresses.
    [bare, nosudo] = await Promise.all([startTestHost("bare"), startTestHost("nosudo")]);
  }, BUILD_TIMEOUT_MS);

  afterAll(() => stopAllTestHosts());

  it("gives each host its own name, loopback address and keys", () => {
    expect(bare.address).toMatch(/^127\.0\.1\.\d+$/);
    expect(nosudo.address).toMatch(/^127\.0\.1\.\d+$/);
    expect(bare.address).not.toBe(nosudo.address);
    expect(bare.name).not.toBe(nosudo.name);
    expect(bare.port).toBe(2222);
    expect(bare.user).toBe("deploy");
    expect(bare.hostKeyFingerprint).not.toBe(nosudo.hostKeyFingerprint);
    expect(bare.privateKey).toContain("BEGIN OPENSSH PRIVATE KEY");
    expect(bare.publicKey).toMatch(/^ssh-ed25519 \S+/);
    // The fingerprint is the one ssh-keygen prints, i.e. what an operator compares by eye.
    const keygen = execFileSync("ssh-keygen", [
      "-lf",
      join(bare.rootDir, "etc/ssh/ssh_host_ed25519_key.pub"),
    ]);
    expect(keygen.toString().split(" ")[1]).toBe(bare.hostKeyFingerprint);
  });

  it("accepts the key, presents the reported host key and knows its name", async () => {
    for (const host of [bare, nosudo]) {
      const r = await sshExec(host, "id -un; cat /etc/hostname; hostname");
      expect(r.code).toBe(0);
      expect(r.hostKey).toBe(host.hostKeyFingerprint);
      expect(r.stdout.split("\n")).toEqual(["deploy", host.name, host.name, ""]);
    }
  });

  it("refuses a key it was not given", async () => {
    const stranger = utils.generateKeyPairSync("ed25519").private;
    await expect(sshExec(bare, "true", stranger)).rejects.toThrow(/authentication/i);
  });

  it("lets deploy apt-get install through sudo on bare only", async () => {
    const check = "sudo -n -l /usr/bin/apt-get install -y libgomp1";
    const onBare = await sshExec(bare, check);
    expect(onBare.code).toBe(0);
    expect(onBare.stdout).toContain("/usr/bin/apt-get install -y libgomp1");
    const onNosudo = await sshExec(nosudo, check);
    expect(onNosudo.code).not.toBe(0);
    expect(onNosudo.stderr).toMatch(/password is required/);
    // The sudoers line allows apt-get only, not a root shell.
    expect((await sshExec(bare, "sudo -n -l /bin/sh")).code).not.toBe(0);
  });

  it("keeps the host's file system apart from the machine and the cache", async () => {
    const file = `/tmp/webops-isolation-${randomBytes(6).toString("hex")}`;
    const r = await sshExec(bare, `echo from-host > ${file} && cat ${file}`);
    expect(r.stdout).toBe("from-host\n");
    expect(readFileSync(join(bare.rootDir, file), "utf8")).toBe("from-host\n");
    expect(existsSync(file)).toBe(false); // the machine's /tmp
    expect(existsSync(join(await ensureRootfs("bare"), file))).toBe(false); // the shared cache
    expect(existsSync(join(nosudo.rootDir, file))).toBe(false); // the other host
  });

  it("stop() kills the host's processes and leaves no mount or state behind", async () => {
    for (const host of [bare, nosudo]) {
      // A detached process outlives its SSH session: stop() must find it by its root, not its parent.
      await sshExec(host, "setsid sleep 600 </dev/null >/dev/null 2>&1 &");
      expect(pidsWithRoot(host.rootDir).length).toBeGreaterThanOrEqual(2); // sshd + sleep
      await host.stop();
      await expectGone(host);
      await host.stop(); // idempotent
    }
  });
});

describe("ready test host", () => {
  let ready: TestHost;

  beforeAll(async () => {
    ready = await startTestHost("ready");
  }, BUILD_TIMEOUT_MS);

  afterAll(() => stopAllTestHosts());

  it("has the build prerequisites installed", async () => {
    for (const command of ["gcc --version", "cmake --version", "ls /usr/include/numa.h", "ninja --version"]) {
      const r = await sshExec(ready, command);
      expect(r.code, `${command}: ${r.stderr}`).toBe(0);
    }
    expect((await sshExec(ready, "python3 -m venv /tmp/venv && /tmp/venv/bin/pip --version")).code).toBe(0);
    expect((await sshExec(ready, "sudo -n -l /usr/bin/apt-get install -y libgomp1")).code).toBe(0);
  });

  it("stops cleanly", async () => {
    await ready.stop();
    await expectGone(ready);
  });
});
