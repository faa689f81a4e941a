import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db";
import { describeSudo, readStoredFacts } from "@/lib/hosts/facts";
import { startTestHost, stopAllTestHosts, type TestHostOptions } from "../hosts";
import { addHost, runCheck } from "../support/operations";

// Facts through the real worker on each test-host profile; sudo asked with `sudo -n -l` only.
afterAll(async () => {
  await stopAllTestHosts();
  await disconnectDb();
});

async function factsOf(profile: "bare" | "nosudo" | "ready", opts: TestHostOptions = {}) {
  const host = await startTestHost(profile, opts);
  const saved = await addHost(host, { deployPath: "~/webops/models" });
  const { operation, texts } = await runCheck(saved.id);
  expect(operation.error).toBeNull();
  const facts = readStoredFacts(operation.host.facts);
  if (!facts) throw new Error("no facts stored");
  return { facts, texts, host };
}

describe("facts of the test-host profiles", () => {
  it("bare: Debian 12 with apt-get, sudo for the package manager only", async () => {
    const { facts, texts } = await factsOf("bare");
    expect(facts).toMatchObject({
      os: "Debian GNU/Linux 12 (bookworm)",
      osId: "debian",
      distroFamily: "debian",
      packageManager: "apt-get",
      arch: "x86_64",
      user: "deploy",
      python3: expect.stringMatching(/^3\.11\./),
      gpus: [],
      nvidia: null,
    });
    expect(facts.cpuCount).toBeGreaterThan(0);
    expect(facts.memoryKiB).toBeGreaterThan(1024 * 1024);
    // ~/webops/models does not exist yet: its nearest existing parent is measured, and named.
    expect(facts.disk).toMatchObject({
      path: "/home/deploy/webops/models",
      exists: false,
      checkedPath: "/home/deploy",
    });
    expect(facts.disk?.freeKiB).toBeGreaterThan(0);
    expect(facts.sudo).toMatchObject({ mode: "install", reason: "package-manager" });
    expect(describeSudo(facts).canInstall).toBe(true);
    expect(texts.some((t) => t.startsWith("sudo_"))).toBe(true);
  });

  it("nosudo: no sudo rights, said plainly, with the line that would grant them", async () => {
    const { facts } = await factsOf("nosudo");
    expect(facts.sudo).toMatchObject({ mode: "none", reason: "not-in-sudoers" });
    const described = describeSudo(facts);
    expect(described.canInstall).toBe(false);
    expect(described.fix?.sudoersLine).toBe(
      "deploy ALL=(root) NOPASSWD: /usr/bin/apt-get update, /usr/bin/apt-get install *",
    );
  });

  it("ready: the same sudo as bare, the prerequisites' tools present", async () => {
    const { facts } = await factsOf("ready");
    expect(facts.sudo.mode).toBe("install");
    expect(facts.python3).toMatch(/^3\.11\./);
  });

  it("a sudoers line without `*` is reported as not permitted, with the corrected line", async () => {
    const { facts } = await factsOf("bare", {
      sudoers: "deploy ALL=(root) NOPASSWD: /usr/bin/apt-get update, /usr/bin/apt-get install\n",
    });
    expect(facts.sudo).toMatchObject({ mode: "none", reason: "install-without-arguments" });
    const described = describeSudo(facts);
    expect(described.canInstall).toBe(false);
    expect(described.summary).toMatch(
      /^Not permitted: the sudoers line allows `apt-get install` without arguments only/,
    );
    expect(described.fix?.sudoersLine).toBe(
      "deploy ALL=(root) NOPASSWD: /usr/bin/apt-get update, /usr/bin/apt-get install *",
    );
  });

  it("full passwordless sudo is reported as full", async () => {
    const { facts } = await factsOf("bare", { sudoers: "deploy ALL=(ALL) NOPASSWD: ALL\n" });
    expect(facts.sudo).toMatchObject({ mode: "full", reason: "all-commands" });
  });
});
