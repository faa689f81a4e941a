import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db";
import { SshConnection } from "@/lib/ssh";
import { buildNativeFixture } from "../fixtures/native-build";
import { runInRoot, startTestHost, stopAllTestHosts, type TestHost } from "../hosts";
import { addHost, runCheck, runPrerequisitesOf } from "../support/operations";

// Prerequisites on real test hosts through the real worker: apt and sudo for real, every line in
// the log, and a native build (CMake + Ninja + Python.h + numa.h + OpenMP) as the proof.
const CPU_SOURCE_APT = [
  "build-essential",
  "cmake",
  "ninja-build",
  "python3-dev",
  "libnuma-dev",
  "libgomp1",
  "git",
  "python3-venv",
  "python3-pip",
];

afterAll(async () => {
  await stopAllTestHosts();
  await disconnectDb();
});

async function connect(host: TestHost): Promise<SshConnection> {
  return SshConnection.open(
    {
      name: host.name,
      address: host.address,
      port: host.port,
      username: host.user,
      auth: { kind: "key", privateKey: host.privateKey },
      hostKeyFingerprint: host.hostKeyFingerprint,
    },
    { connectTimeoutMs: 10_000 },
  );
}

const execRequests = async (host: TestHost) => ((await host.sshdLog()).match(/request exec/g) ?? []).length;

describe("prerequisites for the vLLM CPU build", () => {
  it("bare host: all missing, installed through sudo (waiting out a held apt lock), checked again; the native build then works", async () => {
    const host = await startTestHost("bare");
    const saved = await addHost(host);
    // Another process holds apt's and dpkg's locks for the first seconds, as unattended-upgrades would.
    const holder = runInRoot(host.rootDir, [
      "python3",
      "-c",
      "import fcntl,time\nfs=[open(p,'w') for p in ('/var/lib/apt/lists/lock','/var/lib/dpkg/lock-frontend','/var/lib/dpkg/lock')]\nfor f in fs: fcntl.lockf(f, fcntl.LOCK_EX)\ntime.sleep(8)",
    ]);
    await new Promise((r) => setTimeout(r, 500));
    const { operation, texts, result } = await runPrerequisitesOf(saved.id, {
      profile: "cpu-source",
      mode: "install",
    });
    await holder;
    expect(operation.error).toBeNull();
    expect(operation.status).toBe("succeeded");
    // Every item was missing at first, and exactly those packages were installed.
    for (const pkg of CPU_SOURCE_APT) expect(texts).toContain(`pkg:${pkg}=missing`);
    expect(result.installed).toEqual(CPU_SOURCE_APT);
    expect(texts.some((t) => /busy \(another process holds its lock\); trying again/.test(t))).toBe(true);
    expect(texts).toContain(`$ sudo -n /usr/bin/apt-get install -y ${CPU_SOURCE_APT.join(" ")}`);
    expect(texts.some((t) => /^Setting up libnuma-dev/.test(t))).toBe(true);
    expect(result.report?.state).toBe("ready");
    expect(result.report?.items.every((i) => i.state === "ok")).toBe(true);
    expect(operation.host.prereqState).toBe("ready");
    // Debian 12's gcc is 12.2: below vLLM's 12.3, said plainly with the ways out.
    expect(result.report?.minimums.find((m) => m.id === "gcc")).toMatchObject({
      state: "not_met",
      found: "12.2.0",
    });
    expect(result.report?.wayOut).toMatch(
      /Debian GNU\/Linux 12 \(bookworm\)'s own packages cannot meet gcc 12\.3.*prebuilt vLLM CPU wheel.*container image/,
    );

    const connection = await connect(host);
    try {
      const build = await buildNativeFixture(connection);
      expect(build.lines.join("\n")).toMatch(/fixture ok: numa_available=\d+ omp_threads=\d+ python=3\.11/);
      expect(build.ok).toBe(true);
    } finally {
      connection.close();
    }
  }, 600_000);

  it("the same native build fails on a host without libnuma-dev with the compiler's own error", async () => {
    const host = await startTestHost("ready");
    await runInRoot(host.rootDir, ["dpkg", "-r", "libnuma-dev"]);
    const connection = await connect(host);
    try {
      const build = await buildNativeFixture(connection);
      expect(build.ok).toBe(false);
      expect(build.lines.join("\n")).toMatch(/fatal error: numa\.h: No such file or directory/);
    } finally {
      connection.close();
    }
  }, 240_000);

  it("reports an installed package whose header is gone as broken, with the fix, and reinstalls it", async () => {
    const host = await startTestHost("ready");
    await runInRoot(host.rootDir, ["rm", "/usr/include/numa.h"]);
    const saved = await addHost(host);
    const check = await runPrerequisitesOf(saved.id, { profile: "cpu-source", mode: "check" });
    expect(check.operation.status).toBe("failed");
    expect(check.operation.error).toBe("Missing required build dependencies: libnuma-dev (broken)");
    const item = check.result.report?.items.find((i) => i.id === "libnuma-dev");
    expect(item).toMatchObject({ state: "broken" });
    expect(item?.fix).toMatch(
      /^Installed but not working \(numa\.h not found .*\); reinstall it: sudo apt-get install --reinstall -y libnuma-dev$/,
    );
    expect(check.operation.host.prereqState).toBe("broken");

    const fixed = await runPrerequisitesOf(saved.id, { profile: "cpu-source", mode: "install" });
    expect(fixed.operation.status).toBe("succeeded");
    expect(fixed.result.reinstalled).toEqual(["libnuma-dev"]);
    expect(fixed.texts).toContain("$ sudo -n /usr/bin/apt-get install -y --reinstall libnuma-dev");
  }, 300_000);

  it("ready host: the check is one SSH round trip", async () => {
    const host = await startTestHost("ready");
    const saved = await addHost(host);
    expect((await runCheck(saved.id)).operation.status).toBe("succeeded");
    const before = await execRequests(host);
    const { operation, result } = await runPrerequisitesOf(saved.id, {
      profile: "cpu-source",
      mode: "check",
    });
    expect(operation.status).toBe("succeeded");
    expect(result.report?.state).toBe("ready");
    expect((await execRequests(host)) - before).toBe(1);
  }, 120_000);

  it("nosudo host: blocked with the exact command and sudoers line; Re-check carries on the same run", async () => {
    const host = await startTestHost("nosudo");
    const saved = await addHost(host);
    const blocked = await runPrerequisitesOf(saved.id, { profile: "cpu-source", mode: "install" });
    expect(blocked.operation.status).toBe("blocked");
    expect(blocked.operation.error).toBe(`Missing required build dependencies: ${CPU_SOURCE_APT.join(", ")}`);
    expect(blocked.result.blocked).toMatchObject({
      missing: CPU_SOURCE_APT,
      sudoUnavailable: true,
      command: `sudo apt-get update && sudo apt-get install -y ${CPU_SOURCE_APT.join(" ")}`,
      sudoersLine: "deploy ALL=(root) NOPASSWD: /usr/bin/apt-get update, /usr/bin/apt-get install *",
    });
    expect(blocked.texts.some((t) => t.startsWith("Sudo access not available: "))).toBe(true);
    expect(blocked.operation.host.prereqState).toBe("blocked");

    // Still not fixed: Re-check blocks again, on the same operation and log.
    const again = await runPrerequisitesOf(saved.id, { resume: blocked.operation.id });
    expect(again.operation.id).toBe(blocked.operation.id);
    expect(again.operation.status).toBe("blocked");
    expect(again.operation.lineCount).toBeGreaterThan(blocked.operation.lineCount);
  }, 180_000);
});

describe("bad input", () => {
  it("refuses unknown profiles and modes, changing nothing", async () => {
    const host = await startTestHost("bare");
    const saved = await addHost(host);
    await expect(
      runPrerequisitesOf(saved.id, { profile: "rpm-magic", mode: "install" }),
    ).rejects.toMatchObject({
      code: "validation",
      fields: { profile: "One of cpu-source, pip-gpu, container" },
    });
  });
});
