import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { installCommand, manualInstallCommand, refreshCommand } from "@/lib/prerequisites/install";
import { PREREQ_PROFILES, packageFamilyOf, profilePackages } from "@/lib/prerequisites/profiles";
import { compareVersions, parsePrereqReport } from "@/lib/prerequisites/report";
import { PREREQ_SCRIPT, prereqCheckCommand } from "@/lib/prerequisites/script";
import { toShell } from "@/lib/ssh";

// Recorded with scripts/record-prereq.ts on the real test hosts (Debian 12).
const recorded = (name: string) =>
  readFileSync(new URL(`../fixtures/recorded/${name}`, import.meta.url), "utf8").split("\n");
const OS = "Debian GNU/Linux 12 (bookworm)";
const cpu = PREREQ_PROFILES["cpu-source"];

describe("prerequisites report", () => {
  it("bare Debian 12: every package missing, minimums judged on what apt would install", () => {
    const report = parsePrereqReport(recorded("prereq-bare.txt"), cpu, "apt", OS);
    expect(report.state).toBe("missing");
    expect(report.missingPackages).toEqual(profilePackages(cpu, "apt"));
    expect(report.items.every((i) => i.state === "missing")).toBe(true);
    expect(report.minimums.find((m) => m.id === "gcc")).toMatchObject({
      state: "not_met",
      found: "12.2.0",
      source: "candidate",
      note: "the package manager would install gcc 12.2.0; vLLM needs 12.3 or newer",
    });
    expect(report.minimums.find((m) => m.id === "cmake")).toMatchObject({
      state: "not_met",
      found: "3.25.1",
    });
    expect(report.minimums.find((m) => m.id === "python3")).toMatchObject({ state: "ok", found: "3.11.2" });
    expect(report.wayOut).toBe(
      "Debian GNU/Linux 12 (bookworm)'s own packages cannot meet gcc 12.3 or newer (available: 12.2.0), g++ 12.3 or newer (available: 12.2.0), CMake 3.26 or newer (available: 3.25.1). Ways out: install a newer toolchain (e.g. gcc 13 and a newer CMake from a newer release or backports), use the prebuilt vLLM CPU wheel, or deploy the container image.",
    );
  });

  it("ready host: every item ok, with installed versions; CPU flags read", () => {
    const report = parsePrereqReport(recorded("prereq-ready.txt"), cpu, "apt", OS);
    expect(report.state).toBe("ready");
    expect(report.items.map((i) => [i.id, i.state])).toEqual(cpu.items.map((i) => [i.id, "ok"]));
    expect(report.items.find((i) => i.id === "cmake")?.versions).toEqual({ cmake: "3.25.1-1" });
    expect(report.minimums.find((m) => m.id === "gcc")).toMatchObject({
      source: "installed",
      found: "12.2.0",
    });
    expect(report.minimums.find((m) => m.id === "cpu")).toMatchObject({ state: "ok", found: "AVX-512" });
  });

  it("an installed package whose header is gone is broken, with the reinstall command", () => {
    const report = parsePrereqReport(recorded("prereq-ready-numa-h-removed.txt"), cpu, "apt", OS);
    expect(report.state).toBe("broken");
    expect(report.missingPackages).toEqual([]);
    expect(report.brokenPackages).toEqual(["libnuma-dev"]);
    expect(report.items.find((i) => i.id === "libnuma-dev")?.fix).toBe(
      "Installed but not working (numa.h not found in /usr/include or /usr/local/include); reinstall it: sudo apt-get install --reinstall -y libnuma-dev",
    );
  });

  it("judges the CPU: AVX-512 ok, AVX2 limited, neither not met", () => {
    const withFlags = (flags: string) =>
      parsePrereqReport(
        recorded("prereq-ready.txt").map((l) => (l.startsWith("cpu_flags=") ? `cpu_flags=${flags}` : l)),
        cpu,
        "apt",
        OS,
      ).minimums.find((m) => m.id === "cpu")?.state;
    expect(withFlags("avx2 avx512f")).toBe("ok");
    expect(withFlags("avx2")).toBe("limited");
    expect(withFlags("")).toBe("not_met");
  });

  it("refuses an output that did not reach its end", () => {
    const cut = recorded("prereq-ready.txt").filter((l) => l !== "prereq=done");
    expect(() => parsePrereqReport(cut, cpu, "apt", OS)).toThrow(/did not run to its end/);
  });

  it("reports a GPU driver and Docker as not installed by WebOps", () => {
    const gpu = parsePrereqReport(recorded("prereq-ready.txt"), PREREQ_PROFILES["pip-gpu"], "apt", OS);
    expect(gpu.state).toBe("ready");
    expect(gpu.reportOnlyProblems).toEqual(["nvidia-driver"]);
    const container = parsePrereqReport(recorded("prereq-ready.txt"), PREREQ_PROFILES.container, "apt", OS);
    expect(container.items[0]).toMatchObject({ id: "docker-gpu", state: "missing", reportOnly: true });
  });
});

describe("package families and commands", () => {
  it("maps package managers to families and never guesses the rest", () => {
    expect(packageFamilyOf("apt-get")).toBe("apt");
    expect(packageFamilyOf("yum")).toBe("dnf");
    expect(packageFamilyOf("zypper")).toBeNull();
    expect(packageFamilyOf(null)).toBeNull();
  });

  it("names each family's own packages", () => {
    expect(profilePackages(cpu, "dnf")).toContain("numactl-devel");
    expect(profilePackages(cpu, "pacman")).toContain("base-devel");
    expect(profilePackages(cpu, "apk")).toContain("build-base");
  });

  it("runs exactly what the sudoers line permits, quoted", () => {
    const plan = { packageManager: "apt-get" as const, path: "/usr/bin/apt-get", sudo: true };
    expect(toShell(refreshCommand(plan, 1000))).toBe("sudo -n /usr/bin/apt-get update");
    expect(toShell(installCommand(plan, ["cmake", "libnuma-dev"], 1000))).toBe(
      "sudo -n /usr/bin/apt-get install -y cmake libnuma-dev",
    );
    expect(toShell(installCommand(plan, ["libnuma-dev"], 1000, true))).toBe(
      "sudo -n /usr/bin/apt-get install -y --reinstall libnuma-dev",
    );
    expect(toShell(installCommand({ ...plan, sudo: false }, ["git"], 1000))).toBe(
      "/usr/bin/apt-get install -y git",
    );
    expect(manualInstallCommand("dnf", ["gcc", "cmake"])).toBe(
      "sudo dnf makecache && sudo dnf install -y gcc cmake",
    );
  });

  it("compares versions numerically, epochs and suffixes aside", () => {
    expect(compareVersions("4:12.2.0-3", "12.3")).toBeLessThan(0);
    expect(compareVersions("12.10", "12.3")).toBeGreaterThan(0);
    expect(compareVersions("3.26.0", "3.26")).toBe(0);
  });

  it("passes package names as arguments: a hostile name is data, not shell", () => {
    const hostile = "x; touch /tmp/webops-pwned-$$ #";
    const output = execFileSync("sh", ["-c", toShell(prereqCheckCommand("apt", [hostile], 1000))], {
      input: PREREQ_SCRIPT,
      encoding: "utf8",
    });
    expect(output).toContain(`pkg:${hostile}=missing`);
    expect(output).toContain("prereq=done");
  }, 60_000);
});
