import { parseGpuQueryCsv, parseNvidiaSmiSummary } from "./nvidia-smi";
import { isPackageManager } from "./package-managers";
import {
  type DistroFamily,
  type HostFacts,
  type HostSudo,
  SUDO_MODES,
  SUDO_REASONS,
  type SudoMode,
  type SudoReason,
} from "./schema";

/** Keys that may appear many times; every other key keeps its last value. */
const REPEATED = new Set(["gpu", "nvidia_smi_out"]);

/** ID / ID_LIKE words of each family, as os-release files spell them. */
const FAMILY_IDS: readonly [DistroFamily, readonly string[]][] = [
  ["debian", ["debian", "ubuntu", "raspbian", "linuxmint", "pop"]],
  ["rhel", ["rhel", "fedora", "centos", "rocky", "almalinux", "ol", "amzn"]],
  ["suse", ["suse", "opensuse", "sles", "sled", "opensuse-leap", "opensuse-tumbleweed"]],
  ["arch", ["arch", "archarm", "manjaro", "endeavouros"]],
  ["alpine", ["alpine"]],
];

/** The family of a host from its os-release ID, then ID_LIKE in order: the first word that is known. */
export function distroFamilyOf(osId: string | null, osIdLike: readonly string[]): DistroFamily {
  for (const word of [osId ?? "", ...osIdLike]) {
    const family = FAMILY_IDS.find(([, ids]) => ids.includes(word.toLowerCase()));
    if (family) return family[0];
  }
  return "other";
}

function int(value: string | undefined): number | null {
  const trimmed = value?.trim();
  return trimmed && /^\d+$/.test(trimmed) ? Number(trimmed) : null;
}

function str(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function words(value: string | undefined): string[] {
  return (value ?? "").split(/\s+/).filter((w) => w !== "");
}

function answer(value: string | undefined): HostSudo["shell"] {
  return value === "yes" || value === "no" || value === "password" ? value : null;
}

function sudoFrom(values: ReadonlyMap<string, string>): HostSudo {
  const mode = values.get("sudo");
  const reason = values.get("sudo_reason");
  const known = (SUDO_MODES as readonly string[]).includes(mode ?? "");
  return {
    mode: known ? (mode as SudoMode) : "none",
    reason:
      known && (SUDO_REASONS as readonly string[]).includes(reason ?? "")
        ? (reason as SudoReason)
        : "unknown",
    detail: str(values.get("sudo_detail")),
    shell: answer(values.get("sudo_shell")),
    update: answer(values.get("sudo_update")),
    install: answer(values.get("sudo_install")),
    installWithoutArguments: answer(values.get("sudo_install_bare")),
  };
}

/**
 * The facts script's output as HostFacts. Pure: it only reads the lines. A value that is missing
 * or does not read as what it should be becomes null (never NaN or a guess); output that lacks
 * the script's end marker throws, because its missing lines would read as "absent".
 */
export function parseFacts(lines: readonly string[]): HostFacts {
  const values = new Map<string, string>();
  const repeated = new Map<string, string[]>([...REPEATED].map((k) => [k, []]));
  for (const raw of lines) {
    const line = raw.replace(/\r$/, "");
    const eq = line.indexOf("=");
    const key = line.slice(0, eq);
    if (eq <= 0 || !/^[a-z][a-z0-9_]*$/.test(key)) continue;
    const value = line.slice(eq + 1);
    const list = repeated.get(key);
    if (list) list.push(value);
    else values.set(key, value);
  }
  if (values.get("facts") !== "done") {
    throw new Error(
      "The facts script did not finish (its last line, facts=done, is missing): the output is incomplete",
    );
  }
  const get = (key: string) => values.get(key);

  const csvGpus = parseGpuQueryCsv(repeated.get("gpu") ?? []);
  const summary = parseNvidiaSmiSummary(repeated.get("nvidia_smi_out") ?? []);
  const smiPath = str(get("nvidia_smi"));
  const nvidia =
    smiPath && smiPath !== "none"
      ? {
          smiPath,
          driver: csvGpus[0]?.driver ?? summary.driver,
          cuda: summary.cuda,
          error: str(get("gpu_error")),
        }
      : null;
  // The query's full names win; the summary table (which shortens long names) is the fallback.
  const gpus =
    csvGpus.length > 0 ? csvGpus.map(({ driver: _driver, ...gpu }) => gpu) : nvidia ? summary.gpus : [];

  const osId = str(get("os_id"));
  const osIdLike = words(get("os_id_like"));
  const packageManager = get("package_manager") ?? "";
  const diskPath = get("disk_path");
  return {
    formatVersion: int(get("facts_format")) ?? 1,
    os: str(get("os")) ?? "unknown",
    osId,
    osIdLike,
    osVersion: str(get("os_version")),
    distroFamily: distroFamilyOf(osId, osIdLike),
    packageManager: isPackageManager(packageManager) ? packageManager : null,
    packageManagerPath: str(get("package_manager_path")),
    kernel: str(get("kernel")),
    arch: str(get("arch")),
    hostname: str(get("hostname")),
    user: str(get("user")),
    groups: words(get("groups")),
    cpuModel: str(get("cpu_model")),
    cpuCount: int(get("cpus")),
    cpuPhysicalCores: int(get("cpu_physical_cores")),
    memoryKiB: int(get("memory_kib")),
    memoryAvailableKiB: int(get("memory_available_kib")),
    disk:
      diskPath !== undefined && diskPath !== ""
        ? {
            path: diskPath,
            exists: get("disk_path_exists") === "yes",
            checkedPath: get("disk_checked_path") || diskPath,
            mount: str(get("disk_mount")),
            totalKiB: int(get("disk_total_kib")),
            freeKiB: int(get("disk_free_kib")),
          }
        : null,
    numaNodes: int(get("numa_nodes")),
    python3: get("python3") === "none" ? null : str(get("python3")),
    systemd: get("systemd") === "yes",
    docker: get("docker") === "yes",
    dockerVersion: str(get("docker_version")),
    nvidia,
    gpus,
    sudo: sudoFrom(values),
  };
}
