import { z } from "zod";
import { PACKAGE_MANAGER_NAMES } from "./package-managers";

export const DISTRO_FAMILIES = ["debian", "rhel", "suse", "arch", "alpine", "other"] as const;
export type DistroFamily = (typeof DISTRO_FAMILIES)[number];

export const SUDO_MODES = ["full", "install", "none"] as const;
export type SudoMode = (typeof SUDO_MODES)[number];

/** Why sudo is what it is; the facts script decides, `describeSudo` words it for operators. */
export const SUDO_REASONS = [
  "root", // logged in as root: no sudo needed
  "all-commands", // passwordless sudo for anything (a root shell is allowed)
  "package-manager", // passwordless refresh and install with the package manager
  "not-installed",
  "not-in-sudoers",
  "password-required", // in an admin group whose rule asks for a password
  "requiretty",
  "sudo-error",
  "no-package-manager",
  "install-without-arguments", // the sudoers line lacks its trailing `*`
  "package-manager-needs-password", // a rule without NOPASSWD matches last
  "update-not-permitted",
  "install-not-permitted",
  "package-manager-not-permitted",
  "unknown", // the output had no sudo verdict
] as const;
export type SudoReason = (typeof SUDO_REASONS)[number];

/** One `sudo -n -l` question: allowed without a password, only with one, refused, or not asked. */
const ZSudoAnswer = z.enum(["yes", "password", "no"]).nullable();

const ZHostGpuSchema = z.object({
  index: z.number().int(),
  /** As nvidia-smi names it; the summary table shortens long names with "...". */
  name: z.string(),
  memoryMiB: z.number().int().nullable(),
  busId: z.string().nullable(),
});

export const ZHostFactsSchema = z.object({
  formatVersion: z.number().int(),
  /** PRETTY_NAME, for people; "unknown" when the host has no os-release. */
  os: z.string(),
  osId: z.string().nullable(),
  osIdLike: z.array(z.string()),
  osVersion: z.string().nullable(),
  distroFamily: z.enum(DISTRO_FAMILIES),
  packageManager: z.enum(PACKAGE_MANAGER_NAMES).nullable(),
  packageManagerPath: z.string().nullable(),
  kernel: z.string().nullable(),
  arch: z.string().nullable(),
  hostname: z.string().nullable(),
  user: z.string().nullable(),
  groups: z.array(z.string()),
  cpuModel: z.string().nullable(),
  /** Logical CPUs online (what `nproc` says). */
  cpuCount: z.number().int().nullable(),
  cpuPhysicalCores: z.number().int().nullable(),
  memoryKiB: z.number().int().nullable(),
  memoryAvailableKiB: z.number().int().nullable(),
  disk: z
    .object({
      /** The deploy path as the host sees it (`~/` expanded); control characters shown as `?`. */
      path: z.string(),
      exists: z.boolean(),
      /** The nearest existing directory at or above `path`, which the free space is measured on. */
      checkedPath: z.string(),
      mount: z.string().nullable(),
      totalKiB: z.number().int().nullable(),
      freeKiB: z.number().int().nullable(),
    })
    .nullable(),
  numaNodes: z.number().int().nullable(),
  python3: z.string().nullable(),
  systemd: z.boolean(),
  docker: z.boolean(),
  dockerVersion: z.string().nullable(),
  /** null when the host has no nvidia-smi. */
  nvidia: z
    .object({
      smiPath: z.string(),
      driver: z.string().nullable(),
      /** The newest CUDA the driver supports (nvidia-smi's header), not an installed toolkit. */
      cuda: z.string().nullable(),
      /** nvidia-smi's first line when it failed, e.g. the driver is not loaded. */
      error: z.string().nullable(),
    })
    .nullable(),
  gpus: z.array(ZHostGpuSchema),
  sudo: z.object({
    mode: z.enum(SUDO_MODES),
    reason: z.enum(SUDO_REASONS),
    /** sudo's own words, or the admin group, when they explain the reason. */
    detail: z.string().nullable(),
    shell: ZSudoAnswer,
    update: ZSudoAnswer,
    install: ZSudoAnswer,
    installWithoutArguments: ZSudoAnswer,
  }),
});

export type HostFacts = z.infer<typeof ZHostFactsSchema>;
export type HostGpu = z.infer<typeof ZHostGpuSchema>;
export type HostSudo = HostFacts["sudo"];

/**
 * Stored facts (a JSON column) back as HostFacts, or null when they were written by an older
 * script and need a new host check; never a cast that lets a missing field crash a page.
 */
export function readStoredFacts(value: unknown): HostFacts | null {
  const parsed = ZHostFactsSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
