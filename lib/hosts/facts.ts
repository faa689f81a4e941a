import type { RemoteCommand } from "../ssh";

/**
 * A read-only script that prints one `key=value` fact per line as it learns it, so the operator
 * sees progress live. It is sent on stdin to `sh -s`: nothing from the operator is part of it.
 */
// String.raw keeps the shell's backslashes; the script must not contain "$" followed by "{".
const FACTS_SCRIPT = String.raw`
exec 2>&1
[ -r /etc/os-release ] && . /etc/os-release
echo "os=$PRETTY_NAME"
echo "os_id=$ID"
echo "os_version=$VERSION_ID"
echo "kernel=$(uname -r)"
echo "arch=$(uname -m)"
echo "hostname=$(cat /proc/sys/kernel/hostname)"
echo "cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "cpu_cores=$(getconf _NPROCESSORS_ONLN)"
echo "memory_kib=$(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\) kB$/\1/p' /proc/meminfo)"
echo "disk_free_kib=$( (df -Pk "$HOME" 2>/dev/null || df -Pk /) | awk 'NR==2 {print $4}')"
if command -v python3 >/dev/null 2>&1; then echo "python3=$(python3 -c 'import platform; print(platform.python_version())')"; else echo "python3=none"; fi
if [ -d /run/systemd/system ]; then echo "systemd=yes"; else echo "systemd=no"; fi
if command -v docker >/dev/null 2>&1; then echo "docker=yes"; else echo "docker=no"; fi
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits | sed 's/^/gpu=/'
else
  echo "gpu=none"
fi
echo "facts=done"
`;

export function factsCommand(timeoutMs: number): RemoteCommand {
  return { program: "sh", args: ["-s"], stdin: FACTS_SCRIPT, timeoutMs };
}

export type HostGpu = {
  name: string;
  memoryMiB: number | null;
  driver: string | null;
};

export type HostFacts = {
  os: string;
  osId: string;
  osVersion: string;
  kernel: string;
  arch: string;
  hostname: string;
  cpuModel: string;
  cpuCores: number | null;
  memoryKiB: number | null;
  diskFreeKiB: number | null;
  python3: string | null;
  systemd: boolean;
  docker: boolean;
  gpus: HostGpu[];
};

function toInt(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** Parses the script's output; throws when it did not run to its end. */
export function parseFacts(lines: readonly string[]): HostFacts {
  const values = new Map<string, string>();
  const gpus: HostGpu[] = [];
  for (const line of lines) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === "gpu") {
      if (value !== "none") {
        const [name = "", memory, driver] = value.split(",").map((s) => s.trim());
        gpus.push({ name, memoryMiB: toInt(memory), driver: driver ?? null });
      }
    } else {
      values.set(key, value);
    }
  }
  if (values.get("facts") !== "done")
    throw new Error("The facts script did not finish; its output is incomplete");
  const get = (key: string) => values.get(key) ?? "";
  const python = get("python3");
  return {
    os: get("os") || "unknown",
    osId: get("os_id") || "unknown",
    osVersion: get("os_version"),
    kernel: get("kernel"),
    arch: get("arch"),
    hostname: get("hostname"),
    cpuModel: get("cpu_model"),
    cpuCores: toInt(values.get("cpu_cores")),
    memoryKiB: toInt(values.get("memory_kib")),
    diskFreeKiB: toInt(values.get("disk_free_kib")),
    python3: python === "" || python === "none" ? null : python,
    systemd: get("systemd") === "yes",
    docker: get("docker") === "yes",
    gpus,
  };
}
