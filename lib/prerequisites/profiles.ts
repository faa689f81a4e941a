import type { PackageManager } from "../hosts/facts/package-managers";

/** The package families WebOps installs with; anything else is reported, never guessed. */
export const PACKAGE_FAMILIES = ["apt", "dnf", "pacman", "apk"] as const;
export type TPackageFamily = (typeof PACKAGE_FAMILIES)[number];

export function packageFamilyOf(pm: PackageManager | null): TPackageFamily | null {
  switch (pm) {
    case "apt-get":
      return "apt";
    case "dnf":
    case "yum":
      return "dnf";
    case "pacman":
      return "pacman";
    case "apk":
      return "apk";
    default:
      return null;
  }
}

/** What the check script can verify by hand, as an operator would. */
export const PROBES = [
  "gcc",
  "gxx",
  "make",
  "cmake",
  "ninja",
  "python_include",
  "numa_h",
  "libgomp",
  "git",
  "venv",
  "pip",
  "nvidia_smi",
  "docker",
  "docker_gpu",
] as const;
export type TProbe = (typeof PROBES)[number];

export interface TPrereqItem {
  /** Stable id, e.g. "build-essential". */
  id: string;
  /** What it is for, in the operator's words. */
  purpose: string;
  /** The package(s) per family; empty for items WebOps reports but never installs. */
  packages: Readonly<Record<TPackageFamily, readonly string[]>>;
  /** Probes that must pass once it is installed; a failing one means "broken". */
  probes: readonly TProbe[];
  /** Reported, not installed (a GPU driver, Docker): the operator installs it. */
  reportOnly?: true;
}

const item = (
  id: string,
  purpose: string,
  packages: Record<TPackageFamily, readonly string[]>,
  probes: readonly TProbe[],
): TPrereqItem => ({ id, purpose, packages, probes });

const NONE: Record<TPackageFamily, readonly string[]> = { apt: [], dnf: [], pacman: [], apk: [] };

const BUILD_ESSENTIAL = item(
  "build-essential",
  "C/C++ compiler (gcc, g++) and make",
  { apt: ["build-essential"], dnf: ["gcc", "gcc-c++", "make"], pacman: ["base-devel"], apk: ["build-base"] },
  ["gcc", "gxx", "make"],
);
const CMAKE = item(
  "cmake",
  "CMake build system",
  { apt: ["cmake"], dnf: ["cmake"], pacman: ["cmake"], apk: ["cmake"] },
  ["cmake"],
);
const NINJA = item(
  "ninja-build",
  "Ninja build tool",
  { apt: ["ninja-build"], dnf: ["ninja-build"], pacman: ["ninja"], apk: ["samurai"] },
  ["ninja"],
);
const PYTHON_DEV = item(
  "python3-dev",
  "Python headers for building extensions",
  { apt: ["python3-dev"], dnf: ["python3-devel"], pacman: ["python"], apk: ["python3-dev"] },
  ["python_include"],
);
const LIBNUMA_DEV = item(
  "libnuma-dev",
  "NUMA library headers (vLLM CPU build)",
  { apt: ["libnuma-dev"], dnf: ["numactl-devel"], pacman: ["numactl"], apk: ["numactl-dev"] },
  ["numa_h"],
);
const LIBGOMP = item(
  "libgomp1",
  "GNU OpenMP runtime",
  { apt: ["libgomp1"], dnf: ["libgomp"], pacman: ["gcc-libs"], apk: ["libgomp"] },
  ["libgomp"],
);
const GIT = item(
  "git",
  "Fetches vLLM's sources",
  { apt: ["git"], dnf: ["git"], pacman: ["git"], apk: ["git"] },
  ["git"],
);
const PYTHON_VENV = item(
  "python3-venv",
  "Python virtual environments",
  { apt: ["python3-venv"], dnf: ["python3"], pacman: ["python"], apk: ["python3"] },
  ["venv"],
);
const PYTHON_PIP = item(
  "python3-pip",
  "pip, the Python package installer",
  { apt: ["python3-pip"], dnf: ["python3-pip"], pacman: ["python-pip"], apk: ["py3-pip"] },
  ["pip"],
);
const NVIDIA_DRIVER: TPrereqItem = {
  id: "nvidia-driver",
  purpose: "NVIDIA driver (nvidia-smi answers)",
  packages: NONE,
  probes: ["nvidia_smi"],
  reportOnly: true,
};
const DOCKER_GPU: TPrereqItem = {
  id: "docker-gpu",
  purpose: "Docker with the NVIDIA container runtime",
  packages: NONE,
  probes: ["docker", "docker_gpu"],
  reportOnly: true,
};

/** A version floor or range the install method needs, checked against what the host has or would get. */
export interface TMinimum {
  id: "gcc" | "gxx" | "cmake" | "python3" | "cpu";
  label: string;
  /** Inclusive lower bound, and exclusive upper bound where there is one. */
  atLeast?: string;
  below?: string;
  /** The package whose candidate version tells what the distro would install. */
  package?: Partial<Record<TPackageFamily, string>>;
}

export const PREREQ_PROFILE_IDS = ["cpu-source", "pip-gpu", "container"] as const;
export type TPrereqProfileId = (typeof PREREQ_PROFILE_IDS)[number];

export interface TPrereqProfile {
  id: TPrereqProfileId;
  label: string;
  items: readonly TPrereqItem[];
  minimums: readonly TMinimum[];
}

/** vLLM's CPU build refuses gcc/g++ older than 12.3 and CMake older than 3.26; Python 3.10 to 3.13. */
const CPU_BUILD_MINIMUMS: readonly TMinimum[] = [
  {
    id: "gcc",
    label: "gcc",
    atLeast: "12.3",
    package: { apt: "gcc", dnf: "gcc", pacman: "gcc", apk: "gcc" },
  },
  {
    id: "gxx",
    label: "g++",
    atLeast: "12.3",
    package: { apt: "g++", dnf: "gcc-c++", pacman: "gcc", apk: "g++" },
  },
  {
    id: "cmake",
    label: "CMake",
    atLeast: "3.26",
    package: { apt: "cmake", dnf: "cmake", pacman: "cmake", apk: "cmake" },
  },
  { id: "python3", label: "Python", atLeast: "3.10", below: "3.14" },
  { id: "cpu", label: "CPU instruction set (AVX-512, or AVX2 with limits)" },
];

export const PREREQ_PROFILES: Readonly<Record<TPrereqProfileId, TPrereqProfile>> = {
  "cpu-source": {
    id: "cpu-source",
    label: "vLLM CPU build from source",
    items: [BUILD_ESSENTIAL, CMAKE, NINJA, PYTHON_DEV, LIBNUMA_DEV, LIBGOMP, GIT, PYTHON_VENV, PYTHON_PIP],
    minimums: CPU_BUILD_MINIMUMS,
  },
  "pip-gpu": {
    id: "pip-gpu",
    label: "vLLM with pip (GPU)",
    items: [PYTHON_VENV, PYTHON_PIP, PYTHON_DEV, BUILD_ESSENTIAL, NVIDIA_DRIVER],
    minimums: [{ id: "python3", label: "Python", atLeast: "3.10", below: "3.14" }],
  },
  container: {
    id: "container",
    label: "Container image",
    items: [DOCKER_GPU],
    minimums: [],
  },
};

export function isPrereqProfileId(value: unknown): value is TPrereqProfileId {
  return typeof value === "string" && (PREREQ_PROFILE_IDS as readonly string[]).includes(value);
}

/** Every package a profile names for a family, in order, without repeats. */
export function profilePackages(profile: TPrereqProfile, family: TPackageFamily): string[] {
  return [...new Set(profile.items.flatMap((i) => i.packages[family]))];
}
