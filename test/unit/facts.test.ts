import { describe, expect, it } from "vitest";
import { distroFamilyOf, type HostFacts, parseFacts, readStoredFacts } from "@/lib/hosts/facts";
import { recorded } from "../fixtures/recorded/read";

const noSudoAnswers = { shell: null, update: null, install: null, installWithoutArguments: null };

describe("host facts parser on recorded outputs", () => {
  it("reads a bare Debian 12 test host over SSH (facts-bare.txt) exactly", () => {
    const expected: HostFacts = {
      formatVersion: 2,
      os: "Debian GNU/Linux 12 (bookworm)",
      osId: "debian",
      osIdLike: [],
      osVersion: "12",
      distroFamily: "debian",
      packageManager: "apt-get",
      packageManagerPath: "/usr/bin/apt-get",
      kernel: "6.18.44-fc-v782",
      arch: "x86_64",
      hostname: "webops-bare-1",
      user: "deploy",
      groups: ["deploy"],
      cpuModel: "AMD EPYC",
      cpuCount: 2,
      cpuPhysicalCores: 2,
      memoryKiB: 24683620,
      memoryAvailableKiB: 23112456,
      disk: {
        path: "/home/deploy/webops/deployments",
        exists: false,
        checkedPath: "/home/deploy",
        mount: "/",
        totalKiB: 264212084,
        freeKiB: 79857700,
      },
      // The test host's chroot has no /sys: no node directories and no lscpu answer, so unknown.
      numaNodes: null,
      python3: "3.11.2",
      systemd: false,
      docker: false,
      dockerVersion: null,
      nvidia: null,
      gpus: [],
      sudo: {
        mode: "install",
        reason: "package-manager",
        detail: null,
        shell: "no",
        update: "yes",
        install: "yes",
        installWithoutArguments: null,
      },
    };
    expect(parseFacts(recorded("facts-bare.txt"))).toEqual(expected);
  });

  it("reads the real H100 machine (facts-h100.txt): GPU, driver and CUDA in the same round trip", () => {
    const expected: HostFacts = {
      formatVersion: 2,
      os: "Ubuntu 24.04.3 LTS",
      osId: "ubuntu",
      osIdLike: ["debian"],
      osVersion: "24.04",
      distroFamily: "debian",
      packageManager: "apt-get",
      packageManagerPath: "/usr/bin/apt-get",
      kernel: "6.18.44-fc-v657-gpu",
      arch: "x86_64",
      hostname: "vm",
      user: "root",
      groups: ["root"],
      cpuModel: "Intel(R) Xeon(R) Processor",
      cpuCount: 16,
      cpuPhysicalCores: 16,
      memoryKiB: 131981020,
      memoryAvailableKiB: 131490732,
      disk: {
        path: "/root/webops/deployments",
        exists: false,
        checkedPath: "/root",
        mount: "/",
        totalKiB: 264212084,
        freeKiB: 67091296,
      },
      numaNodes: 1,
      python3: "3.12.3",
      systemd: false,
      docker: false,
      dockerVersion: null,
      nvidia: {
        smiPath: "/usr/local/nvidia/bin/nvidia-smi",
        driver: "580.159.04",
        cuda: "13.0",
        error: null,
      },
      gpus: [{ index: 0, name: "NVIDIA H100 80GB HBM3", memoryMiB: 81559, busId: "00000000:00:06.0" }],
      sudo: { mode: "full", reason: "root", detail: null, ...noSudoAnswers },
    };
    expect(parseFacts(recorded("facts-h100.txt"))).toEqual(expected);
  });

  it("agrees with the raw lscpu recorded on the same H100 machine", () => {
    const lscpu = Object.fromEntries(
      recorded("facts-h100-lscpu.txt").map((l) => l.split(/:\s+/, 2) as [string, string]),
    );
    const facts = parseFacts(recorded("facts-h100.txt"));
    expect(facts.cpuModel).toBe(lscpu["Model name"]);
    expect(facts.cpuCount).toBe(Number(lscpu["CPU(s)"]));
    expect(facts.numaNodes).toBe(Number(lscpu["NUMA node(s)"]));
  });

  it("reads the same H100 machine as an unprivileged user with no sudo binary", () => {
    const facts = parseFacts(recorded("facts-h100-nobody.txt"));
    expect(facts).toMatchObject({
      user: "nobody",
      groups: ["nogroup"],
      gpus: [{ index: 0, name: "NVIDIA H100 80GB HBM3", memoryMiB: 81559 }],
      nvidia: { driver: "580.159.04", cuda: "13.0" },
      sudo: { mode: "none", reason: "not-installed", ...noSudoAnswers },
    });
  });

  it.each([
    ["facts-nosudo.txt", { path: "/srv/webops", exists: false, checkedPath: "/srv", freeKiB: 79846860 }],
    [
      "facts-ready.txt",
      { path: "/home/deploy", exists: true, checkedPath: "/home/deploy", freeKiB: 79847472 },
    ],
    ["facts-sudo-all.txt", { path: "/tmp", exists: true, checkedPath: "/tmp", freeKiB: 79847464 }],
    [
      "facts-sudo-no-star.txt",
      { path: "/opt/webops/models", exists: false, checkedPath: "/opt", mount: "/" },
    ],
  ])("measures free disk at the deploy path or its nearest existing parent (%s)", (file, disk) => {
    expect(parseFacts(recorded(file)).disk).toMatchObject(disk);
  });

  it("reads the ready host's python and the same OS as bare", () => {
    expect(parseFacts(recorded("facts-ready.txt"))).toMatchObject({
      os: "Debian GNU/Linux 12 (bookworm)",
      python3: "3.11.2",
      hostname: "webops-ready-1",
    });
  });
});

describe("host facts parser on malformed output", () => {
  const bare = recorded("facts-bare.txt");

  it("throws when the end marker is missing (connection cut, script killed by the timeout)", () => {
    expect(() => parseFacts(bare.slice(0, 20))).toThrow(/did not finish/);
    expect(() => parseFacts(bare.filter((l) => l !== "facts=done"))).toThrow(/did not finish/);
    expect(() => parseFacts([])).toThrow(/did not finish/);
  });

  it("turns odd or missing values into null, never NaN or a guess", () => {
    const facts = parseFacts([
      "os=",
      "cpus=two",
      "cpu_physical_cores=-1",
      "memory_kib=1e9",
      "numa_nodes=",
      "python3=none",
      "disk_path=/data",
      "disk_free_kib=lots",
      "nvidia_smi=/usr/bin/nvidia-smi",
      "gpu=NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
      "gpu=Tesla T4, [N/A], 535.0, 00000000:00:1E.0",
      "sudo=sometimes",
      "facts=done",
    ]);
    expect(facts).toMatchObject({
      os: "unknown",
      osId: null,
      cpuCount: null,
      cpuPhysicalCores: null,
      memoryKiB: null,
      numaNodes: null,
      python3: null,
      disk: { path: "/data", exists: false, checkedPath: "/data", freeKiB: null, totalKiB: null },
      nvidia: { smiPath: "/usr/bin/nvidia-smi", driver: null, cuda: null },
      gpus: [],
      sudo: { mode: "none", reason: "unknown" },
    });
    for (const value of Object.values(facts)) expect(Number.isNaN(value)).toBe(false);
  });

  it("ignores lines that are not facts (stray messages, carriage returns, foreign keys)", () => {
    const noisy = ["sudo: unable to resolve host x", "Some-Key=1", "=value", ...bare.map((l) => `${l}\r`)];
    expect(parseFacts(noisy)).toEqual(parseFacts(bare));
  });

  it("reports nvidia-smi's own failure and no GPUs", () => {
    const facts = parseFacts([
      "nvidia_smi=/usr/bin/nvidia-smi",
      "gpu_error=NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
      "facts=done",
    ]);
    expect(facts.gpus).toEqual([]);
    expect(facts.nvidia?.error).toMatch(/^NVIDIA-SMI has failed/);
  });
});

describe("distro family", () => {
  it.each([
    ["debian", [], "debian"],
    ["ubuntu", ["debian"], "debian"],
    ["rocky", ["rhel", "centos", "fedora"], "rhel"],
    ["almalinux", ["rhel", "centos", "fedora"], "rhel"],
    ["amzn", ["centos", "rhel", "fedora"], "rhel"],
    ["fedora", [], "rhel"],
    ["opensuse-leap", ["suse", "opensuse"], "suse"],
    ["sles", [], "suse"],
    ["arch", [], "arch"],
    ["manjaro", ["arch"], "arch"],
    ["alpine", [], "alpine"],
    ["nixos", [], "other"],
    [null, [], "other"],
  ] as const)("%s (ID_LIKE %j) is %s", (id, like, family) => {
    expect(distroFamilyOf(id, like)).toBe(family);
  });
});

describe("stored facts", () => {
  it("round-trips through JSON and rejects what an older script stored", () => {
    const facts = parseFacts(recorded("facts-h100.txt"));
    expect(readStoredFacts(JSON.parse(JSON.stringify(facts)))).toEqual(facts);
    expect(readStoredFacts({ os: "Debian GNU/Linux 12 (bookworm)", cpuCores: 2, diskFreeKiB: 1 })).toBeNull();
    expect(readStoredFacts(null)).toBeNull();
  });
});
