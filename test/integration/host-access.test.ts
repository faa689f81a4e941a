import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { getHost } from "@/lib/hosts/get-host";
import { trustHostKey } from "@/lib/hosts/host-key";
import { createHost, deleteHost, setHostDisabled, updateHost } from "@/lib/hosts/save-host";
import { startHostCheck } from "@/lib/operations/start-host-check";
import { generateEd25519KeyPair } from "@/lib/ssh/keygen";
import { installSlowNvidiaSmi } from "../fixtures/slow-nvidia-smi";
import { startTestHost, stopAllTestHosts } from "../hosts";
import { addHost, runCheck } from "../support/operations";

// Every way of reaching a host, through the real worker to real OpenSSH test hosts.
afterAll(async () => {
  await stopAllTestHosts();
  await disconnectDb();
});

describe("authentication", () => {
  it("logs in with a passphrase-protected key, and refuses a wrong passphrase when the host is saved", async () => {
    const pair = generateEd25519KeyPair({ passphrase: "correct horse" });
    const host = await startTestHost("bare", { authorizedKeys: [pair.public] });
    await expect(addHost(host, { privateKey: pair.private })).rejects.toMatchObject({
      fields: { passphrase: "This key is protected by a passphrase; enter it" },
    });
    await expect(addHost(host, { privateKey: pair.private, passphrase: "wrong" })).rejects.toMatchObject({
      fields: { passphrase: "The passphrase does not open this key" },
    });
    const saved = await addHost(host, { privateKey: pair.private, passphrase: "correct horse" });
    expect(saved.hasPassphrase).toBe(true);
    const { operation } = await runCheck(saved.id);
    expect(operation.error).toBeNull();
    expect(operation.status).toBe("succeeded");
  });

  it("logs in with a password, and says so clearly within 15 s when the password is wrong", async () => {
    const host = await startTestHost("bare", { password: "s3cret pass'word" });
    const good = await addHost(host, { auth: "password", privateKey: "", password: "s3cret pass'word" });
    expect((await runCheck(good.id)).operation.status).toBe("succeeded");
    const bad = await addHost(host, { auth: "password", privateKey: "", password: "not it" });
    const { operation, elapsedMs } = await runCheck(bad.id);
    expect(operation.status).toBe("failed");
    expect(operation.error).toMatch(/^Authentication failed for deploy@.*refused the password/);
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it("generates a key pair whose public line, once authorized, logs in", async () => {
    const host = await startTestHost("bare");
    const saved = await addHost(host, { auth: "generate", privateKey: "" });
    expect(saved.keyGenerated).toBe(true);
    expect(saved.publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/=]+ webops@/);
    const before = await runCheck(saved.id);
    expect(before.operation.error).toMatch(/^Authentication failed/);
    // The operator pastes the line into authorized_keys on the host.
    const other = await startTestHost("bare", { authorizedKeys: [saved.publicKey as string] });
    const moved = await updateHost(saved.id, {
      name: saved.name,
      address: other.address,
      port: other.port,
      username: other.user,
      auth: "key",
      expectedHostKey: other.hostKeyFingerprint,
    });
    expect(moved.publicKey).toBe(saved.publicKey);
    expect((await runCheck(saved.id)).operation.status).toBe("succeeded");
  });
});

describe("jump hosts", () => {
  it("reaches a host through a bastion, which logs the forward", async () => {
    const bastion = await startTestHost("bare");
    const target = await startTestHost("bare");
    const jump = await addHost(bastion);
    const behind = await addHost(target, { jumpHostId: jump.id });
    expect(behind.jumpHost).toEqual({ id: jump.id, name: jump.name });
    const { operation, texts } = await runCheck(behind.id);
    expect(operation.status).toBe("succeeded");
    expect(texts[0]).toContain(`via deploy@${bastion.address}:${bastion.port}`);
    expect(await bastion.sshdLog()).toMatch(
      new RegExp(
        `direct-tcpip.*${target.address.replaceAll(".", "\\.")}.*2222|${target.address.replaceAll(".", "\\.")} port 2222`,
      ),
    );
  });

  it("says the bastion refused to forward, within 15 s", async () => {
    const bastion = await startTestHost("bare", { allowTcpForwarding: false });
    const target = await startTestHost("bare");
    const jump = await addHost(bastion);
    const behind = await addHost(target, { jumpHostId: jump.id });
    const { operation, elapsedMs } = await runCheck(behind.id);
    expect(operation.status).toBe("failed");
    expect(operation.error).toMatch(
      /^The jump host deploy@.* could not open a connection to .*AllowTcpForwarding/,
    );
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it("refuses a jump host chain that loops, and deleting a host others jump through", async () => {
    const host = await startTestHost("bare");
    const a = await addHost(host);
    const b = await addHost(host, { jumpHostId: a.id });
    await expect(
      updateHost(a.id, {
        name: a.name,
        address: a.address,
        port: a.port,
        username: a.username,
        auth: "key",
        jumpHostId: b.id,
      }),
    ).rejects.toMatchObject({ fields: { jumpHostId: expect.stringMatching(/loop/) } });
    await expect(deleteHost(a.id)).rejects.toThrow(new RegExp(`jump host of ${b.name}`));
  });
});

describe("host keys", () => {
  it("stops before sending credentials on first contact, and connects once the operator trusts the key", async () => {
    const host = await startTestHost("bare", { password: "first-contact-pw" });
    const saved = await addHost(host, {
      auth: "password",
      privateKey: "",
      password: "first-contact-pw",
      expectedHostKey: "",
    });
    const first = await runCheck(saved.id);
    expect(first.operation.status).toBe("failed");
    expect(first.operation.error).toContain(
      `Host key not yet trusted for ${saved.name}: it presented ED25519 key ${host.hostKeyFingerprint}`,
    );
    // No authentication was attempted: the password never left the worker.
    expect(await host.sshdLog()).not.toMatch(/Accepted password|Failed password|userauth-request/i);
    const view = await getHost(saved.id);
    expect(view.status).toBe("host_key_unverified");
    expect(view.hostKey.seen).toBe(host.hostKeyFingerprint);
    await trustHostKey(saved.id, host.hostKeyFingerprint);
    expect((await runCheck(saved.id)).operation.status).toBe("succeeded");
    expect((await getHost(saved.id)).hostKey.pinned).toBe(host.hostKeyFingerprint);
  });

  it("refuses a changed host key naming both fingerprints until the new one is approved", async () => {
    const host = await startTestHost("bare");
    const saved = await addHost(host);
    const old = host.hostKeyFingerprint;
    expect((await runCheck(saved.id)).operation.status).toBe("succeeded");
    const fresh = await host.rotateHostKey();
    // As after a reinstall: connections opened before the change are gone (a worker keeps one open).
    await host.killConnections();
    expect(fresh).not.toBe(old);

    const refused = await runCheck(saved.id);
    expect(refused.operation.status).toBe("failed");
    expect(refused.operation.error).toContain(
      `Host key changed for ${saved.name}: expected ${old}, but it presented ED25519 key ${fresh}`,
    );
    const view = await getHost(saved.id);
    expect(view.status).toBe("host_key_changed");
    expect(view.hostKey).toMatchObject({ pinned: old, seen: fresh });
    // Still refused on the next try: nothing changes until the operator approves the new key.
    expect((await runCheck(saved.id)).operation.status).toBe("failed");
    await expect(trustHostKey(saved.id, old)).rejects.toThrow(/now presents/);
    await trustHostKey(saved.id, fresh);
    expect((await runCheck(saved.id)).operation.status).toBe("succeeded");
  });

  it("refuses a host whose key differs from the one pasted up front", async () => {
    const host = await startTestHost("bare");
    const decoy = await startTestHost("bare");
    const saved = await addHost(host, { expectedHostKey: decoy.hostKeyFingerprint });
    const { operation } = await runCheck(saved.id);
    expect(operation.error).toContain(
      `expected ${decoy.hostKeyFingerprint}, but it presented ED25519 key ${host.hostKeyFingerprint}`,
    );
  });
});

describe("connections", () => {
  it("fails a check whose connection drops mid-command with a clear error, not a hang", async () => {
    const host = await startTestHost("bare");
    installSlowNvidiaSmi(host.rootDir, 20);
    const saved = await addHost(host);
    const started = Date.now();
    const checking = runCheck(saved.id);
    // Wait until the facts command runs, then drop every connection from the host's side.
    await expect
      .poll(async () => (await db().operation.findFirst({ where: { hostId: saved.id } }))?.lineCount ?? 0, {
        timeout: 10_000,
      })
      .toBeGreaterThan(2);
    await host.killConnections();
    const { operation } = await checking;
    expect(operation.status).toBe("failed");
    expect(operation.error).toMatch(/^The connection to deploy@.* was lost while running `sh`/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("refuses to check a disabled host, and to delete a host with work queued", async () => {
    const host = await startTestHost("bare");
    const saved = await addHost(host);
    await setHostDisabled(saved.id, true);
    await expect(startHostCheck(saved.id)).rejects.toThrow(/is disabled; enable it/);
    await setHostDisabled(saved.id, false);
    await db().operation.create({ data: { kind: "host_check", hostId: saved.id, status: "running" } });
    await expect(deleteHost(saved.id)).rejects.toThrow(/1 operation\(s\) queued or running/);
  });

  it("refuses a duplicate name and changes nothing", async () => {
    const host = await startTestHost("bare");
    const saved = await addHost(host);
    const before = await db().host.count();
    await expect(
      createHost({
        name: saved.name,
        address: host.address,
        port: host.port,
        username: "deploy",
        auth: "generate",
      }),
    ).rejects.toMatchObject({ code: "conflict", fields: { name: "This name is taken" } });
    expect(await db().host.count()).toBe(before);
  });
});
