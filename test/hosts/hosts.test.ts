// Proves the test-host harness: real sshd, per-host keys and sudo policy, file-system isolation and a
// clean stop. Needs root. The first run builds the rootfs caches (a few minutes), later runs reuse them.
//   npx vitest run --project hosts   (vitest project "hosts": no PostgreSQL, Redis or web app needed)
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ed25519KeyPair, ensureRootfs, startTestHost, stopAllTestHosts, type TestHost } from "./index";
import { mountsUnder, pidsWithRoot } from "./mounts";
import { fingerprintOfBlob } from "./provision";
import { canBind } from "./sshd";
import { stateRoot } from "./state";

const { Client } = ssh2;
const BUILD_TIMEOUT_MS = 15 * 60_000;

interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  hostKey: string;
}

/** How to log in: the host's own key unless a test says otherwise; `sock` to go through a jump host. */
type Login = Pick<ssh2.ConnectConfig, "privateKey" | "passphrase" | "password" | "authHandler" | "sock">;

interface Session {
  conn: ssh2.Client;
  /** Fingerprint of the host key the server presented. */
  hostKey: string;
}

/** Connects as the host's user; the host key must be `expectedKey` (the host's current one by default). */
function open(host: TestHost, login?: Login, expectedKey = host.hostKeyFingerprint): Promise<Session> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let hostKey = "";
    conn
      .on("ready", () => resolve({ conn, hostKey }))
      .on("error", reject)
      .connect({
        host: host.address,
        port: host.port,
        username: host.user,
        ...(login ?? { privateKey: host.privateKey }),
        readyTimeout: 15_000,
        hostVerifier: (key: Buffer) => {
          hostKey = fingerprintOfBlob(key);
          return hostKey === expectedKey;
        },
      });
  });
}

/** Runs one command on an open connection. */
function execOn(conn: ssh2.Client, command: string): Promise<Omit<ExecResult, "hostKey">> {
  return new Promise((resolve, reject) => {
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
      stream.on("close", (code: number | null) => resolve({ code, stdout, stderr }));
    });
  });
}

/** Runs one command over SSH as the host's user, recording the host key the server presented. */
async function sshExec(host: TestHost, command: string, login?: Login): Promise<ExecResult> {
  const { conn, hostKey } = await open(host, login);
  try {
    return { ...(await execOn(conn, command)), hostKey };
  } finally {
    conn.end();
  }
}

/** A direct-tcpip channel through `conn`'s server to address:port (what ProxyJump does). */
function forwardOut(conn: ssh2.Client, address: string, port: number): Promise<ssh2.ClientChannel> {
  return new Promise((resolve, reject) => {
    conn.forwardOut("127.0.0.1", 0, address, port, (err, channel) => (err ? reject(err) : resolve(channel)));
  });
}

/** The authentication methods the server offers after a "none" attempt. */
async function offeredMethods(host: TestHost): Promise<string[]> {
  let offered: string[] = [];
  const authHandler: ssh2.AuthHandlerMiddleware = (left) => {
    if (!left) return { type: "none", username: host.user };
    offered = left;
    return false; // give up: we only wanted the list
  };
  await open(host, { authHandler }).then(
    ({ conn }) => conn.end(),
    () => undefined,
  );
  return offered;
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
    const stranger = ed25519KeyPair().private;
    await expect(sshExec(bare, "true", { privateKey: stranger })).rejects.toThrow(/authentication/i);
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

const PASSWORD = "correct horse battery staple";
const APT_WITHOUT_STAR = "deploy ALL=(root) NOPASSWD: /usr/bin/apt-get update, /usr/bin/apt-get install";
const FULL_SUDO = "deploy ALL=(ALL) NOPASSWD: ALL";

describe("startTestHost options", () => {
  let plain: TestHost;
  let withPassword: TestHost;
  let aptWithoutStar: TestHost;
  let fullSudo: TestHost;
  let withExtraKey: TestHost;
  // A key the test brings itself, as an operator would paste it: passphrase-protected.
  const passphrase = "open sesame";
  // Few bcrypt rounds: ssh2 decrypts the key in JavaScript on every login.
  const ownKey = ed25519KeyPair({ passphrase, rounds: 2 });

  beforeAll(async () => {
    [plain, withPassword, aptWithoutStar, fullSudo, withExtraKey] = await Promise.all([
      startTestHost("bare"),
      startTestHost("bare", { password: PASSWORD }),
      startTestHost("nosudo", { sudoers: APT_WITHOUT_STAR }), // replaces "no sudo" as well
      startTestHost("bare", { sudoers: FULL_SUDO }),
      startTestHost("bare", { authorizedKeys: [`${ownKey.public} operator@laptop`] }),
    ]);
  }, BUILD_TIMEOUT_MS);

  afterAll(() => stopAllTestHosts());

  it("accepts password logins only when started with a password", async () => {
    expect(await offeredMethods(plain)).toEqual(["publickey"]);
    expect(await offeredMethods(withPassword)).toEqual(
      expect.arrayContaining(["publickey", "password", "keyboard-interactive"]),
    );
    expect((await sshExec(withPassword, "id -un", { password: PASSWORD })).stdout).toBe("deploy\n");
    const keyboard: ssh2.KeyboardInteractiveAuthMethod = {
      type: "keyboard-interactive",
      username: "deploy",
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => PASSWORD)),
    };
    expect((await sshExec(withPassword, "id -un", { authHandler: [keyboard] })).stdout).toBe("deploy\n");
    await expect(sshExec(withPassword, "true", { password: "wrong" })).rejects.toThrow(/authentication/i);
    await expect(sshExec(plain, "true", { password: PASSWORD })).rejects.toThrow(/authentication/i);
    expect(withPassword.password).toBe(PASSWORD);
    expect(await withPassword.sshdLog()).toContain("Accepted password for deploy from 127.0.0.1");
  });

  it("puts the sudoers option in place of the profile's line", async () => {
    const listed = await sshExec(aptWithoutStar, "sudo -n -l");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("(root) NOPASSWD: /usr/bin/apt-get update, /usr/bin/apt-get install\n");
    // Without the trailing `*`, only a bare `apt-get install` is allowed (ENVIRONMENT.md).
    expect((await sshExec(aptWithoutStar, "sudo -n -l /usr/bin/apt-get install")).code).toBe(0);
    expect((await sshExec(aptWithoutStar, "sudo -n -l /usr/bin/apt-get install -y libgomp1")).code).not.toBe(
      0,
    );

    const root = await sshExec(fullSudo, "sudo -n id -un");
    expect(root.stdout).toBe("root\n");
    expect((await sshExec(fullSudo, "sudo -n -l")).stdout).toContain("(ALL) NOPASSWD: ALL");

    const file = join(fullSudo.rootDir, "etc/sudoers.d/webops");
    expect(readFileSync(file, "utf8")).toBe(`${FULL_SUDO}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o440);
  });

  it("rejects an invalid sudoers text with visudo's message and leaves nothing behind", async () => {
    const name = `webops-bad-sudoers-${process.pid}`;
    await expect(
      startTestHost("bare", { name, sudoers: "deploy ALL=(root) NOPASSWD /usr/bin/true" }),
    ).rejects.toThrow(/visudo[\s\S]*syntax error/);
    expect(existsSync(join(stateRoot(), name))).toBe(false);
  });

  it("authorizes extra public keys besides its own", async () => {
    const viaOwnKey = await sshExec(withExtraKey, "id -un", { privateKey: ownKey.private, passphrase });
    expect(viaOwnKey.stdout).toBe("deploy\n");
    expect((await sshExec(withExtraKey, "id -un")).stdout).toBe("deploy\n"); // the generated key still works
    await expect(sshExec(plain, "true", { privateKey: ownKey.private, passphrase })).rejects.toThrow(
      /authentication/i,
    );
  });
});

describe("jump hosts", () => {
  let jump: TestHost;
  let noForwarding: TestHost;
  let target: TestHost;

  beforeAll(async () => {
    [jump, noForwarding, target] = await Promise.all([
      startTestHost("bare"),
      startTestHost("bare", { allowTcpForwarding: false }),
      startTestHost("bare"),
    ]);
  }, BUILD_TIMEOUT_MS);

  afterAll(() => stopAllTestHosts());

  it("reaches another host through forwardOut, and the jump host's sshd log shows the forward", async () => {
    const { conn } = await open(jump);
    try {
      const channel = await forwardOut(conn, target.address, target.port);
      const r = await sshExec(target, "hostname", { privateKey: target.privateKey, sock: channel });
      expect(r.stdout).toBe(`${target.name}\n`);
      expect(r.hostKey).toBe(target.hostKeyFingerprint);
    } finally {
      conn.end();
    }
    const forwards = (await jump.sshdLog())
      .split("\n")
      .filter((l) => l.includes("server_request_direct_tcpip: originator"));
    expect(forwards).toEqual([
      `debug1: server_request_direct_tcpip: originator 127.0.0.1 port 0, target ${target.address} port 2222`,
    ]);
  });

  it("refuses forwardOut when started with allowTcpForwarding: false", async () => {
    const { conn } = await open(noForwarding);
    try {
      await expect(forwardOut(conn, target.address, target.port)).rejects.toThrow(/open failed/);
      expect((await execOn(conn, "true")).code).toBe(0); // the connection itself stays usable
    } finally {
      conn.end();
    }
    expect(await noForwarding.sshdLog()).toContain(
      `refused local port forward: originator 127.0.0.1 port 0, target ${target.address} port 2222`,
    );
  });
});

describe("sshd lifecycle", () => {
  let host: TestHost;

  beforeAll(async () => {
    host = await startTestHost("bare");
  }, BUILD_TIMEOUT_MS);

  afterAll(() => stopAllTestHosts());

  it("rotateHostKey restarts sshd with a new key, which is what a hostVerifier sees", async () => {
    const before = host.hostKeyFingerprint;
    const after = await host.rotateHostKey();
    expect(after).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(after).not.toBe(before);
    expect(host.hostKeyFingerprint).toBe(after);
    const keygen = execFileSync("ssh-keygen", [
      "-lf",
      join(host.rootDir, "etc/ssh/ssh_host_ed25519_key.pub"),
    ]);
    expect(keygen.toString().split(" ")[1]).toBe(after);
    expect((await sshExec(host, "true")).hostKey).toBe(after);
    await expect(open(host, undefined, before)).rejects.toThrow(/verification failed/i);
  });

  it("stopSshd refuses new connections but keeps open ones; startSshd serves again", async () => {
    const { conn } = await open(host);
    try {
      await host.stopSshd();
      await expect(sshExec(host, "true")).rejects.toThrow(/ECONNREFUSED/);
      expect((await execOn(conn, "echo still here")).stdout).toBe("still here\n");
    } finally {
      conn.end();
    }
    await host.startSshd();
    expect((await sshExec(host, "true")).code).toBe(0);
  });

  it("killConnections drops open connections: a running command's channel closes without a status", async () => {
    const { conn } = await open(host);
    const connClosed = new Promise<void>((resolve) => conn.once("close", () => resolve()));
    conn.on("error", () => undefined); // a reset may surface as an error too; the close is what counts
    let killed: Promise<void> | undefined;
    const channelClosed = new Promise<unknown>((resolve, reject) => {
      conn.exec("echo started; sleep 60", (err, stream) => {
        if (err) return reject(err);
        stream.on("data", () => {
          killed ??= host.killConnections(); // once the command runs
        });
        stream.on("close", (code: unknown) => resolve(code));
      });
    });
    expect(await channelClosed).toBeUndefined(); // no exit status: the host went away mid-command
    await connClosed;
    // The channel closes as soon as the first SIGKILL lands; killConnections returns once nothing is left.
    await killed;
    expect(pidsWithRoot(host.rootDir)).toHaveLength(1); // the listener, which still serves
    expect((await sshExec(host, "true")).code).toBe(0);
  });

  it("stops cleanly after restarts", async () => {
    await host.stop();
    await expectGone(host);
    await expect(host.startSshd()).rejects.toThrow(/stopped/);
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
