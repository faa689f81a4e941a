// Host facts in one SSH round trip: the read-only script, its parser, and what sudo allows.
// The pieces live in ./facts/; this file is what the rest of WebOps imports.
export {
  type GpuQueryRow,
  type NvidiaSmiSummary,
  parseGpuQueryCsv,
  parseNvidiaSmiSummary,
} from "./facts/nvidia-smi";
export {
  isPackageManager,
  PACKAGE_MANAGER_NAMES,
  PACKAGE_MANAGERS,
  type PackageManager,
  type PackageManagerSpec,
  sudoersLineFor,
} from "./facts/package-managers";
export { distroFamilyOf, parseFacts } from "./facts/parse";
export {
  type DistroFamily,
  type HostFacts,
  type HostGpu,
  type HostSudo,
  readStoredFacts,
  SUDO_REASONS,
  type SudoMode,
  type SudoReason,
  ZHostFactsSchema,
} from "./facts/schema";
export { FACTS_FORMAT, FACTS_SCRIPT, factsCommand, GPU_QUERY_FIELDS } from "./facts/script";
export { describeSudo, type SudoDescription } from "./facts/sudo";
